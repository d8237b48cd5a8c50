/**
 * One contract suite for both backends (house style: one suite run against every
 * adapter): the Redis adapters against a real redis-server, and the embedded ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommit } from '../../server/ingest/batch-commit.js';
import { classifyEntry } from '../../server/ingest/classify.js';
import { MemoryStreamSource } from '../../server/ingest/memory-stream-source.js';
import { MemoryStreams } from '../../server/ingest/memory-streams.js';
import { openRedis, type RedisClient } from '../../server/ingest/redis-connection.js';
import { RedisStreamWriter } from '../../server/ingest/redis-stream-writer.js';
import { RedisStreamSource } from '../../server/ingest/redis-stream-source.js';
import type { SourceEntry, StreamSource } from '../../server/ingest/stream-source.js';
import type { StreamWriter } from '../../server/ingest/stream-writer.js';
import { MemoryOverviewStore } from '../../server/overview/memory-overview-store.js';
import type { IngestCommit, OverviewStore } from '../../server/overview/overview-store.js';
import type { MinuteStore } from '../../server/overview/minute-store.js';
import { RedisMinuteStore } from '../../server/overview/redis-minute-store.js';
import { RedisOverviewStore } from '../../server/overview/redis-overview-store.js';
import { collectFields } from '../support/entries.js';
import { TestRedis } from '../support/redis-server.js';

interface Backend {
  writer: StreamWriter;
  source(consumer: string): StreamSource;
  store(consumer: string): OverviewStore;
  minutes: MinuteStore;
}

interface BackendFactory {
  name: string;
  setup(): Promise<void>;
  /** A fresh, isolated backend (its own key prefix). */
  create(prefix: string): Backend;
  teardown(): Promise<void>;
}

const HISTORY_MS = 20 * 60_000;

function memoryFactory(): BackendFactory {
  return {
    name: 'embedded',
    setup: async () => {},
    create(prefix) {
      const streams = new MemoryStreams();
      const common = { streams, prefix, group: 'keywatch' };
      // One store per consumer name, as in a process: the minute reads go to the same one.
      const stores = new Map<string, MemoryOverviewStore>();
      const store = (consumer: string): MemoryOverviewStore => {
        if (!stores.has(consumer)) stores.set(consumer, new MemoryOverviewStore({ ...common, consumer, historyMs: HISTORY_MS, dlqMaxLength: 1000 }));
        return stores.get(consumer)!;
      };
      return {
        writer: streams,
        source: (consumer) => new MemoryStreamSource({ ...common, consumer }),
        store,
        get minutes() {
          return store('reader-1');
        },
      };
    },
    teardown: async () => {},
  };
}

function redisFactory(): BackendFactory {
  let redis: TestRedis;
  let client: RedisClient;
  const sources: StreamSource[] = [];
  return {
    name: 'redis',
    async setup() {
      redis = await TestRedis.start();
      client = openRedis({ url: redis.url });
      await client.ping();
    },
    create(prefix) {
      const common = { prefix, group: 'keywatch' };
      return {
        writer: new RedisStreamWriter(client),
        source: (consumer) => {
          const source = new RedisStreamSource({ url: redis.url, ...common, consumer });
          sources.push(source);
          return source;
        },
        store: (consumer) => new RedisOverviewStore({ client, ...common, consumer, historyMs: HISTORY_MS, dlqMaxLength: 1000 }),
        minutes: new RedisMinuteStore(client, prefix),
      };
    },
    async teardown() {
      for (const source of sources) await source.close();
      client.destroy();
      await redis.stop();
    },
  };
}

/** Reads everything currently available (pending first, then new). */
async function readAll(source: StreamSource): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  for (;;) {
    const read = await source.read(100, 50);
    entries.push(...read.entries);
    if (read.entries.length === 0) return entries;
  }
}

function commitOf(entries: SourceEntry[], prefix: string, extra: Partial<IngestCommit> = {}): IngestCommit {
  return { ...buildCommit(entries.map((entry) => classifyEntry(entry, 10_000)), prefix, null, 0), ...extra };
}

let prefixCounter = 0;
const nextPrefix = (): string => `t${++prefixCounter}:`;

describe.each([memoryFactory(), redisFactory()])('stream backends: $name', (factory) => {
  beforeAll(() => factory.setup());
  afterAll(() => factory.teardown());

  it('applies a batch and acknowledges it in one commit; the same commit again applies nothing', async () => {
    const prefix = nextPrefix();
    const backend = factory.create(prefix);
    const ts = Date.now();
    await backend.writer.append(`${prefix}collect`, [
      collectFields({ ts, collector: 'c-1', subject: 's-1' }),
      collectFields({ ts, collector: 'c-2', subject: 's-1' }),
    ], 1000);
    const source = backend.source('reader-1');
    await source.open();
    const entries = await readAll(source);
    expect(entries).toHaveLength(2);
    const store = backend.store('reader-1');
    const commit = commitOf(entries, prefix);
    expect(await store.commit(commit)).toEqual({ applied: true });
    expect(await store.commit(commit)).toEqual({ applied: false, stillPending: { collect: new Set(), security: new Set() } });

    const second = Math.floor(ts / 1000) * 1000;
    const point = (await store.readSeconds([second])).get(second);
    expect(point).toMatchObject({ keys: 20, clicks: 4, moves: 60, scrolls: 2, events: 86, redacted: 6, collectors: 2, subjects: 1 });
    expect(point?.red).toMatchObject({ password: 2, email: 2, phone: 0 });
    expect(await store.counters()).toMatchObject({ accepted_collect: 2 });
  });

  it('re-reads pending entries after a crash and applies them once', async () => {
    const prefix = nextPrefix();
    const backend = factory.create(prefix);
    await backend.writer.append(`${prefix}collect`, [collectFields(), collectFields({ collector: 'c-9' })], 1000);
    const crashed = backend.source('reader-1');
    await crashed.open();
    expect(await readAll(crashed)).toHaveLength(2);
    await crashed.close();

    const restarted = backend.source('reader-1');
    expect((await restarted.open()).resumeFromMs).not.toBeNull();
    const pending = await readAll(restarted);
    expect(pending.map((entry) => entry.id)).toHaveLength(2);
    expect(await backend.store('reader-1').commit(commitOf(pending, prefix))).toEqual({ applied: true });

    const again = backend.source('reader-1');
    await again.open();
    expect(await readAll(again)).toHaveLength(0);
  });

  it('never applies entries pending to another reader', async () => {
    const prefix = nextPrefix();
    const backend = factory.create(prefix);
    await backend.writer.append(`${prefix}collect`, [collectFields()], 1000);
    const owner = backend.source('reader-1');
    await owner.open();
    const entries = await readAll(owner);
    const outcome = await backend.store('reader-2').commit(commitOf(entries, prefix));
    expect(outcome.applied).toBe(false);
    expect(await backend.store('reader-2').counters()).toEqual({});
    expect(await backend.store('reader-1').commit(commitOf(entries, prefix))).toEqual({ applied: true });
  });

  it('turns the seconds it read into zeros, leaves the others as gaps, and lists them in the change feed', async () => {
    const prefix = nextPrefix();
    const backend = factory.create(prefix);
    const store = backend.store('reader-1');
    const start = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    const cursor = (await store.changes(null)).cursor;
    const outcome = await store.commit({ ...commitOf([], prefix), coverage: { fromMs: start + 200, toMs: start + 3500 } });
    expect(outcome).toEqual({ applied: true });
    const points = await store.readSeconds([start - 1000, start, start + 1000, start + 3000, start + 4000]);
    expect([...points.keys()]).toEqual([start, start + 1000, start + 3000]);
    expect(points.get(start)).toMatchObject({ events: 0, keys: 0, collectors: 0 });
    const changes = await store.changes(cursor);
    expect(changes.seconds.sort()).toEqual([start, start + 1000, start + 2000, start + 3000]);
    expect((await store.changes(changes.cursor)).seconds).toEqual([]);
  });

  it('keeps distinct counts exact across batches and after the second is compacted', async () => {
    const prefix = nextPrefix();
    const backend = factory.create(prefix);
    const ts = Date.now() - 5000;
    const second = Math.floor(ts / 1000) * 1000;
    const source = backend.source('reader-1');
    await source.open();
    const store = backend.store('reader-1');
    await backend.writer.append(`${prefix}collect`, [collectFields({ ts, collector: 'c-1', subject: 's-1' })], 1000);
    await store.commit(commitOf(await readAll(source), prefix));
    await backend.writer.append(`${prefix}collect`, [
      collectFields({ ts, collector: 'c-1', subject: 's-2' }),
      collectFields({ ts, collector: 'c-2', subject: 's-2' }),
    ], 1000);
    await store.commit(commitOf(await readAll(source), prefix));
    expect((await store.readSeconds([second])).get(second)).toMatchObject({ collectors: 2, subjects: 2, events: 129 });
    await store.commit({ ...commitOf([], prefix), finalBeforeMs: second + 1000 });
    expect((await store.readSeconds([second])).get(second)).toMatchObject({ collectors: 2, subjects: 2, events: 129 });
  });

  it('lists rejected entries as dead letters by field name only', async () => {
    const prefix = nextPrefix();
    const backend = factory.create(prefix);
    await backend.writer.append(`${prefix}collect`, [collectFields({ keys: 'CANARY-not-a-number' })], 1000);
    const source = backend.source('reader-1');
    await source.open();
    const entries = await readAll(source);
    const store = backend.store('reader-1');
    expect(await store.commit(commitOf(entries, prefix))).toEqual({ applied: true });
    const letters = await store.deadLetters(10);
    expect(letters).toEqual([{ stream: `${prefix}collect`, id: entries[0]!.id, reason: 'type', field: 'keys' }]);
    expect(JSON.stringify(letters)).not.toContain('CANARY');
    expect(await store.counters()).toMatchObject({ rejected_type: 1 });
  });

  it('keeps per-minute team and collector figures, and a minute decision that the first writer sets', async () => {
    const prefix = nextPrefix();
    const backend = factory.create(prefix);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const source = backend.source('reader-1');
    await source.open();
    await backend.writer.append(`${prefix}collect`, [
      collectFields({ ts: minute + 1500, team: 'red', collector: 'c-1', subject: 's-1', keys: 5, dropped: 1 }),
      collectFields({ ts: minute + 2500, team: 'red', collector: 'c-2', subject: 's-2', keys: 6 }),
      collectFields({ ts: minute + 2600, team: 'blue', collector: 'c-3', subject: 's-2', keys: 7 }),
    ], 1000);
    const entries = await readAll(source);
    // Classified as on time against their own ts (the arrival check is classify's, tested elsewhere).
    const onTime = entries.map((entry) => ({ ...entry, arrivalMs: minute + 3000 }));
    expect(await backend.store('reader-1').commit(commitOf(onTime, prefix))).toEqual({ applied: true });

    const stored = await backend.minutes.readMinute(minute);
    const red = stored.teams.find((team) => team.team === 'red');
    expect(red).toMatchObject({ counters: { keys: 11, events: 11 + 2 * 33, redacted: 6 }, collectors: 2 });
    expect([...red!.subjects].sort()).toEqual(['s-1', 's-2']);
    expect([...red!.activeSeconds].sort()).toEqual([minute + 1000, minute + 2000]);
    expect(stored.seconds.map((second) => [second.t, [...second.subjects].sort()])).toEqual([
      [minute + 1000, ['s-1']], [minute + 2000, ['s-2']],
    ]);
    const collectors = await backend.minutes.readCollectors(minute);
    expect(collectors.find((row) => row.collector === 'c-1')).toMatchObject({ team: 'red', counters: { keys: 5, dropped: 1 }, lastSeen: minute + 1500 });
    expect(collectors).toHaveLength(3);

    expect(await backend.minutes.getDecision(minute)).toBeNull();
    expect(await backend.minutes.putDecision(minute, 'first')).toBe('first');
    expect(await backend.minutes.putDecision(minute, 'second')).toBe('first');
    expect(await backend.minutes.getDecision(minute)).toBe('first');
  });
});
