import { describe, expect, it } from 'vitest';
import { drawnRuns } from './stacked-paths.js';

describe('drawnRuns', () => {
  it('draws the bottom series and an overlay wherever two neighbouring seconds are known', () => {
    expect(drawnRuns([1, 2, 3], null)).toEqual([{ from: 0, to: 2 }]);
    expect(drawnRuns([0, 0, 0], null)).toEqual([{ from: 0, to: 2 }]); // zero is a figure: drawn
  });

  it('breaks at gaps and leaves out a lone known second', () => {
    expect(drawnRuns([1, 2, null, 4, null, 6, 7, 8], null)).toEqual([{ from: 0, to: 1 }, { from: 5, to: 7 }]);
    expect(drawnRuns([null, null], null)).toEqual([]);
    expect(drawnRuns([], null)).toEqual([]);
  });

  it('leaves out the stretches where a stacked series adds nothing to the one below', () => {
    const below = [5, 5, 5, 5, 5, 5];
    // adds 0, 0, 2, 0, 0, 0: drawn from the last zero before the rise to the first zero after it
    expect(drawnRuns([5, 5, 7, 5, 5, 5], below)).toEqual([{ from: 1, to: 3 }]);
    expect(drawnRuns(below, below)).toEqual([]);
  });

  it('keeps gaps as gaps in a stacked series', () => {
    expect(drawnRuns([6, 7, null, 8, 9], [5, 5, null, 5, 5])).toEqual([{ from: 0, to: 1 }, { from: 3, to: 4 }]);
  });
});
