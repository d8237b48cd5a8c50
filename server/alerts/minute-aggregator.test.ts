import { describe, expect, it } from 'vitest';
import { parseCollectEntry, type CollectEntry } from '../../shared/contract/index.js';
import { collectFields, type CollectOverrides } from '../../test/support/entries.js';
import { MinuteAggregator } from './minute-aggregator.js';

const MINUTE = Date.UTC(2025, 2, 3, 10, 0, 0);

function entry(overrides: CollectOverrides): CollectEntry {
  const parsed = parseCollectEntry(collectFields({ clicks: 0, moves: 0, scrolls: 0, corrections: 0, red_password: 0, red_email: 0, redacted: 0, ...overrides }));
  if (!parsed.ok) throw new Error(`bad test entry: ${parsed.reason} ${parsed.field}`);
  return parsed.entry;
}

describe('MinuteAggregator', () => {
  it('sums per team and app and per collector, telling busy batches from idle ones', () => {
    const aggregator = new MinuteAggregator();
    aggregator.add(entry({ ts: MINUTE + 1000, keys: 40, redacted: 2 }), MINUTE + 1000);
    aggregator.add(entry({ ts: MINUTE + 2000, keys: 3 }), MINUTE + 2000); // idle: under 4 events
    aggregator.add(entry({ ts: MINUTE + 3000, keys: 10, dur: 5000 }), MINUTE + 3000); // idle: 2 events a second
    aggregator.add(entry({ ts: MINUTE + 4000, keys: 20, collector: 'c-2', app: 'chat' }), MINUTE + 4000);
    const [minute] = aggregator.takeCompleted(MINUTE + 60_000);
    expect(minute?.gap).toBe(false);
    expect(minute?.teamApps).toEqual([
      { team: 'team-a', app: 'ide', events: 53, redacted: 2, busyEvents: 40, busySeconds: 1, redactedBusySeconds: 1 },
      { team: 'team-a', app: 'chat', events: 20, redacted: 0, busyEvents: 20, busySeconds: 1, redactedBusySeconds: 0 },
    ]);
    expect(minute?.collectors).toEqual([
      { collector: 'c-1', team: 'team-a', entries: 3, events: 53, busySeconds: 1, lastSeen: MINUTE + 3000 },
      { collector: 'c-2', team: 'team-a', entries: 1, events: 20, busySeconds: 1, lastSeen: MINUTE + 4000 },
    ]);
  });

  it('hands out every minute once, in order, empty ones included, and drops entries for minutes already handed out', () => {
    const aggregator = new MinuteAggregator();
    aggregator.add(entry({ ts: MINUTE, keys: 10 }), MINUTE);
    expect(aggregator.takeCompleted(MINUTE + 59_999)).toEqual([]);
    aggregator.add(entry({ ts: MINUTE + 150_000, keys: 10 }), MINUTE + 150_000);
    const taken = aggregator.takeCompleted(MINUTE + 180_000, new Set([MINUTE + 60_000]));
    expect(taken.map((minute) => [minute.minute - MINUTE, minute.gap, minute.collectors.length])).toEqual([[0, false, 1], [60_000, true, 0], [120_000, false, 1]]);
    aggregator.add(entry({ ts: MINUTE + 30_000, keys: 10 }), MINUTE + 30_000);
    expect(aggregator.droppedLate).toBe(1);
    expect(aggregator.takeCompleted(MINUTE + 180_000)).toEqual([]);
  });
});
