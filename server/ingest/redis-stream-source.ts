/**
 * Redis adapter of the StreamSource port: one consumer group over both input streams,
 * read on a dedicated connection (a blocking XREADGROUP would stall every other command
 * on a shared one). Pending entries are re-read first after a restart; entries left
 * pending by a consumer that stopped (another instance that died for good) are taken
 * over with XAUTOCLAIM once idle for `claimIdleMs`; a group lost to a Redis that came back
 * empty (NOGROUP) is recreated; entries trimmed by their producer before the group read
 * them are reported (XINFO: entries added − kept − read by the group, when the first
 * kept entry is past the last one delivered).
 */
import { flatPairs, openRedis, whenReady, type RedisClient } from './redis-connection.js';
import {
  arrivalOf, compareStreamIds, INPUT_STREAMS, type InputStream, type SourceEntry, type SourceOpening, type SourceRead, type StreamSource,
  type TrimmedUnread,
} from './stream-source.js';

export interface RedisStreamSourceOptions {
  url: string;
  prefix: string;
  group: string;
  consumer: string;
  /** Entries pending this long with another consumer are taken over (default CLAIM_IDLE_MS). */
  claimIdleMs?: number;
  onConnectionError?: (error: Error) => void;
}

/** Default idle time after which another consumer's pending entries are taken over: far beyond any live reader's batch. */
export const CLAIM_IDLE_MS = 60_000;
/** How often to look for entries to take over, and for entries trimmed unread. */
const HOUSEKEEPING_EVERY_MS = 5_000;

type RawStreamReply = [string, [string, string[] | null][]][] | null;

/**
 * How long past its BLOCK time a read may take before the connection is deemed hung (a
 * network black hole does not close the socket) and recreated.
 */
export const READ_WATCHDOG_MARGIN_MS = 3000;

export class RedisStreamSource implements StreamSource {
  readonly mode = 'redis' as const;
  readonly #options: RedisStreamSourceOptions;
  readonly #keys: string[];
  #client: RedisClient | null = null;
  /** Per stream key, the last pending id re-read; null once the pending entries are all re-read. */
  #pendingCursor: Map<string, string> | null = null;
  /** Per stream key, where the next XAUTOCLAIM scan continues. */
  readonly #claimCursor = new Map<string, string>();
  /** Per stream key, the first kept entry when a trim was last reported. */
  readonly #reportedTrim = new Map<string, string>();
  #housekeepingDueAt = 0;

  constructor(options: RedisStreamSourceOptions) {
    this.#options = options;
    this.#keys = INPUT_STREAMS.map((stream) => options.prefix + stream);
  }

  async open(): Promise<SourceOpening> {
    const client = await this.#connection();
    let resumeFromMs: number | null = null;
    for (const key of this.#keys) {
      const created = await this.#createGroup(client, key);
      if (!created) {
        const lastDelivered = await this.#lastDeliveredId(client, key);
        if (lastDelivered !== null) resumeFromMs = Math.max(resumeFromMs ?? 0, arrivalOf(lastDelivered));
      }
    }
    this.#pendingCursor = new Map(this.#keys.map((key) => [key, '0-0']));
    return { resumeFromMs };
  }

  async read(count: number, blockMs: number): Promise<SourceRead> {
    const client = await this.#connection();
    if (this.#pendingCursor) {
      const pending = await this.#readGroup(client, count, null, this.#pendingCursor);
      if (pending.length > 0) return { entries: pending, caughtUpAtMs: null };
      this.#pendingCursor = null;
    }
    let trimmedUnread: TrimmedUnread[] = [];
    if (Date.now() >= this.#housekeepingDueAt) {
      const claimed = await this.#claimIdle(client, count);
      // A full batch: more may wait, so look again on the next read.
      this.#housekeepingDueAt = claimed.length >= count ? 0 : Date.now() + HOUSEKEEPING_EVERY_MS;
      if (claimed.length > 0) return { entries: claimed, caughtUpAtMs: null, reclaimed: true };
      trimmedUnread = await this.#trimmedUnread(client);
    }
    const entries = await this.#readGroup(client, count, blockMs, null);
    const withLosses = trimmedUnread.length > 0 ? { trimmedUnread } : {};
    const reachedEnd = INPUT_STREAMS.every((stream) => entries.filter((entry) => entry.stream === stream).length < count);
    if (!reachedEnd) return { entries, caughtUpAtMs: null, ...withLosses };
    // The source's own clock, not ours: lateness and coverage are judged in stream-id time.
    const caughtUpAtMs = entries.length > 0 ? Math.max(...entries.map((entry) => entry.arrivalMs)) : await this.#watched(serverTimeMs(client), READ_WATCHDOG_MARGIN_MS);
    return { entries, caughtUpAtMs, ...withLosses };
  }

  /** XAUTOCLAIM: up to `count` entries idle for `claimIdleMs` with other consumers of the group, now this one's. */
  async #claimIdle(client: RedisClient, count: number): Promise<SourceEntry[]> {
    const { group, consumer, claimIdleMs = CLAIM_IDLE_MS } = this.#options;
    const entries: SourceEntry[] = [];
    for (const key of this.#keys) {
      if (entries.length >= count) break;
      let reply: [string, [string, string[] | null][], string[]?];
      try {
        reply = (await client.sendCommand([
          'XAUTOCLAIM', key, group, consumer, String(claimIdleMs), this.#claimCursor.get(key) ?? '0-0', 'COUNT', String(count - entries.length),
        ])) as typeof reply;
      } catch (error) {
        if (String((error as Error).message).startsWith('NOGROUP')) continue;
        throw error;
      }
      const [next, claimed] = reply;
      this.#claimCursor.set(key, next);
      const stream = key.slice(this.#options.prefix.length) as InputStream;
      // Trimmed entries come back without fields (Redis 7 drops them from the pending list itself).
      for (const [id, fields] of claimed) if (fields) entries.push({ stream, id, arrivalMs: arrivalOf(id), fields });
    }
    return entries;
  }

  /** Entries each stream lost before the group read them, not yet reported. */
  async #trimmedUnread(client: RedisClient): Promise<TrimmedUnread[]> {
    const losses: TrimmedUnread[] = [];
    for (const key of this.#keys) {
      let stream: Map<string, unknown>;
      let group: Map<string, unknown> | undefined;
      try {
        stream = flatPairs(await client.sendCommand(['XINFO', 'STREAM', key]));
        group = ((await client.sendCommand(['XINFO', 'GROUPS', key])) as unknown[]).map(flatPairs).find((info) => info.get('name') === this.#options.group);
      } catch {
        continue;
      }
      const firstEntry = (stream.get('first-entry') as [string, unknown] | null)?.[0];
      const lastDelivered = String(group?.get('last-delivered-id') ?? '0-0');
      if (!group || firstEntry === undefined || compareStreamIds(firstEntry, lastDelivered) <= 0 || this.#reportedTrim.get(key) === firstEntry) continue;
      const removed = Number(stream.get('entries-added')) - Number(stream.get('length'));
      // Redis may not know how many the group read (nil): a group that delivered nothing read none.
      const readRaw = group.get('entries-read');
      const read = readRaw === null || readRaw === undefined ? (lastDelivered === '0-0' ? 0 : null) : Number(readRaw);
      const entries = read === null || !Number.isFinite(removed) ? null : Math.max(0, removed - read);
      if (entries === 0 || (entries === null && !(removed > 0))) continue;
      this.#reportedTrim.set(key, firstEntry);
      losses.push({ stream: key.slice(this.#options.prefix.length) as InputStream, entries, afterMs: arrivalOf(lastDelivered), throughMs: arrivalOf(firstEntry) });
    }
    return losses;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    // destroy(), not close(): a blocked XREADGROUP would otherwise hold shutdown for its whole block time.
    if (client?.isOpen) client.destroy();
  }

  async #connection(): Promise<RedisClient> {
    if (!this.#client) {
      this.#client = openRedis({
        url: this.#options.url,
        failFastWhileDown: true,
        onError: (error) => this.#options.onConnectionError?.(error),
      });
    }
    try {
      await whenReady(this.#client);
    } catch (error) {
      // A connection whose handshake got no answer is dropped, so the next attempt starts afresh.
      const stuck = this.#client;
      this.#client = null;
      if (stuck.isOpen) stuck.destroy();
      throw error;
    }
    return this.#client;
  }

  /**
   * Resolves as `reply` does, unless it takes longer than `deadlineMs`: then the reader's
   * connection is destroyed (rejecting the hung command) and the next read opens a new one.
   */
  async #watched<T>(reply: Promise<T>, deadlineMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const hung = this.#client;
        this.#client = null;
        if (hung?.isOpen) hung.destroy();
        reject(new Error(`a blocking read got no answer within ${deadlineMs} ms; reconnecting`));
      }, deadlineMs);
    });
    try {
      return await Promise.race([reply, watchdog]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #createGroup(client: RedisClient, key: string): Promise<boolean> {
    try {
      // From 0, not $: entries written before the group existed are read too (nothing is lost).
      await client.sendCommand(['XGROUP', 'CREATE', key, this.#options.group, '0', 'MKSTREAM']);
      return true;
    } catch (error) {
      if (String((error as Error).message).startsWith('BUSYGROUP')) return false;
      throw error;
    }
  }

  async #lastDeliveredId(client: RedisClient, key: string): Promise<string | null> {
    const groups = (await client.sendCommand(['XINFO', 'GROUPS', key])) as unknown[];
    for (const group of groups) {
      const info = flatPairs(group);
      if (info.get('name') === this.#options.group) return String(info.get('last-delivered-id'));
    }
    return null;
  }

  /** XREADGROUP of both streams: pending entries after the cursor's ids, or (cursor null) new ones (`>`). */
  async #readGroup(client: RedisClient, count: number, blockMs: number | null, pendingCursor: Map<string, string> | null): Promise<SourceEntry[]> {
    const { group, consumer } = this.#options;
    const args = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(count)];
    if (blockMs !== null) args.push('BLOCK', String(blockMs));
    args.push('STREAMS', ...this.#keys, ...this.#keys.map((key) => pendingCursor?.get(key) ?? '>'));
    let reply: RawStreamReply;
    try {
      reply = await this.#watched(client.sendCommand(args) as Promise<RawStreamReply>, (blockMs ?? 0) + READ_WATCHDOG_MARGIN_MS);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOGROUP')) throw error;
      // Redis came back empty: recreate the groups and read again from the start.
      for (const key of this.#keys) await this.#createGroup(client, key);
      return [];
    }
    const entries: SourceEntry[] = [];
    for (const [key, items] of reply ?? []) {
      const stream = key.slice(this.#options.prefix.length) as InputStream;
      for (const [id, fields] of items) {
        // A pending entry trimmed away by its producer comes back with no fields.
        entries.push({ stream, id, arrivalMs: arrivalOf(id), fields: fields ?? [] });
        pendingCursor?.set(key, id);
      }
    }
    return entries;
  }
}

async function serverTimeMs(client: RedisClient): Promise<number> {
  const [seconds, micros] = (await client.sendCommand(['TIME'])) as [string, string];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
