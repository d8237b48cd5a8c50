import { describe, expect, it } from 'vitest';
import { inSpan, rank, recoverableSelections } from './exact-span.js';

describe('exact span', () => {
  it('finds ranks and spans exactly', () => {
    expect(rank([[1, 1, 0], [0, 1, 1], [1, 2, 1]])).toBe(2);
    expect(inSpan([[1, 1, 0], [0, 1, 1]], [1, 0, -1])).toBe(true);
    expect(inSpan([[1, 1, 0], [0, 1, 1]], [1, 0, 0])).toBe(false);
    expect(inSpan([[2, 4], [3, 7]], [0, 1])).toBe(true);
    expect(rank([])).toBe(0);
  });

  it('finds the cross-channel attack: all seconds and all teams but one shown give that team', () => {
    // Two teams × two seconds, cells a1 a2 b1 b2. Shown: both seconds, team a.
    const shown = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]];
    expect(recoverableSelections(shown, [[0, 0, 1, 1]])).toEqual([[0]]);
    // With a second hidden, team b can no longer be had.
    expect(recoverableSelections([[1, 0, 1, 0], [1, 1, 0, 0]], [[0, 0, 1, 1]])).toEqual([]);
  });

  it('lists only the sums that can be had, not their parts', () => {
    // Three teams × one second; the second and team a shown: b + c is known, b and c are not.
    const shown = [[1, 1, 1], [1, 0, 0]];
    expect(recoverableSelections(shown, [[0, 1, 0], [0, 0, 1]])).toEqual([[0, 1]]);
  });
});
