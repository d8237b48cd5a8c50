import { describe, expect, it } from 'vitest';
import type { CollectorFigures } from '../../../shared/collectors.js';
import { collectorRows, isQuiet } from './collectors-table.js';

const figures = (collector: string, events: number): CollectorFigures =>
  ({ collector, team: 'eng', events, keys: 0, redacted: 0, redactionRate: 0, dropped: 0, lastSeen: 0 });

describe('collectorRows', () => {
  it('puts the busiest first and ranks the top talkers', () => {
    const rows = collectorRows({
      windowStart: 0, windowMs: 60_000,
      collectors: [figures('c-b', 5), figures('c-a', 5), figures('c-top', 90), figures('c-low', 1)],
      topTalkers: ['c-top', 'c-a'],
    });
    expect(rows.map((row) => [row.collector, row.topRank])).toEqual([['c-top', 1], ['c-a', 2], ['c-b', null], ['c-low', null]]);
  });
});

describe('isQuiet', () => {
  it('marks a collector silent for more than five minutes', () => {
    expect(isQuiet(0, 5 * 60_000)).toBe(false);
    expect(isQuiet(0, 5 * 60_000 + 1)).toBe(true);
  });
});
