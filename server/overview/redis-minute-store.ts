/** Redis adapter of the MinuteStore port: reads the per-minute keys the commit script writes. */
import { whenReady, type RedisClient } from '../ingest/redis-connection.js';
import { COLLECTOR_MINUTE_COUNTERS, TEAM_MINUTE_COUNTERS, type CollectorMinuteCounter, type TeamMinuteCounter } from './minute-delta.js';
import { MINUTE_VIEWS_TTL_MS, type MinuteStore, type StoredCollectorMinute, type StoredMinute } from './minute-store.js';

export class RedisMinuteStore implements MinuteStore {
  readonly #client: RedisClient;
  readonly #base: string;

  constructor(client: RedisClient, prefix: string) {
    this.#client = client;
    this.#base = `${prefix}ov:`;
  }

  async readMinute(minute: number): Promise<StoredMinute> {
    await whenReady(this.#client);
    const base = `${this.#base}tm:${minute}:`;
    const teams = await this.#client.sMembers(`${base}teams`);
    const pipeline = this.#client.multi();
    for (const team of teams) {
      pipeline.hGetAll(`${base}h:${team}`).sMembers(`${base}s:${team}`).sCard(`${base}c:${team}`).sMembers(`${base}a:${team}`);
    }
    for (let t = minute; t < minute + 60_000; t += 1000) pipeline.sMembers(`${this.#base}u:${t}`);
    const replies = (await pipeline.execAsPipeline()) as unknown[];
    const stored: StoredMinute = { minute, teams: [], seconds: [] };
    teams.forEach((team, index) => {
      const [hash, subjects, collectors, active] = replies.slice(index * 4, index * 4 + 4) as [Record<string, string>, string[], number, string[]];
      const counters = Object.fromEntries(TEAM_MINUTE_COUNTERS.map((name) => [name, Number(hash[name] ?? 0)])) as Record<TeamMinuteCounter, number>;
      stored.teams.push({ team, counters, subjects: new Set(subjects), collectors: Number(collectors), activeSeconds: new Set(active.map(Number)) });
    });
    replies.slice(teams.length * 4).forEach((subjects, index) => {
      const members = subjects as string[];
      if (members.length > 0) stored.seconds.push({ t: minute + index * 1000, subjects: new Set(members) });
    });
    return stored;
  }

  async readCollectors(minute: number): Promise<StoredCollectorMinute[]> {
    await whenReady(this.#client);
    const base = `${this.#base}cm:${minute}:`;
    const collectors = await this.#client.sMembers(`${base}all`);
    const pipeline = this.#client.multi();
    for (const collector of collectors) pipeline.hGetAll(`${base}h:${collector}`);
    const replies = (await pipeline.execAsPipeline()) as unknown as Record<string, string>[];
    return collectors.map((collector, index) => {
      const hash = replies[index] ?? {};
      const counters = Object.fromEntries(COLLECTOR_MINUTE_COUNTERS.map((name) => [name, Number(hash[name] ?? 0)])) as Record<CollectorMinuteCounter, number>;
      return { collector, team: hash.team ?? '', counters, lastSeen: Number(hash.lastSeen ?? 0) };
    });
  }

  async getDecision(minute: number): Promise<string | null> {
    await whenReady(this.#client);
    return this.#client.get(`${this.#base}tm:${minute}:decision`);
  }

  async putDecision(minute: number, views: string): Promise<string> {
    await whenReady(this.#client);
    const key = `${this.#base}tm:${minute}:decision`;
    await this.#client.set(key, views, { condition: 'NX', expiration: { type: 'PX', value: MINUTE_VIEWS_TTL_MS } });
    return (await this.#client.get(key)) ?? views;
  }
}
