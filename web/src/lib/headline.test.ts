import { describe, expect, it } from 'vitest';
import { emptyPoint } from '../../../shared/points.js';
import { describeConnection } from './connection-label.js';
import { headlineOf } from './headline.js';
import { SeriesBuffer } from './series-buffer.js';

describe('headline figures', () => {
  it('reads the latest complete second: events, redaction %, collectors, subjects', () => {
    const buffer = new SeriesBuffer();
    const t = 1_700_000_000_000;
    buffer.replaceAll([
      { ...emptyPoint(t), events: 400, redacted: 10, collectors: 12, subjects: 30 },
      { ...emptyPoint(t + 1000), events: 200 }, // still filling
      { ...emptyPoint(t + 2000), events: 3 }, // still filling
    ]);
    expect(headlineOf(buffer.latestComplete())).toEqual({
      tMs: t, unknownBecause: null, eventsPerSecond: 400, redactionRate: 2.5, collectors: 12, subjects: 30,
    });
  });

  it('is unknown, not zero, for a gap, and has no rate without events', () => {
    const buffer = new SeriesBuffer();
    const t = 1_700_000_000_000;
    buffer.replaceAll([{ t, gap: true }, emptyPoint(t + 1000), emptyPoint(t + 2000)]);
    expect(headlineOf(buffer.latestComplete())).toMatchObject({ unknownBecause: 'gap', eventsPerSecond: null });
    buffer.merge([emptyPoint(t + 3000)]);
    expect(headlineOf(buffer.latestComplete())).toMatchObject({ eventsPerSecond: 0, redactionRate: null });
    expect(headlineOf(null).unknownBecause).toBe('no-data');
  });
});

describe('connection status line', () => {
  const base = { nowMs: 100_000, lastUpdateMs: 88_000, sourceDownSinceMs: null };

  it('says Live, Reconnecting…, Stale with the age, Signed out', () => {
    expect(describeConnection({ ...base, state: 'live' })).toEqual({ tone: 'ok', text: 'Live' });
    expect(describeConnection({ ...base, state: 'reconnecting' })).toEqual({ tone: 'warn', text: 'Reconnecting…' });
    expect(describeConnection({ ...base, state: 'stale' })).toEqual({ tone: 'muted', text: 'Stale — last update 12 s ago' });
    expect(describeConnection({ ...base, state: 'signed-out' }).tone).toBe('bad');
  });

  it('puts a source outage above freshness while the link works', () => {
    const down = new Date(2024, 0, 1, 14, 2, 11).getTime();
    expect(describeConnection({ ...base, state: 'stale', sourceDownSinceMs: down })).toEqual({
      tone: 'bad', text: 'Source down since 14:02:11',
    });
    expect(describeConnection({ ...base, state: 'reconnecting', sourceDownSinceMs: down }).text).toBe('Reconnecting…');
  });
});
