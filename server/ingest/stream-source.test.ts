import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStreamIds } from './stream-source.js';

/** The plain definition: split, read both parts as numbers, compare ms then seq. */
function referenceCompare(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

const streamId = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(([ms, seq]) => `${ms}-${seq}`);

describe('compareStreamIds', () => {
  it('orders ids by milliseconds, then sequence', () => {
    expect(compareStreamIds('1700000000000-0', '1700000000000-1')).toBeLessThan(0);
    expect(compareStreamIds('1700000000001-0', '1700000000000-99')).toBeGreaterThan(0);
    expect(compareStreamIds('999-5', '1000-0')).toBeLessThan(0);
    expect(compareStreamIds('12-3', '12-3')).toBe(0);
    expect(compareStreamIds('12', '12-0')).toBe(0);
  });

  it('agrees in sign with the split-and-Number definition on any ids, hostile ones included', () => {
    const anyText = fc.oneof(streamId, fc.string({ maxLength: 30 }), fc.stringMatching(/^[0-9]{0,20}(-[0-9]{0,20})?$/));
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const expected = referenceCompare(a, b);
        const actual = compareStreamIds(a, b);
        if (Number.isNaN(expected)) expect(actual).toBeNaN();
        else expect(Math.sign(actual)).toBe(Math.sign(expected));
      }),
      { numRuns: 5000 },
    );
  });
});
