/**
 * Redis adapter of the StreamSource port: one consumer group over both input streams,
 * read on a dedicated connection (a blocking XREADGROUP would stall every other command
 * on a shared one). Pending entries are re-read first after a restart; a group lost to a
 * Redis that came back empty (NOGROUP) is recreated.
 */
import { flatPairs, openRedis, whenReady, type RedisClient } from './redis-connection.js';
import {
  arrivalOf, INPUT_STREAMS, type InputStream, type SourceEntry, type SourceOpening, type SourceRead, type StreamSource,
} from './stream-source.js';

export interface RedisStreamSourceOptions {
  url: string;
  prefix: string;
  group: string;
  consumer: string;
  onConnectionError?: (error: Error) => void;
}

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
    const entries = await this.#readGroup(client, count, blockMs, null);
    const reachedEnd = INPUT_STREAMS.every((stream) => entries.filter((entry) => entry.stream === stream).length < count);
    if (!reachedEnd) return { entries, caughtUpAtMs: null };
    // The source's own clock, not ours: lateness and coverage are judged in stream-id time.
    const caughtUpAtMs = entries.length > 0 ? Math.max(...entries.map((entry) => entry.arrivalMs)) : await this.#watched(serverTimeMs(client), READ_WATCHDOG_MARGIN_MS);
    return { entries, caughtUpAtMs };
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
