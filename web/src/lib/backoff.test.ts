import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';

describe('reconnect backoff', () => {
  const lowest = () => 0;
  const highest = () => 0.999_999;

  it('doubles the ceiling each attempt: 0.5 s, 1 s, 2 s, 4 s, 8 s, then the 10 s cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 12].map((attempt) => backoffDelayMs(attempt, highest));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('draws each delay from the upper half of its ceiling (jitter, never immediate)', () => {
    expect(backoffDelayMs(0, lowest)).toBe(250);
    expect(backoffDelayMs(3, lowest)).toBe(2000);
    expect(backoffDelayMs(50, lowest)).toBe(DEFAULT_BACKOFF.capMs / 2);
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelayMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(250);
      expect(delay).toBeLessThanOrEqual(DEFAULT_BACKOFF.capMs);
    }
  });

  it('spreads clients out: different random draws give different delays', () => {
    expect(backoffDelayMs(4, () => 0.1)).not.toBe(backoffDelayMs(4, () => 0.9));
  });
});
