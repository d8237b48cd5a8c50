/**
 * The embedded mode's in-process stand-in for Redis Streams: append with approximate
 * trimming, consumer groups with a pending list, blocking reads and acknowledgements,
 * with the same semantics the Redis adapters rely on. Nothing is persisted.
 */
import type { FieldList, StreamWriter } from './stream-writer.js';
import { compareStreamIds } from './stream-source.js';

interface StoredEntry {
  id: string;
  fields: string[];
}

interface PendingEntry {
  consumer: string;
  deliveries: number;
  deliveredAtMs: number;
}

interface Group {
  lastDeliveredId: string;
  pending: Map<string, PendingEntry>;
}

interface MemoryStream {
  entries: StoredEntry[];
  lastId: string;
  groups: Map<string, Group>;
}

/** A set of in-memory streams keyed by their full name (prefix included). */
export class MemoryStreams implements StreamWriter {
  readonly #streams = new Map<string, MemoryStream>();
  readonly #waiters = new Set<() => void>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Appends entries (XADD) and trims to about `maxLength` entries. */
  async append(stream: string, entries: readonly FieldList[], maxLength: number): Promise<string[]> {
    const target = this.#stream(stream);
    const ids = entries.map((fields) => {
      const id = this.#nextId(target);
      target.entries.push({ id, fields: [...fields] });
      return id;
    });
    // Like `MAXLEN ~`: trim in chunks, not on every append.
    if (target.entries.length > maxLength * 1.1 + 10) target.entries.splice(0, target.entries.length - maxLength);
    this.#wake();
    return ids;
  }

  /** Number of entries in a stream (XLEN). */
  length(stream: string): number {
    return this.#streams.get(stream)?.entries.length ?? 0;
  }

  /** Every entry of a stream, oldest first (XRANGE - +). */
  range(stream: string): { id: string; fields: string[] }[] {
    return (this.#streams.get(stream)?.entries ?? []).map((entry) => ({ id: entry.id, fields: [...entry.fields] }));
  }

  /** XGROUP CREATE … MKSTREAM; returns false when the group already exists. */
  createGroup(stream: string, group: string, startId: string): boolean {
    const target = this.#stream(stream);
    if (target.groups.has(group)) return false;
    target.groups.set(group, { lastDeliveredId: startId === '$' ? target.lastId : startId, pending: new Map() });
    return true;
  }

  /** The id up to which a group has been delivered, or null when there is no such group. */
  lastDeliveredId(stream: string, group: string): string | null {
    return this.#streams.get(stream)?.groups.get(group)?.lastDeliveredId ?? null;
  }

  /**
   * XREADGROUP: with `pendingAfter`, this consumer's pending entries after that id (like
   * an explicit id); otherwise new entries (like `>`), which become pending to the consumer.
   */
  readGroup(stream: string, group: string, consumer: string, count: number, pendingAfter: string | null): StoredEntry[] {
    const target = this.#streams.get(stream);
    const state = target?.groups.get(group);
    if (!target || !state) throw new Error(`NOGROUP no such group ${group} for stream ${stream}`);
    if (pendingAfter !== null) {
      const mine: StoredEntry[] = [];
      for (let index = this.#firstAfter(target, pendingAfter); index < target.entries.length; index++) {
        const entry = target.entries[index]!;
        const pending = state.pending.get(entry.id);
        if (pending?.consumer === consumer) {
          pending.deliveries += 1;
          mine.push({ id: entry.id, fields: [...entry.fields] });
          if (mine.length >= count) break;
        }
      }
      return mine;
    }
    const delivered: StoredEntry[] = [];
    const start = this.#firstAfter(target, state.lastDeliveredId);
    for (let index = start; index < target.entries.length && delivered.length < count; index++) {
      const entry = target.entries[index]!;
      state.pending.set(entry.id, { consumer, deliveries: 1, deliveredAtMs: this.#now() });
      state.lastDeliveredId = entry.id;
      delivered.push({ id: entry.id, fields: [...entry.fields] });
    }
    return delivered;
  }

  /** Ids among `ids` that are pending to `consumer` (what XPENDING … consumer shows). */
  pendingOf(stream: string, group: string, consumer: string, ids: readonly string[]): Set<string> {
    const pending = this.#streams.get(stream)?.groups.get(group)?.pending;
    return new Set(ids.filter((id) => pending?.get(id)?.consumer === consumer));
  }

  /** What XINFO GROUPS tells of a group: entries not yet delivered (`backlog`) and delivered but unacknowledged (`pending`). */
  groupInfo(stream: string, group: string): { backlog: number | null; pending: number } {
    const target = this.#streams.get(stream);
    const state = target?.groups.get(group);
    if (!target || !state) return { backlog: null, pending: 0 };
    return { backlog: target.entries.length - this.#firstAfter(target, state.lastDeliveredId), pending: state.pending.size };
  }

  /** XACK: removes ids from the group's pending list; returns how many were pending. */
  ack(stream: string, group: string, ids: readonly string[]): number {
    const pending = this.#streams.get(stream)?.groups.get(group)?.pending;
    if (!pending) return 0;
    let acknowledged = 0;
    for (const id of ids) if (pending.delete(id)) acknowledged += 1;
    return acknowledged;
  }

  /** Resolves when something is appended, or after `ms`. */
  waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  /** Wakes every blocked reader (used on close). */
  wakeAll(): void {
    this.#wake();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #stream(name: string): MemoryStream {
    let stream = this.#streams.get(name);
    if (!stream) {
      stream = { entries: [], lastId: '0-0', groups: new Map() };
      this.#streams.set(name, stream);
    }
    return stream;
  }

  #nextId(stream: MemoryStream): string {
    const [lastMs = 0, lastSeq = 0] = stream.lastId.split('-').map(Number);
    const nowMs = this.#now();
    stream.lastId = nowMs > lastMs ? `${nowMs}-0` : `${lastMs}-${lastSeq + 1}`;
    return stream.lastId;
  }

  /** Index of the first entry after `id` (binary search: ids are increasing). */
  #firstAfter(stream: MemoryStream, id: string): number {
    let low = 0;
    let high = stream.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStreamIds(stream.entries[middle]!.id, id) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
