import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines, type InputLine } from './line-reader.js';

async function linesOf(chunks: (string | Uint8Array)[], maxLineBytes = 1024): Promise<InputLine[]> {
  const lines: InputLine[] = [];
  for await (const line of readLines(chunks, maxLineBytes)) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('numbers lines, drops \\r before \\n and a leading byte-order mark, and keeps blank lines', async () => {
    expect(await linesOf(['\uFEFFa\r\n\nb', 'c\n', 'last'])).toEqual([
      { kind: 'text', lineNumber: 1, endOffset: 6, text: 'a' },
      { kind: 'text', lineNumber: 2, endOffset: 7, text: '' },
      { kind: 'text', lineNumber: 3, endOffset: 10, text: 'bc' },
      { kind: 'text', lineNumber: 4, endOffset: 14, text: 'last' },
    ]);
    expect(await linesOf([])).toEqual([]);
    expect(await linesOf(['one\n'])).toHaveLength(1);
  });

  it('skips a line over the limit without holding it, and goes on after it', async () => {
    const huge = Array.from({ length: 50 }, () => 'x'.repeat(100));
    const lines = await linesOf(['ok\n', ...huge, '\nnext\n', 'y'.repeat(2000)], 1000);
    expect(lines).toEqual([
      { kind: 'text', lineNumber: 1, endOffset: 3, text: 'ok' },
      { kind: 'too_long', lineNumber: 2, endOffset: 5004, bytes: 5000 },
      { kind: 'text', lineNumber: 3, endOffset: 5009, text: 'next' },
      { kind: 'too_long', lineNumber: 4, endOffset: 7009, bytes: 2000 },
    ]);
    expect((await linesOf(['x'.repeat(1000) + '\n'], 1000))[0]).toMatchObject({ kind: 'text' });
  });

  it('reports a line that is not UTF-8, and decodes a character split across chunks', async () => {
    const euro = Buffer.from('€\n', 'utf8');
    expect(await linesOf([euro.subarray(0, 1), euro.subarray(1), Buffer.from([0xff, 0xfe, 0x0a]), 'ok'])).toEqual([
      { kind: 'text', lineNumber: 1, endOffset: 4, text: '€' },
      { kind: 'not_utf8', lineNumber: 2, endOffset: 7 },
      { kind: 'text', lineNumber: 3, endOffset: 9, text: 'ok' },
    ]);
  });

  it('gives the same lines however the input is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\n', '\r', ' ', '{', '"'), maxLength: 30 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (pieces, cuts) => {
          const bytes = Buffer.from(pieces.join(''), 'utf8');
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let start = 0;
          for (const point of [...points, bytes.length]) {
            chunks.push(bytes.subarray(start, point));
            start = point;
          }
          const expected = bytes.toString('utf8').split('\n');
          if (expected[expected.length - 1] === '') expected.pop();
          const lines = await linesOf(chunks, 10_000);
          expect(lines.map((line) => (line.kind === 'text' ? line.text : line.kind))).toEqual(expected.map((line) => line.replace(/\r$/, '')));
          expect(lines.at(-1)?.endOffset ?? 0).toBe(bytes.length);
        },
      ),
    );
  });
});
