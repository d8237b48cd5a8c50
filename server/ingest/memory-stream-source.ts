/** Embedded-mode adapter of the StreamSource port, over the in-process MemoryStreams. */
import type { MemoryStreams } from './memory-streams.js';
import { arrivalOf, INPUT_STREAMS, type InputStream, type SourceEntry, type SourceOpening, type SourceRead, type StreamSource } from './stream-source.js';

export interface MemoryStreamSourceOptions {
  streams: MemoryStreams;
  prefix: string;
  group: string;
  consumer: string;
  now?: () => number;
}

export class MemoryStreamSource implements StreamSource {
  readonly mode = 'embedded' as const;
  readonly #options: MemoryStreamSourceOptions;
  readonly #now: () => number;
  /** Per stream, the last pending id re-read; null once the pending entries are all re-read. */
  #pendingCursor: Map<InputStream, string> | null = null;
  #closed = false;

  constructor(options: MemoryStreamSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async open(): Promise<SourceOpening> {
    const { streams, prefix, group } = this.#options;
    let resumeFromMs: number | null = null;
    for (const stream of INPUT_STREAMS) {
      const key = prefix + stream;
      const existing = streams.lastDeliveredId(key, group);
      if (existing === null) streams.createGroup(key, group, '0');
      else resumeFromMs = Math.max(resumeFromMs ?? 0, arrivalOf(existing));
    }
    this.#pendingCursor = new Map(INPUT_STREAMS.map((stream) => [stream, '0-0']));
    return { resumeFromMs };
  }

  async read(count: number, blockMs: number): Promise<SourceRead> {
    if (this.#pendingCursor) {
      const pending = this.#readOnce(count, this.#pendingCursor);
      if (pending.length > 0) return { entries: pending, caughtUpAtMs: null };
      this.#pendingCursor = null;
    }
    let entries = this.#readOnce(count, null);
    if (entries.length === 0 && !this.#closed) {
      await this.#options.streams.waitForAppend(blockMs);
      entries = this.#readOnce(count, null);
    }
    const reachedEnd = INPUT_STREAMS.every((stream) => entries.filter((entry) => entry.stream === stream).length < count);
    return { entries, caughtUpAtMs: reachedEnd ? this.#now() : null };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#options.streams.wakeAll();
  }

  /** One read of both streams: pending entries after the cursor's ids, or (cursor null) new ones. */
  #readOnce(count: number, pendingCursor: Map<InputStream, string> | null): SourceEntry[] {
    const { streams, prefix, group, consumer } = this.#options;
    const entries: SourceEntry[] = [];
    for (const stream of INPUT_STREAMS) {
      const after = pendingCursor?.get(stream) ?? null;
      for (const entry of streams.readGroup(prefix + stream, group, consumer, count, after)) {
        entries.push(toSourceEntry(stream, entry.id, entry.fields));
        pendingCursor?.set(stream, entry.id);
      }
    }
    return entries;
  }
}

function toSourceEntry(stream: InputStream, id: string, fields: string[]): SourceEntry {
  return { stream, id, arrivalMs: arrivalOf(id), fields };
}
