/**
 * One look at a running Keywatch server from outside, the way an operator sees it: its
 * `/metrics` (process figures from prom-client's default metrics, Keywatch's own
 * `keywatch_*` ones) and the consumer group's backlog in Redis (`XINFO GROUPS`).
 */
import type { TestRedisClient } from '../support/redis-server.js';

/** The consumer group every Keywatch instance reads through (server/backends.ts). */
export const CONSUMER_GROUP = 'keywatch';

/** The input streams, by their short name. */
export const STREAMS = ['collect', 'security'] as const;
export type StreamName = (typeof STREAMS)[number];

/** A stream's consumer-group backlog: entries not yet delivered (`lag`) and delivered but not acknowledged (`pending`). */
export interface GroupBacklog {
  /** `null` when Redis cannot tell (entries were trimmed past the group). */
  lag: number | null;
  pending: number;
}

/** Where the run was when a sample was taken (judgments compare like with like). */
export type SamplePhase = 'load' | 'quiet-start' | 'quiet-end' | 'drain';

/** One sample of the server. */
export interface Sample {
  atMs: number;
  phase: SamplePhase;
  heapUsedBytes: number;
  rssBytes: number;
  /** libuv handles kept alive (sockets, servers, child pipes…): `nodejs_active_handles_total`. */
  activeHandles: number;
  /** Everything keeping the event loop alive, timers included: `nodejs_active_resources_total`. */
  activeResources: number;
  /** Sum over roles of `keywatch_ws_clients`: the sockets the Hub holds. */
  wsClients: number;
  /** `keywatch_ingest_lag_seconds`. */
  ingestLagSeconds: number;
  sourceUp: boolean;
  /** `nodejs_eventloop_lag_p99_seconds` (since the server started). */
  eventLoopP99Seconds: number;
  /** `keywatch_ingest_entries_total` by `stream/outcome`. */
  ingested: Record<string, number>;
  backlog: Record<StreamName, GroupBacklog>;
}

/** Sums every series of `name` in Prometheus text (a gauge by role, a counter by label…); NaN when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = Number.NaN;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    if (!Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    total = Number.isNaN(total) ? value : total + value;
  }
  return total;
}

/** The backlog of the `keywatch` group on `key`, from `XINFO GROUPS`. */
export async function groupBacklog(redis: TestRedisClient, key: string): Promise<GroupBacklog> {
  const groups = (await redis.sendCommand(['XINFO', 'GROUPS', key])) as unknown[];
  for (const group of groups) {
    const fields = groupFields(group);
    if (String(fields.get('name')) !== CONSUMER_GROUP) continue;
    const lag = fields.get('lag');
    return { lag: lag === null || lag === undefined ? null : Number(lag), pending: Number(fields.get('pending')) };
  }
  // No group yet: the server has not opened the stream; everything in it waits.
  return { lag: Number(await redis.sendCommand(['XLEN', key])), pending: 0 };
}

/** A group's fields, whether the client gave them as flat name/value pairs (RESP2) or as a map. */
function groupFields(group: unknown): Map<string, unknown> {
  if (Array.isArray(group)) {
    const fields = new Map<string, unknown>();
    for (let index = 0; index + 1 < group.length; index += 2) fields.set(String(group[index]), group[index + 1]);
    return fields;
  }
  if (group instanceof Map) return new Map([...group].map(([name, value]) => [String(name), value]));
  return new Map(Object.entries(group as Record<string, unknown>));
}

/** Entries of a stream's group not yet applied: lag plus pending (lag unknown counts as not drained). */
export function backlogEntries(backlog: GroupBacklog): number {
  return backlog.lag === null ? Number.POSITIVE_INFINITY : backlog.lag + backlog.pending;
}

export interface ServerSamplerOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  /** A client on the server's Redis, for `XINFO GROUPS`. */
  redis: TestRedisClient;
  prefix?: string;
}

/** Takes samples of one server on demand. */
export class ServerSampler {
  readonly #options: ServerSamplerOptions;

  constructor(options: ServerSamplerOptions) {
    this.#options = options;
  }

  /** Scrapes `/metrics` and reads the group backlog; throws when the server does not answer. */
  async sample(phase: SamplePhase): Promise<Sample> {
    const { origin, redis, prefix = 'kw:' } = this.#options;
    const atMs = Date.now();
    const [response, collect, security] = await Promise.all([
      fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) }),
      groupBacklog(redis, `${prefix}collect`),
      groupBacklog(redis, `${prefix}security`),
    ]);
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
    const text = await response.text();
    const ingested: Record<string, number> = {};
    for (const match of text.matchAll(/^keywatch_ingest_entries_total\{stream="([^"]+)",outcome="([^"]+)"\} (\S+)$/gm)) {
      ingested[`${match[1]}/${match[2]}`] = Number(match[3]);
    }
    return {
      atMs,
      phase,
      heapUsedBytes: metricValue(text, 'nodejs_heap_size_used_bytes'),
      rssBytes: metricValue(text, 'process_resident_memory_bytes'),
      activeHandles: metricValue(text, 'nodejs_active_handles_total'),
      activeResources: metricValue(text, 'nodejs_active_resources_total'),
      wsClients: metricValue(text, 'keywatch_ws_clients') || 0,
      ingestLagSeconds: metricValue(text, 'keywatch_ingest_lag_seconds'),
      sourceUp: metricValue(text, 'keywatch_source_up') === 1,
      eventLoopP99Seconds: metricValue(text, 'nodejs_eventloop_lag_p99_seconds'),
      ingested,
      backlog: { collect, security },
    };
  }
}
