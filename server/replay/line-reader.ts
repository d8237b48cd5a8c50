/**
 * Splits a byte stream into numbered lines with bounded memory: a line longer than the
 * limit is counted and skipped as it streams past, never held whole (readline would
 * buffer a gigabyte line without a newline). Handles `\n` and `\r\n`.
 */

/** One line of the input, numbered from 1. `endOffset` is the byte offset just past it (for progress). */
export type InputLine =
  | { readonly kind: 'text'; readonly lineNumber: number; readonly endOffset: number; readonly text: string }
  | { readonly kind: 'too_long'; readonly lineNumber: number; readonly endOffset: number; readonly bytes: number }
  | { readonly kind: 'not_utf8'; readonly lineNumber: number; readonly endOffset: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Reads `input` (a file or stdin stream) line by line; lines longer than `maxLineBytes` come as `too_long`. */
export async function* readLines(input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, maxLineBytes: number): AsyncGenerator<InputLine> {
  // fatal: a line that is not UTF-8 is reported, not silently changed into U+FFFD.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let lineBytes = 0;
  let tooLong = false;
  let lineNumber = 0;
  let consumed = 0;

  const finish = (tail: Buffer, endOffset: number): InputLine => {
    lineNumber += 1;
    const total = lineBytes + tail.length;
    if (tooLong || total > maxLineBytes) {
      const line: InputLine = { kind: 'too_long', lineNumber, endOffset, bytes: total };
      parts = [];
      lineBytes = 0;
      tooLong = false;
      return line;
    }
    let bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
    parts = [];
    lineBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.length - 1);
    try {
      // A byte-order mark is dropped (TextDecoder's default): editors put one at the start of a file.
      return { kind: 'text', lineNumber, endOffset, text: decoder.decode(bytes) };
    } catch {
      return { kind: 'not_utf8', lineNumber, endOffset };
    }
  };

  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(NEWLINE, start);
      if (newline === -1) break;
      yield finish(buffer.subarray(start, newline), consumed + newline + 1);
      start = newline + 1;
    }
    const rest = buffer.length - start;
    if (rest > 0) {
      lineBytes += rest;
      if (lineBytes > maxLineBytes) {
        // Past the limit the line is only counted, so memory stays bounded.
        tooLong = true;
        parts = [];
      } else {
        // A copy: the stream may reuse the chunk's memory.
        parts.push(Buffer.from(buffer.subarray(start)));
      }
    }
    consumed += buffer.length;
  }
  // The last line may have no line break.
  if (lineBytes > 0 || tooLong) yield finish(Buffer.alloc(0), consumed);
}
