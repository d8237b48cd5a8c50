import { describe, expect, it } from 'vitest';
import { formatAge, formatMinute, formatPercent, formatRate, formatTimestamp } from './format.js';

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
});
