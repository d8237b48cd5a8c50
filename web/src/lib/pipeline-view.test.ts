import { describe, expect, it } from 'vitest';
import type { PipelineStream } from '../../../shared/pipeline.js';
import {
  clientRows, CounterHistory, describeSource, entryIdTime, formatEntries, formatPerSecond, formatRejectShare, ingestTotals, instanceViews,
  rejectRows, streamViews,
} from './pipeline-view.js';

const at = new Date(2026, 10, 30, 3, 12, 0).getTime();

describe('the source banner', () => {
  it('says in words whether the streams are read, since when and how far behind', () => {
    const up = describeSource({ state: 'up', since: at - 125_000, lagMs: 40, reason: null }, at);
    expect(up).toEqual({ tone: 'ok', headline: 'Reading the streams', details: ['Up since 03:09:55 (2 min 5 s ago)', 'Lag 40 ms'] });
    const behind = describeSource({ state: 'up', since: at - 1000, lagMs: 42_000, reason: null }, at);
    expect(behind.tone).toBe('warn');
    expect(behind.headline).toBe('Reading, but 42 s behind');
  });

  it('says DOWN with the reason, and starting as starting', () => {
    const down = describeSource({ state: 'down', since: at - 3_600_000, lagMs: 0, reason: 'connect ECONNREFUSED 127.0.0.1:6379' }, at);
    expect(down.tone).toBe('bad');
    expect(down.headline).toContain('DOWN');
    expect(down.details).toContain('Down since 02:12:00 (1 h ago)');
    expect(down.details).toContain('Reason: connect ECONNREFUSED 127.0.0.1:6379');
    expect(describeSource({ state: 'down', since: at, lagMs: 0, reason: 'starting' }, at)).toMatchObject({ tone: 'warn', headline: 'Starting — not reading yet' });
  });
});

describe('figures with units', () => {
  it('writes rates and entry counts', () => {
    expect(formatPerSecond(0)).toBe('0 entries/s');
    expect(formatPerSecond(2.345)).toBe('2.3 entries/s');
    expect(formatPerSecond(1234.4)).toBe('1,234 entries/s');
    expect(formatEntries(1)).toBe('1 entry');
    expect(formatEntries(12_000)).toBe('12,000 entries');
    expect(formatEntries(null)).toBe('—');
  });

  it('rows the streams, collect first, flagging a backlog too big for the rate', () => {
    const streams: PipelineStream[] = [
      { stream: 'security', ratePerSec: 0.2, backlog: null, pending: 0 },
      { stream: 'collect', ratePerSec: 10, backlog: 5_000, pending: 3 },
    ];
    expect(streamViews(streams)).toEqual([
      { stream: 'collect', rate: '10 entries/s', backlog: '5,000 entries', backlogHigh: true, pending: '3 entries' },
      { stream: 'security', rate: '0.2 entries/s', backlog: 'unknown', backlogHigh: false, pending: '0 entries' },
    ]);
    expect(streamViews([{ stream: 'collect', ratePerSec: 50, backlog: 400, pending: 0 }])[0]?.backlogHigh).toBe(false);
  });
});

describe('counters', () => {
  const counters = { accepted_collect: 9_000, accepted_security: 700, late: 200, skewed: 50, rejected_type: 30, rejected_missing: 20, rejected_sum: 0 };

  it('sums the outcomes and the reject share', () => {
    expect(ingestTotals(counters)).toEqual({ acceptedCollect: 9_000, acceptedSecurity: 700, late: 200, skewed: 50, rejected: 50 });
    expect(formatRejectShare(ingestTotals(counters))).toBe('0.50 % of entries');
    expect(formatRejectShare(ingestTotals({}))).toBe('no entries read');
  });

  it('lists rejects by reason, what happens now first', () => {
    expect(rejectRows(counters, null)).toEqual([
      { reason: 'type', total: 30, recent: null },
      { reason: 'missing', total: 20, recent: null },
    ]);
    expect(rejectRows(counters, { rejected_missing: 4 }).map((row) => [row.reason, row.recent])).toEqual([['missing', 4], ['type', 0]]);
  });

  it('watches the increase over the last minute, starting over when a counter goes down', () => {
    const history = new CounterHistory(60_000);
    expect(history.increases()).toBeNull();
    history.add(0, { late: 10, rejected_type: 5 });
    history.add(30_000, { late: 12, rejected_type: 5 });
    expect(history.increases()).toEqual({ spanMs: 30_000, byName: { late: 2, rejected_type: 0 } });
    history.add(90_000, { late: 20, rejected_type: 6, skewed: 1 });
    expect(history.increases()).toEqual({ spanMs: 60_000, byName: { late: 8, rejected_type: 1, skewed: 1 } });
    history.add(95_000, { late: 3, rejected_type: 6, skewed: 1 }); // the server's store started again
    expect(history.increases()?.byName.late).toBe(3);
  });
});

describe('clients, instances and dead letters', () => {
  it('lists clients in role order', () => {
    expect(clientRows({ manager: 2, admin: 1, bot: 4 })).toEqual([{ role: 'admin', count: 1 }, { role: 'manager', count: 2 }, { role: 'bot', count: 4 }]);
  });

  it('marks an instance quiet when it stopped reporting', () => {
    const views = instanceViews([
      { id: 'keywatch-2', startedAt: at - 7_200_000, lastSeen: at - 60_000 },
      { id: 'keywatch-1', startedAt: at - 90_000, lastSeen: at - 500 },
    ], at);
    expect(views.map((view) => [view.id, view.live, view.uptime, view.lastSeen])).toEqual([
      ['keywatch-1', true, '1 min 30 s', 'just now'],
      ['keywatch-2', false, '2 h', '1 min ago'],
    ]);
  });

  it('reads the arrival time from a stream entry id', () => {
    expect(entryIdTime('1764470000000-3')).toBe(1_764_470_000_000);
    expect(entryIdTime('not-an-id')).toBeNull();
  });
});
