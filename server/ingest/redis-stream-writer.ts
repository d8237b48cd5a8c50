/**
 * `StreamWriter` over Redis: `XADD key MAXLEN ~ n * field value …`, one command per
 * entry, all issued at once so node-redis pipelines them on the connection.
 */
import type { FieldList, StreamWriter } from './stream-writer.js';

/** The one client method the writer needs; every node-redis client (`createClient`) has it. */
export interface RawCommandClient {
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** Appends entries to Redis streams as a producer does, trimming each to about `maxLength`. */
export class RedisStreamWriter implements StreamWriter {
  readonly #client: RawCommandClient;

  /** Writes through `client`, which the caller connects and closes. */
  constructor(client: RawCommandClient) {
    this.#client = client;
  }

  /**
   * Appends `entries` to `stream` in order and resolves to their ids. Raw `XADD` rather
   * than `client.xAdd`: that takes an object, which would fold a field given twice into
   * one, and the simulator writes such malformed entries on purpose.
   */
  async append(stream: string, entries: readonly FieldList[], maxLength: number): Promise<string[]> {
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
    }
    const trim = ['MAXLEN', '~', String(maxLength)];
    // Commands issued in the same turn go out in order on one connection, so ids follow entry order.
    const replies = await Promise.all(
      entries.map((fields) => this.#client.sendCommand(['XADD', stream, ...trim, '*', ...fields])),
    );
    return replies.map((id) => String(id));
  }
}
