import { describe, expect, it } from 'vitest';
import { REDACTION_REASONS } from '../../shared/overview.js';
import { collectFields } from '../../test/support/entries.js';
import { buildCommit } from './batch-commit.js';
import { classifyEntry } from './classify.js';
import type { SourceEntry } from './stream-source.js';

const MINUTE = 1_700_000_040_000; // a minute boundary
let sequence = 0;

/** A collect entry of event time `ts` that arrived at once. */
function source(overrides: Record<string, string | number>): SourceEntry {
  const ts = Number(overrides.ts);
  return { stream: 'collect', id: `${ts}-${sequence++}`, arrivalMs: ts, fields: collectFields(overrides) };
}

const commitOf = (entries: SourceEntry[]) => buildCommit(entries.map((entry) => classifyEntry(entry, 5000)), 'kw:', null, 0);

describe('buildCommit', () => {
  it('sums every stored counter of a second, each redaction reason on its own', () => {
    const reasons = Object.fromEntries(REDACTION_REASONS.map((reason, index) => [`red_${reason}`, index + 1]));
    const total = REDACTION_REASONS.reduce((sum, _reason, index) => sum + index + 1, 0);
    const fields = { ts: MINUTE + 100, keys: 40, clicks: 3, moves: 5, scrolls: 2, corrections: 4, dropped: 6, redacted: total, bytes: 900, ...reasons };
    const commit = commitOf([source(fields), source({ ...fields, ts: MINUTE + 900, collector: 'c-2', subject: 's-2', consent: 'revoked', tls: 0 })]);
    expect(commit.seconds).toHaveLength(1);
    const [second] = commit.seconds;
    expect(second!.t).toBe(MINUTE);
    expect(second!.counters).toMatchObject({
      events: 100, keys: 80, clicks: 6, moves: 10, scrolls: 4, corrections: 8, dropped: 12, redacted: 2 * total, bytes: 1800,
      revoked: 50, unencrypted: 50,
    });
    for (const [index, reason] of REDACTION_REASONS.entries()) expect(second!.counters[`red_${reason}`]).toBe(2 * (index + 1));
    expect([...second!.collectors].sort()).toEqual(['c-1', 'c-2']);
    expect([...second!.subjects].sort()).toEqual(['s-1', 's-2']);
    expect(commit.counters).toEqual({ accepted_collect: 2 });
  });

  it('keeps team and collector minutes apart per minute', () => {
    const commit = commitOf([
      source({ ts: MINUTE - 500, team: 'team-a', collector: 'c-1', keys: 10 }),
      source({ ts: MINUTE + 500, team: 'team-a', collector: 'c-1', keys: 20 }),
      source({ ts: MINUTE + 1500, team: 'team-b', collector: 'c-3', keys: 30 }),
    ]);
    const teams = commit.teamMinutes.map((delta) => [delta.minute, delta.team, delta.counters.keys, [...delta.activeSeconds]]);
    expect(teams).toEqual([
      [MINUTE - 60_000, 'team-a', 10, [MINUTE - 1000]],
      [MINUTE, 'team-a', 20, [MINUTE]],
      [MINUTE, 'team-b', 30, [MINUTE + 1000]],
    ]);
    const collectors = commit.collectorMinutes.map((delta) => [delta.minute, delta.collector, delta.counters.keys, delta.lastSeen]);
    expect(collectors).toEqual([
      [MINUTE - 60_000, 'c-1', 10, MINUTE - 500],
      [MINUTE, 'c-1', 20, MINUTE + 500],
      [MINUTE, 'c-3', 30, MINUTE + 1500],
    ]);
  });
});
