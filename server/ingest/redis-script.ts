/** A Lua script run by its SHA-1 (EVALSHA), loaded on first use or after a Redis restart. */
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';

export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script; a Redis that lost its script cache (restart) gets the source once. */
  async run(client: RedisClient, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(['EVALSHA', this.#sha, ...tail]);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', this.#source, ...tail]);
    }
  }
}
