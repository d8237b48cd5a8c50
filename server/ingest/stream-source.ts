/**
 * Port: reading the input streams through a consumer group. Implementations:
 * `redis-stream-source.ts` (node-redis) and `memory-stream-source.ts` (embedded mode).
 * Both are run through one contract suite (`test/contract/stream-backends.test.ts`).
 */

/** The two input streams of the contract, by their name without the key prefix. */
export const INPUT_STREAMS = ['collect', 'security'] as const;
export type InputStream = (typeof INPUT_STREAMS)[number];

/** An entry as read: raw flat field/value pairs, never interpreted here. */
export interface SourceEntry {
  stream: InputStream;
  /** Stream id `<ms>-<seq>`. */
  id: string;
  /** Arrival time in the source (the time part of the id): lateness is judged against it. */
  arrivalMs: number;
  fields: string[];
}

export interface SourceRead {
  entries: SourceEntry[];
  /**
   * Set when this read reached the end of every stream: the source's clock at that moment.
   * Everything that arrived before it has been delivered to the group.
   */
  caughtUpAtMs: number | null;
  /** Entries taken over from a consumer that stopped (XAUTOCLAIM): old, and saying nothing about how far reading got. */
  reclaimed?: boolean;
  /** Entries the stream lost before the group read them (trimmed by their producer), found before this read. */
  trimmedUnread?: TrimmedUnread[];
}

/** Entries trimmed from a stream before the group read them: a gap in what Keywatch could count. */
export interface TrimmedUnread {
  stream: InputStream;
  /** How many (null when the source cannot tell). */
  entries: number | null;
  /** Arrival times of the gap: after the last entry delivered, through the newest one trimmed. */
  afterMs: number;
  throughMs: number;
}

export interface SourceOpening {
  /** Arrival time through which the group had already read (null: a new group, reading from the start). */
  resumeFromMs: number | null;
}

export interface StreamSource {
  readonly mode: 'redis' | 'embedded';
  /** Creates the consumer groups where missing (with MKSTREAM) and says where reading resumes. */
  open(): Promise<SourceOpening>;
  /**
   * Reads this consumer's pending entries first (left by a crash), then new ones,
   * waiting up to `blockMs` for new entries. Rejects when the source is unreachable.
   */
  read(count: number, blockMs: number): Promise<SourceRead>;
  /** Stops a blocked read and releases connections. */
  close(): Promise<void>;
}

/** Parses the millisecond part of a stream id. */
export function arrivalOf(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** Orders two stream ids (`<ms>-<seq>`; a missing part counts as 0). Allocates nothing: it runs per entry of every commit. */
export function compareStreamIds(a: string, b: string): number {
  const aMsEnd = partEnd(a, 0);
  const bMsEnd = partEnd(b, 0);
  return (
    decimalAt(a, 0, aMsEnd) - decimalAt(b, 0, bMsEnd) ||
    decimalAt(a, aMsEnd + 1, partEnd(a, aMsEnd + 1)) - decimalAt(b, bMsEnd + 1, partEnd(b, bMsEnd + 1))
  );
}

/** Where the dash-separated part of `text` starting at `from` ends (past the end: an empty part). */
function partEnd(text: string, from: number): number {
  const dash = text.indexOf('-', from);
  return dash < 0 ? text.length : dash;
}

/** The decimal number `text[from, to)` spells, as Number() reads it (empty: 0; a non-digit: NaN). */
function decimalAt(text: string, from: number, to: number): number {
  // Past 15 digits the running sum could round differently from Number()'s parse.
  if (to - from > 15) return Number(text.slice(from, to));
  let value = 0;
  for (let index = from; index < to; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number(text.slice(from, to));
    value = value * 10 + digit;
  }
  return value;
}
