/** Redis adapter of the OverviewStore port (layout and atomicity: redis-overview-scripts.ts). */
import { ErrorReply } from 'redis';
import type { OverviewFullPoint } from '../../shared/overview.js';
import { flatPairs, whenReady, type RedisClient } from '../ingest/redis-connection.js';
import { compareStreamIds, INPUT_STREAMS, type InputStream } from '../ingest/stream-source.js';
import { ApplyError, coveredSeconds, type CommitOutcome, type DeadLetter, type IngestCommit, type OverviewChanges, type OverviewStore } from './overview-store.js';
import { commitScript, readSecondsScript } from './redis-overview-scripts.js';
import { COLLECTOR_MINUTE_COUNTERS, TEAM_MINUTE_COUNTERS } from './minute-delta.js';
import { MINUTE_VIEWS_TTL_MS } from './minute-store.js';
import { STORED_COUNTERS, toOverviewPoint, type StoredCounter } from './second-delta.js';

export interface RedisOverviewStoreOptions {
  client: RedisClient;
  prefix: string;
  group: string;
  consumer: string;
  historyMs: number;
  dlqMaxLength: number;
  changeFeedMaxLength?: number;
  now?: () => number;
}

/**
 * A reply error about the data (WRONGTYPE, a failing script line), not about Redis being
 * unavailable for a moment (loading, busy, out of memory, read-only replica, …).
 */
function isRefusedData(error: unknown): boolean {
  if (!(error instanceof ErrorReply)) return false;
  return !/^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOSCRIPT|NOREPLICAS)/.test(error.message);
}

/** Seconds read per script call, so that one call never holds Redis for long. */
const READ_CHUNK = 300;

export class RedisOverviewStore implements OverviewStore {
  readonly #options: RedisOverviewStoreOptions;
  readonly #now: () => number;
  readonly #keys: { feed: string; counters: string; dlq: string; open: string; seconds: string };

  constructor(options: RedisOverviewStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const prefix = options.prefix;
    this.#keys = {
      feed: `${prefix}ov:changes`,
      counters: `${prefix}ingest`,
      dlq: `${prefix}dlq`,
      open: `${prefix}ov:open`,
      seconds: `${prefix}ov:`,
    };
  }

  async commit(commit: IngestCommit): Promise<CommitOutcome> {
    await whenReady(this.#options.client);
    const { client, prefix, group, consumer, historyMs, dlqMaxLength } = this.#options;
    const args: string[] = [
      group, consumer, this.#keys.seconds, String(Math.ceil(historyMs / 1000)),
      String(this.#options.changeFeedMaxLength ?? 10_000), String(dlqMaxLength), String(Math.floor(commit.finalBeforeMs)),
    ];
    for (const stream of INPUT_STREAMS) args.push(String(commit.acks[stream].length), ...commit.acks[stream]);
    for (const stream of INPUT_STREAMS) {
      const ids = commit.acks[stream];
      if (ids.length === 0) continue;
      // The range XPENDING checks: one pass, not a sort (a batch holds up to a thousand ids).
      let lowest = ids[0]!;
      let highest = ids[0]!;
      for (const id of ids) {
        if (compareStreamIds(id, lowest) < 0) lowest = id;
        else if (compareStreamIds(id, highest) > 0) highest = id;
      }
      args.push(lowest, highest);
    }
    args.push(String(commit.seconds.length));
    for (const delta of commit.seconds) {
      args.push(String(delta.t));
      for (const name of STORED_COUNTERS) args.push(String(delta.counters[name]));
      args.push(String(delta.collectors.size), ...delta.collectors, String(delta.subjects.size), ...delta.subjects);
    }
    args.push(String(Math.ceil(MINUTE_VIEWS_TTL_MS / 1000)), String(commit.teamMinutes.length));
    for (const delta of commit.teamMinutes) {
      args.push(String(delta.minute), delta.team, ...TEAM_MINUTE_COUNTERS.map((name) => String(delta.counters[name])));
      args.push(String(delta.subjects.size), ...delta.subjects, String(delta.collectors.size), ...delta.collectors);
      args.push(String(delta.activeSeconds.size), ...[...delta.activeSeconds].map(String));
    }
    args.push(String(commit.collectorMinutes.length));
    for (const delta of commit.collectorMinutes) {
      args.push(String(delta.minute), delta.collector, delta.team, ...COLLECTOR_MINUTE_COUNTERS.map((name) => String(delta.counters[name])), String(delta.lastSeen));
    }
    const counters = Object.entries(commit.counters).filter(([, increment]) => increment !== 0);
    args.push(String(counters.length));
    for (const [name, increment] of counters) args.push(name, String(increment));
    args.push(String(commit.deadLetters.length));
    for (const letter of commit.deadLetters) args.push(letter.stream, letter.id, letter.reason, letter.field);
    const covered = commit.coverage ? coveredSeconds(commit.coverage, this.#now() - historyMs) : [];
    args.push(String(covered.length), ...covered.map(String));
    args.push(String(Math.floor(this.#now() - historyMs)));

    const keys = [...INPUT_STREAMS.map((stream) => prefix + stream), this.#keys.feed, this.#keys.counters, this.#keys.dlq, this.#keys.open];
    let reply: [number, (string[] | string)?, string[]?];
    try {
      reply = (await commitScript.run(client, keys, args)) as [number, (string[] | string)?, string[]?];
    } catch (error) {
      throw isRefusedData(error) ? new ApplyError(`Redis refused the batch: ${(error as Error).message.slice(0, 200)}`, { cause: error }) : error;
    }
    if (reply[0] === 1) return { applied: true };
    if (reply[0] === 2) throw new ApplyError(`a key Keywatch writes holds another type (corrupted?): ${String(reply[1])}`);
    return { applied: false, stillPending: { collect: new Set((reply[1] as string[] | undefined) ?? []), security: new Set(reply[2] ?? []) } };
  }

  async readSeconds(seconds: readonly number[]): Promise<Map<number, OverviewFullPoint>> {
    await whenReady(this.#options.client);
    const points = new Map<number, OverviewFullPoint>();
    for (let start = 0; start < seconds.length; start += READ_CHUNK) {
      const chunk = seconds.slice(start, start + READ_CHUNK);
      const rows = (await readSecondsScript.run(this.#options.client, [], [this.#keys.seconds, ...chunk.map(String)])) as (
        (string | null)[] | null
      )[];
      chunk.forEach((t, index) => {
        const row = rows[index];
        if (!row) return;
        const counters = {} as Record<StoredCounter, number>;
        STORED_COUNTERS.forEach((name, position) => {
          counters[name] = Number(row[position] ?? 0);
        });
        points.set(t, toOverviewPoint(t, counters, Number(row[STORED_COUNTERS.length] ?? 0), Number(row[STORED_COUNTERS.length + 1] ?? 0)));
      });
    }
    return points;
  }

  async changes(cursor: string | null): Promise<OverviewChanges> {
    await whenReady(this.#options.client);
    const client = this.#options.client;
    if (cursor === null) {
      const last = (await client.sendCommand(['XREVRANGE', this.#keys.feed, '+', '-', 'COUNT', '1'])) as [string, string[]][];
      return { cursor: last[0]?.[0] ?? '0-0', seconds: [] };
    }
    const seconds = new Set<number>();
    let position = cursor;
    // Bounded: a feed far behind (a stall) is read 1000 at a time, the rest next tick.
    const entries = (await client.sendCommand(['XRANGE', this.#keys.feed, `(${position}`, '+', 'COUNT', '1000'])) as [string, string[]][];
    for (const [id, fields] of entries) {
      position = id;
      const list = flatPairs(fields).get('s');
      if (typeof list === 'string') for (const t of list.split(',')) seconds.add(Number(t));
    }
    return { cursor: position, seconds: [...seconds] };
  }

  async counters(): Promise<Record<string, number>> {
    await whenReady(this.#options.client);
    const reply = (await this.#options.client.sendCommand(['HGETALL', this.#keys.counters])) as string[];
    const counters: Record<string, number> = {};
    for (const [name, value] of flatPairs(reply)) counters[name] = Number(value);
    return counters;
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    await whenReady(this.#options.client);
    const entries = (await this.#options.client.sendCommand(['XREVRANGE', this.#keys.dlq, '+', '-', 'COUNT', String(limit)])) as [string, string[]][];
    return entries.map(([, fields]) => {
      const map = flatPairs(fields);
      return {
        stream: String(map.get('stream') ?? ''),
        id: String(map.get('id') ?? ''),
        reason: String(map.get('reason') ?? '') as DeadLetter['reason'],
        field: String(map.get('field') ?? ''),
      };
    });
  }
}
