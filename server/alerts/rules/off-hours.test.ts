import { describe, expect, it } from 'vitest';
import { collectFields } from '../../../test/support/entries.js';
import { classifyEntry } from '../../ingest/classify.js';
import { inputsFromClassified, type RuleInput } from '../inputs.js';
import { RuleEngine } from '../rule-engine.js';
import { defaultRuleSettings } from '../settings.js';
import type { AlertSignal } from '../signal.js';

// Monday 3 March 2025, 22:00 UTC: outside the default working hours (08:00-19:00 Mon-Fri, UTC).
const NIGHT = Date.UTC(2025, 2, 3, 22, 0, 0);

/** The rule inputs of one accepted batch of `collector` (team `eng-platform`) at event time `ts`. */
function batch(collector: string, ts: number): RuleInput[] {
  const classified = classifyEntry({ stream: 'collect', id: `${ts}-0`, arrivalMs: ts, fields: collectFields({ ts, collector, team: 'eng-platform' }) }, 10_000);
  return inputsFromClassified(classified, 'kw:');
}

const offHours = (signals: AlertSignal[]) => signals.filter((signal) => signal.rule === 'off_hours_collection');

describe('off_hours_collection', () => {
  it('counts each collector of a team once per minute, however many batches it sends', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    // Ten batches (the default minimum) from two collectors, in one second.
    const inputs = Array.from({ length: 10 }, (_, index) => batch(index % 2 === 0 ? 'c-a' : 'c-b', NIGHT + 100 + index)).flat();
    const [raised] = offHours(engine.applyAll(inputs));
    expect(raised).toMatchObject({ kind: 'raise', labels: { team: 'eng-platform' } });
    expect(raised?.summary).toContain('10 batches from 2 collectors');
  });

  it('keeps the minute\'s collectors across a restart (snapshot, then load)', () => {
    const before = new RuleEngine(defaultRuleSettings());
    before.applyAll(Array.from({ length: 5 }, (_, index) => batch(`c-${index}`, NIGHT + 100)).flat());
    const state = JSON.parse(JSON.stringify(before.snapshot())) as unknown;
    const after = new RuleEngine(defaultRuleSettings());
    after.load(state);
    // Five more batches from the same five collectors: still five collectors, now ten batches.
    const [raised] = offHours(after.applyAll(Array.from({ length: 5 }, (_, index) => batch(`c-${index}`, NIGHT + 200)).flat()));
    expect(raised?.summary).toContain('10 batches from 5 collectors');
  });

  it('counts a team of thousands of collectors exactly (a set, not a list scanned per batch)', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    const collectors = 20_000;
    // One raise per team per second: the last batch, alone in the next second, raises with the whole count.
    const inputs = Array.from({ length: collectors }, (_, index) => batch(`c-${index}`, index < collectors - 1 ? NIGHT + 1000 : NIGHT + 2000)).flat();
    const signals = offHours(engine.applyAll(inputs));
    expect(signals.at(-1)?.summary).toContain(`${collectors} batches from ${collectors} collectors`);
  });
});
