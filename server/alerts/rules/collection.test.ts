import { describe, expect, it } from 'vitest';
import { parseCollectEntry, type CollectEntry } from '../../../shared/contract/index.js';
import { collectFields, type CollectOverrides } from '../../../test/support/entries.js';
import { classifyEntry } from '../../ingest/classify.js';
import { inputsFromClassified, type RuleInput } from '../inputs.js';
import { RuleEngine } from '../rule-engine.js';
import { defaultRuleSettings, type RuleSettings } from '../settings.js';
import type { AlertSignal } from '../signal.js';
import { parseTeamWorkingHours, parseWorkingHours } from '../working-hours.js';

// Monday 3 March 2025, 10:00 UTC: inside the default working hours.
const MONDAY_10 = Date.UTC(2025, 2, 3, 10, 0, 0);
const MONDAY_21 = Date.UTC(2025, 2, 3, 21, 0, 0);

function collect(overrides: CollectOverrides): CollectEntry {
  const parsed = parseCollectEntry(collectFields({ ts: MONDAY_10, collector: 'c-abc123', team: 'eng-platform', ...overrides }));
  if (!parsed.ok) throw new Error(`bad test entry: ${parsed.reason} ${parsed.field}`);
  return parsed.entry;
}

function input(entry: CollectEntry): RuleInput {
  return { type: 'collect', entry, second: Math.floor(entry.ts / 1000) * 1000 };
}

const shape = (signal: AlertSignal) => ({ rule: signal.rule, severity: signal.severity, labels: signal.labels, kind: signal.kind });

function engineWith(change: (settings: RuleSettings) => void = () => {}): RuleEngine {
  const settings = defaultRuleSettings();
  change(settings);
  return new RuleEngine(settings);
}

describe('consent_revoked_collection and unencrypted_collection', () => {
  it('raises consent_revoked_collection (critical, team and collector) for a batch under revoked consent', () => {
    const signals = engineWith().apply(input(collect({ consent: 'revoked' })));
    expect(signals.map(shape)).toEqual([
      { rule: 'consent_revoked_collection', severity: 'critical', labels: { team: 'eng-platform', collector: 'c-abc123' }, kind: 'raise' },
    ]);
  });

  it('raises unencrypted_collection (high) for tls=0, and clears after two quiet minutes', () => {
    const engine = engineWith();
    expect(engine.apply(input(collect({ tls: 0 }))).map(shape)).toEqual([
      { rule: 'unencrypted_collection', severity: 'high', labels: { team: 'eng-platform', collector: 'c-abc123' }, kind: 'raise' },
    ]);
    expect(engine.apply(input(collect({ ts: MONDAY_10 + 1000 })))).toEqual([]);
    expect(engine.apply({ type: 'tick', nowMs: MONDAY_10 + 60_000 })).toEqual([]);
    expect(engine.apply({ type: 'tick', nowMs: MONDAY_10 + 120_000 }).map(shape)).toEqual([
      { rule: 'unencrypted_collection', severity: 'high', labels: { team: 'eng-platform', collector: 'c-abc123' }, kind: 'clear' },
    ]);
    expect(engine.apply({ type: 'tick', nowMs: MONDAY_10 + 180_000 })).toEqual([]);
  });

  it('stays quiet on ordinary batches', () => {
    expect(engineWith().apply(input(collect({})))).toEqual([]);
  });
});

describe('raw_content_in_stream', () => {
  it('raises from a raw-looking unknown field, naming stream, collector and field but never the value', () => {
    const fields = [...collectFields({ ts: MONDAY_10, collector: 'c-abc123' }), 'clipboard', 'SECRET-CANARY-VALUE'];
    const classified = classifyEntry({ stream: 'collect', id: `${MONDAY_10}-0`, arrivalMs: MONDAY_10, fields }, 10_000);
    const signals = engineWith().applyAll(inputsFromClassified(classified, 'kw:'));
    expect(signals.map(shape)).toEqual([
      { rule: 'raw_content_in_stream', severity: 'critical', labels: { stream: 'kw:collect', collector: 'c-abc123', field: 'clipboard' }, kind: 'raise' },
    ]);
    expect(JSON.stringify(signals)).not.toContain('SECRET-CANARY-VALUE');
  });

  it('raises for a rejected entry too, without a collector label when the collector is not a valid id', () => {
    const fields = [...collectFields({ ts: MONDAY_10, collector: 'not valid!' }), 'note', 'x'.repeat(80)];
    const classified = classifyEntry({ stream: 'collect', id: `${MONDAY_10}-0`, arrivalMs: MONDAY_10, fields }, 10_000);
    expect(classified.kind).toBe('rejected');
    const signals = engineWith().applyAll(inputsFromClassified(classified, 'kw:'));
    expect(signals.map((signal) => signal.labels)).toEqual([{ stream: 'kw:collect', field: 'note' }]);
    expect(JSON.stringify(signals)).not.toContain('xxxxxxxx');
  });
});

describe('dropped_events', () => {
  const batch = (second: number, events: number, dropped: number) =>
    input(collect({ ts: MONDAY_10 + second * 1000, keys: events, clicks: 0, moves: 0, scrolls: 0, corrections: 0, redacted: 0, red_password: 0, red_email: 0, dropped }));

  it('raises (warning, team and collector) once the dropped share passes 10 % over enough events', () => {
    const engine = engineWith();
    const signals = Array.from({ length: 10 }, (_, second) => engine.apply(batch(second, 60, 40))).flat();
    // 100 captured events a second: the window reaches 300 after the third batch.
    expect(signals.length).toBe(8);
    expect(shape(signals[0] as AlertSignal)).toEqual({ rule: 'dropped_events', severity: 'warning', labels: { team: 'eng-platform', collector: 'c-abc123' }, kind: 'raise' });
    expect(signals[0]?.summary).toContain('dropped 120 of 300 captured events (40.0 %)');
  });

  it('ignores a stray drop, and clears only well below the threshold (hysteresis)', () => {
    const engine = engineWith();
    expect(Array.from({ length: 60 }, (_, second) => engine.apply(batch(second, 100, second === 5 ? 4 : 0))).flat()).toEqual([]);
    for (let second = 100; second < 110; second++) engine.apply(batch(second, 80, 20));
    // 5 % dropped: below the 10 % that raised it, above the 3 % that clears it: still raised.
    const held = Array.from({ length: 120 }, (_, i) => engine.apply(batch(110 + i, 95, 5))).flat();
    expect(held.filter((signal) => signal.kind === 'clear')).toEqual([]);
    const cleared = Array.from({ length: 60 }, (_, i) => engine.apply(batch(230 + i, 100, 0))).flat();
    expect(cleared.map((signal) => signal.kind)).toEqual(['clear']);
  });
});

describe('off_hours_collection', () => {
  const at = (ms: number, collector = 'c-abc123') => input(collect({ ts: ms, collector }));

  it('raises (info, team) after 10 batches of one team in a minute outside 08:00-19:00 Mon-Fri', () => {
    const engine = engineWith();
    const signals = Array.from({ length: 12 }, (_, i) => engine.apply(at(MONDAY_21 + i * 1000, `c-${i % 3}`))).flat();
    expect(signals.length).toBe(3);
    expect(shape(signals[0] as AlertSignal)).toEqual({ rule: 'off_hours_collection', severity: 'info', labels: { team: 'eng-platform' }, kind: 'raise' });
    expect(signals[0]?.summary).toBe('Team eng-platform: 10 batches from 3 collectors in one minute outside working hours (08:00-19:00 Mon-Fri, UTC)');
    expect(engine.apply({ type: 'tick', nowMs: MONDAY_21 + 11_000 + 120_000 }).map((signal) => signal.kind)).toEqual(['clear']);
  });

  it('stays quiet within working hours, for a few stray batches, and at the weekend only when hours include it', () => {
    expect(Array.from({ length: 30 }, (_, i) => engineWith().apply(at(MONDAY_10 + i * 1000))).flat()).toEqual([]);
    const few = engineWith();
    expect(Array.from({ length: 9 }, (_, i) => few.apply(at(MONDAY_21 + i * 1000))).flat()).toEqual([]);
    const saturday = Date.UTC(2025, 2, 8, 11, 0, 0);
    const weekend = engineWith();
    expect(Array.from({ length: 10 }, (_, i) => weekend.apply(at(saturday + i * 1000))).flat().length).toBe(1);
    const allWeek = engineWith((settings) => { settings.offHours.workingHours = parseWorkingHours('08:00-19:00 Mon-Sun'); });
    expect(Array.from({ length: 10 }, (_, i) => allWeek.apply(at(saturday + i * 1000))).flat()).toEqual([]);
  });

  it('judges a team by its own hours and the time zone', () => {
    const shift = engineWith((settings) => { settings.offHours.teamHours = parseTeamWorkingHours('eng-platform=20:00-06:00 Sun-Thu'); });
    expect(Array.from({ length: 10 }, (_, i) => shift.apply(at(MONDAY_21 + i * 1000))).flat()).toEqual([]);
    // 21:00 UTC is 06:00 in Tokyo (Tuesday): outside 08:00-19:00 there too; 01:00 UTC is 10:00 in Tokyo.
    const tokyo = engineWith((settings) => { settings.offHours.timeZone = 'Asia/Tokyo'; });
    expect(Array.from({ length: 10 }, (_, i) => tokyo.apply(at(MONDAY_21 + i * 1000))).flat().length).toBe(1);
    const tokyoMorning = engineWith((settings) => { settings.offHours.timeZone = 'Asia/Tokyo'; });
    expect(Array.from({ length: 10 }, (_, i) => tokyoMorning.apply(at(Date.UTC(2025, 2, 4, 1, 0, 0) + i * 1000))).flat()).toEqual([]);
  });

  it('judges by the injected wall clock (the embedded simulator’s day)', () => {
    // A simulated clock 11 hours ahead: 10:00 real is 21:00 simulated.
    const engine = new RuleEngine(defaultRuleSettings(), { wallClockOf: (ms) => ms + 11 * 3_600_000 });
    expect(Array.from({ length: 10 }, (_, i) => engine.apply(at(MONDAY_10 + i * 1000))).flat().map((signal) => signal.rule)).toEqual(['off_hours_collection']);
  });
});
