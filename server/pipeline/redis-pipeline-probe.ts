/**
 * Redis adapter of the PipelineProbe port: XINFO GROUPS, instances in the hash
 * `P instances`, and the epoch marker in the string `P epoch`.
 */
import { flatPairs, whenReady, type RedisClient } from '../ingest/redis-connection.js';
import { INPUT_STREAMS } from '../ingest/stream-source.js';
import { INSTANCE_STALE_MS, type InstanceRecord, type PipelineProbe, type StreamBacklog } from './pipeline-probe.js';

/** Instances not seen for this long are removed from the hash (it stays bounded). */
const INSTANCE_FORGET_MS = 3_600_000;

export class RedisPipelineProbe implements PipelineProbe {
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #group: string;

  constructor(client: RedisClient, prefix: string, group: string) {
    this.#client = client;
    this.#prefix = prefix;
    this.#group = group;
  }

  async backlog(): Promise<StreamBacklog[]> {
    await whenReady(this.#client);
    const result: StreamBacklog[] = [];
    for (const stream of INPUT_STREAMS) {
      let groups: unknown[] = [];
      try {
        groups = (await this.#client.sendCommand(['XINFO', 'GROUPS', this.#prefix + stream])) as unknown[];
      } catch {
        // No such stream yet.
      }
      const info = groups.map(flatPairs).find((group) => group.get('name') === this.#group);
      const lag = info?.get('lag');
      result.push({ stream, backlog: lag === null || lag === undefined ? null : Number(lag), pending: Number(info?.get('pending') ?? 0) });
    }
    return result;
  }

  async heartbeat(instance: InstanceRecord): Promise<void> {
    await whenReady(this.#client);
    const key = `${this.#prefix}instances`;
    await this.#client.hSet(key, instance.id, JSON.stringify(instance));
    const stale = (await this.#readAll()).filter((record) => record.lastSeen < instance.lastSeen - INSTANCE_FORGET_MS);
    if (stale.length > 0) await this.#client.hDel(key, stale.map((record) => record.id));
  }

  async instances(): Promise<InstanceRecord[]> {
    await whenReady(this.#client);
    const now = Date.now();
    return (await this.#readAll()).filter((record) => record.lastSeen > now - INSTANCE_STALE_MS).sort((a, b) => a.id.localeCompare(b.id));
  }

  async claimEpoch(candidate: string): Promise<string> {
    await whenReady(this.#client);
    // SET … NX GET: the marker already there, or nil after storing ours — one step.
    const existing = await this.#client.sendCommand(['SET', `${this.#prefix}epoch`, candidate, 'NX', 'GET']);
    return existing === null ? candidate : String(existing);
  }

  async #readAll(): Promise<InstanceRecord[]> {
    const all = await this.#client.hGetAll(`${this.#prefix}instances`);
    const records: InstanceRecord[] = [];
    for (const [id, raw] of Object.entries(all)) {
      try {
        const value = JSON.parse(raw) as Partial<InstanceRecord>;
        records.push({ id, startedAt: Number(value.startedAt) || 0, lastSeen: Number(value.lastSeen) || 0 });
      } catch {
        records.push({ id, startedAt: 0, lastSeen: 0 });
      }
    }
    return records;
  }
}
