import { describe, expect, it } from 'vitest';
import { sparklineShape } from './sparkline.js';

describe('sparklineShape', () => {
  it('scales from zero at the bottom to the largest value at the top', () => {
    const shape = sparklineShape([0, 5, 10], 104, 24, 2);
    expect(shape.line).toBe('M2 22L52 12L102 2');
    expect(shape.last).toEqual({ x: 102, y: 2 });
    expect(shape.max).toBe(10);
  });

  it('breaks the line at unknown values and dots a lone value', () => {
    const shape = sparklineShape([1, 1, null, 1, null], 44, 10, 2);
    expect(shape.line).toBe('M2 2L12 2M32 2h0');
    expect(shape.last).toEqual({ x: 32, y: 2 });
  });

  it('draws nothing when nothing is known, and a flat zero line at the bottom', () => {
    expect(sparklineShape([null, null], 10, 10)).toEqual({ line: '', last: null, max: 1 });
    expect(sparklineShape([0, 0], 14, 10, 2).line).toBe('M2 8L12 8');
  });
});
