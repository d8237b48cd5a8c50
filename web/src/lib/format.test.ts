import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, formatWhen, formatMinute, formatPercent, formatRate, formatTimestamp } from './format.js';

describe('format', () => {
  const at = new Date(2026, 10, 30, 9, 5, 7).getTime();

  it('writes local times as wall-clock text', () => {
    expect(formatTimestamp(at)).toBe('2026-11-30 09:05:07');
    expect(formatMinute(at)).toBe('09:05');
  });

  it('writes a fraction as a percentage with sensible precision', () => {
    expect(formatRate(0.25)).toBe('25 %');
    expect(formatRate(0.0042)).toBe('0.42 %');
    expect(formatRate(null)).toBe('—');
    expect(formatPercent(3.14)).toBe('3.1 %');
  });

  it('writes ages in seconds, minutes or hours', () => {
    expect(formatAge(65_000, 0)).toBe('65 s');
    expect(formatAge(600_000, 0)).toBe('10 min');
    expect(formatAge(3 * 3_600_000, 0)).toBe('3 h');
  });

  it('writes durations in their two largest units', () => {
    expect(formatDuration(40)).toBe('40 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 5_000)).toBe('3 d 4 h');
    expect(formatDuration(-5)).toBe('0 ms');
  });

  it('writes a time of today as the clock, another day in full', () => {
    expect(formatWhen(at, at + 60_000)).toBe('09:05:07');
    expect(formatWhen(at, at + 86_400_000)).toBe('2026-11-30 09:05:07');
  });
});
