import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEntry, MAX_SKEW_MS } from './classify.js';
import type { SourceEntry } from './stream-source.js';

const LATENESS = 10_000;

function entry(ts: number, arrivalMs: number, extra: string[] = []): SourceEntry {
  const fields = ['v', '1', 'ts', String(ts), 'collector', 'c-1', 'subject', 's-1', 'team', 't', 'app', 'ide', 'keys', '5', 'redacted', '0', 'consent', 'granted', ...extra];
  return { stream: 'collect', id: `${arrivalMs}-0`, arrivalMs, fields };
}

describe('classifyEntry', () => {
  it('judges lateness by arrival: the second plus the lateness, inclusive', () => {
    const second = 1_700_000_000_000;
    expect(classifyEntry(entry(second + 999, second + 1000 + LATENESS), LATENESS).kind).toBe('point');
    expect(classifyEntry(entry(second + 999, second + 1000 + LATENESS + 1), LATENESS).kind).toBe('late');
  });

  it('calls an entry skewed when its ts is more than 5 s after its arrival', () => {
    const arrival = 1_700_000_000_000;
    expect(classifyEntry(entry(arrival + MAX_SKEW_MS, arrival), LATENESS).kind).toBe('point');
    expect(classifyEntry(entry(arrival + MAX_SKEW_MS + 1, arrival), LATENESS).kind).toBe('skewed');
  });

  it('puts every on-time entry in the second floor(ts/1000)*1000, whatever the arrival', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: -5000, max: 11_000 }), (ts, delay) => {
        const classified = classifyEntry(entry(ts, ts + delay), LATENESS);
        const second = Math.floor(ts / 1000) * 1000;
        const late = second + 1000 + LATENESS < ts + delay;
        const skewed = !late && ts > ts + delay + MAX_SKEW_MS;
        expect(classified.kind).toBe(late ? 'late' : skewed ? 'skewed' : 'point');
        if (classified.kind === 'point') expect(classified.second).toBe(second);
      }),
    );
  });

  it('rejects with the contract reason and keeps unknown field names only', () => {
    const classified = classifyEntry(entry(1000, 1000, ['text', 'secret words']), LATENESS);
    expect(classified.kind).toBe('point');
    expect(classified.unknownFields).toEqual([{ name: 'text', rawLooking: true }]);
    expect(JSON.stringify(classified.kind === 'point' ? classified.entry : null)).not.toContain('secret words');
    const rejected = classifyEntry({ stream: 'collect', id: '1-0', arrivalMs: 1, fields: ['v', '1'] }, LATENESS);
    expect(rejected).toMatchObject({ kind: 'rejected', reason: 'missing' });
  });
});
