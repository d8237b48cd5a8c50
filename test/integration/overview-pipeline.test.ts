/**
 * From Redis to the WebSocket, black-box: entries written with a plain Redis client
 * (good, late, skewed, malformed, with unknown fields) reach a WebSocket client as
 * overview points whose sums match exactly; rejects are counted and dead-lettered;
 * no value of an unknown field appears in any frame, log line or key the server writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFullPoint, secondOf, type OverviewFullPoint } from '../../shared/overview.js';
import { collectFields, securityFields } from '../support/entries.js';
import { bearer, createToken } from '../support/accounts.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { dumpKeywatchKeys } from '../support/redis-dump.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

const CANARY = 'CANARY7f3e';
// Wide enough that the first good entries (1.2 s old) stay in time on a loaded machine.
const LATENESS_MS = 5000;

let redis: TestRedis;
let server: KeywatchProcess;
let producer: TestRedisClient;
let admin: Record<string, string>;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
  server = await KeywatchProcess.start({
    REDIS_URL: redis.url, KW_LATENESS_MS: String(LATENESS_MS), KW_TICK_MS: '100', KW_LOG_LEVEL: 'debug',
  });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000, () => 'readyz 200');
  admin = bearer(await createToken(redis.url, 'admin'));
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

async function xadd(stream: string, fields: string[]): Promise<string> {
  return (await producer.sendCommand(['XADD', `kw:${stream}`, '*', ...fields])) as string;
}

describe('overview pipeline (Redis mode)', () => {
  it('delivers exact per-second sums, counts and dead-letters bad entries, and leaks no unknown value', async () => {
    const client = await RecordingClient.connect(server.origin, ['overview'], admin);
    const expected = new Map<number, { entries: number; events: number; keys: number; collectors: Set<string>; subjects: Set<string> }>();
    const good = (ts: number, collector: string, subject: string, keys: number, extra: Record<string, string> = {}): string[] => {
      const second = secondOf(ts);
      const sums = expected.get(second) ?? { entries: 0, events: 0, keys: 0, collectors: new Set(), subjects: new Set() };
      sums.entries += 1;
      sums.events += keys + 2 + 30 + 1; // keys + the fixed clicks, moves and scrolls of collectFields
      sums.keys += keys;
      sums.collectors.add(collector);
      sums.subjects.add(subject);
      expected.set(second, sums);
      return collectFields({ ts, collector, subject, keys, ...extra });
    };

    const now = Date.now();
    for (let index = 0; index < 30; index++) {
      await xadd('collect', good(now - 1200 + index * 40, `c-${index % 7}`, `s-${index % 5}`, 10 + index));
    }
    // Accepted entries that carry unknown fields: counted, the unknown values dropped.
    await xadd('collect', good(Date.now(), 'c-1', 's-1', 11, { text: `${CANARY}-typed-secret` }));
    await xadd('collect', good(Date.now(), 'c-2', 's-2', 12, { zz_note: `${CANARY}-note`, [`Field${CANARY}`]: 'x' }));
    // Late and skewed: acknowledged and counted, in no point.
    await xadd('collect', collectFields({ ts: Date.now() - LATENESS_MS - 5000, keys: 999 }));
    await xadd('collect', collectFields({ ts: Date.now() + 8000, keys: 999 }));
    // Malformed, one per reason.
    const malformed: [string[], string, string][] = [
      [collectFields({ keys: `${CANARY}-nan` }), 'type', 'keys'],
      [collectFields({ collector: `${CANARY} bad id!` }), 'id', 'collector'],
      [collectFields({ redacted: 500 }), 'sum', 'redacted'],
      [[...collectFields(), 'keys', '3'], 'duplicate_field', 'keys'],
      [collectFields({ subject: undefined }), 'missing', 'subject'],
      [collectFields({ v: 2 }), 'version', 'v'],
      [collectFields({ dur: 0 }), 'range', 'dur'],
    ];
    const malformedIds: string[] = [];
    for (const [fields] of malformed) malformedIds.push(await xadd('collect', fields));
    await xadd('security', securityFields());

    const expectedSeconds = [...expected.keys()];
    const received = (t: number): OverviewFullPoint | undefined => {
      const point = client.points.get(t);
      return point && isFullPoint(point) ? point : undefined;
    };
    await waitFor(
      () => expectedSeconds.every((t) => received(t)?.events === expected.get(t)!.events),
      10_000,
      () => `points ${JSON.stringify(expectedSeconds.map((t) => [t, received(t)?.events, expected.get(t)!.events]))}`,
    );
    for (const [t, sums] of expected) {
      expect(received(t)).toMatchObject({
        events: sums.events, keys: sums.keys, clicks: sums.entries * 2, moves: sums.entries * 30, redacted: sums.entries * 3,
        collectors: sums.collectors.size, subjects: sums.subjects.size,
      });
    }

    // The last entries may commit a batch after the points' (the feed can tick in between).
    await waitFor(async () => (await producer.hGet('kw:ingest', 'rejected_range')) === '1' && (await producer.hGet('kw:ingest', 'accepted_security')) === '1', 10_000);
    const counters = (await producer.hGetAll('kw:ingest')) as Record<string, string>;
    expect(counters).toMatchObject({
      accepted_collect: '32', accepted_security: '1', late: '1', skewed: '1',
      rejected_type: '1', rejected_id: '1', rejected_sum: '1', rejected_duplicate_field: '1',
      rejected_missing: '1', rejected_version: '1', rejected_range: '1',
    });
    const dlq = (await producer.sendCommand(['XRANGE', 'kw:dlq', '-', '+'])) as [string, string[]][];
    expect(dlq.map(([, fields]) => fields)).toEqual(
      malformed.map(([, reason, field], index) => ['stream', 'kw:collect', 'id', malformedIds[index], 'reason', reason, 'field', field]),
    );

    // Nothing the server wrote or said holds a canary: frames, logs, keys and values in Redis.
    const written = [await dumpKeywatchKeys(producer)];
    expect(written.join('\n')).not.toContain('unexpected type');
    for (const [where, text] of [['frames', client.frames.join('\n')], ['logs', server.output], ['redis', written.join('\n')]] as const) {
      expect(text.length, where).toBeGreaterThan(0);
      expect(text, `a canary leaked into ${where}`).not.toContain(CANARY);
    }
    // The raw-looking field is reported by its name, the hashed one by its safe name.
    expect(server.output).toMatch(/"field":"text".*raw-looking field in stream/);
    client.close();
  });

  it('sends a snapshot of at least 15 minutes with a point for every second, gaps before reading began', async () => {
    const client = await RecordingClient.connect(server.origin, ['overview'], admin);
    await waitFor(() => client.messages.some((message) => message.type === 'snapshot'), 5000);
    const snapshot = client.messages.find((message) => message.type === 'snapshot' && message.channel === 'overview');
    if (snapshot?.type !== 'snapshot' || snapshot.channel !== 'overview') throw new Error('no overview snapshot');
    const points = snapshot.data.points;
    expect(points.length).toBeGreaterThanOrEqual(900);
    for (let index = 1; index < points.length; index++) expect(points[index]!.t - points[index - 1]!.t).toBe(1000);
    expect(points[0]).toEqual({ t: points[0]!.t, gap: true });
    expect(points.filter((point) => isFullPoint(point)).length).toBeGreaterThan(0);
    client.close();
  });

  it('answers hostile client frames with errors and keeps serving', async () => {
    const client = await RecordingClient.connect(server.origin, [], admin);
    client.send('not json');
    client.send({ type: 'subscribe', channels: ['overview'], extra: CANARY });
    client.send({ type: 'subscribe', channels: ['no-such-channel'] });
    client.send({ type: 'subscribe', channels: ['overview'] });
    await waitFor(() => client.messages.some((message) => message.type === 'snapshot'), 5000);
    const errors = client.messages.filter((message) => message.type === 'error');
    expect(errors.map((error) => error.type === 'error' && error.code)).toEqual(['bad_request', 'bad_request', 'unknown_channel']);
    // A frame over 64 KiB closes the socket with 1009.
    client.send({ type: 'subscribe', channels: ['x'.repeat(70 * 1024)] });
    await waitFor(() => client.closeCode !== null, 5000);
    expect(client.closeCode).toBe(1009);
  });

  it('shows the pipeline: rates, backlog, rejects by reason, dead letters, clients and instances', async () => {
    const client = await RecordingClient.connect(server.origin, ['pipeline'], admin);
    await waitFor(() => client.messages.some((message) => message.type === 'snapshot' && message.channel === 'pipeline'), 5000);
    const snapshot = client.messages.find((message) => message.type === 'snapshot' && message.channel === 'pipeline');
    if (snapshot?.type !== 'snapshot' || snapshot.channel !== 'pipeline') throw new Error('no pipeline snapshot');
    const data = snapshot.data;
    expect(data.source.state).toBe('up');
    expect(data.streams.map((stream) => stream.stream)).toEqual(['collect', 'security']);
    expect(data.streams[0]).toMatchObject({ backlog: 0, pending: 0 });
    expect(data.counters).toMatchObject({ rejected_type: 1, rejected_sum: 1, late: 1, skewed: 1 });
    expect(data.recentDeadLetters.map((letter) => letter.reason).sort()).toEqual(['duplicate_field', 'id', 'missing', 'range', 'sum', 'type', 'version']);
    expect(data.clients.admin).toBeGreaterThanOrEqual(1);
    expect(data.instances.map((instance) => instance.id)).toEqual(['keywatch-1']);
    await waitFor(() => client.messages.some((message) => message.type === 'update' && message.channel === 'pipeline'), 3000, () => 'a pipeline update each second');
    client.close();
  });

  it('bounds every key it writes: by age (TTL) or, for the few fixed keys, by length', async () => {
    const unbounded: string[] = [];
    for (const key of (await producer.keys('*')) as string[]) {
      if (key === 'kw:collect' || key === 'kw:security') continue; // trimmed by their producers
      if ((await producer.ttl(key)) > 0) continue;
      unbounded.push(key);
    }
    // kw:dlq and kw:ov:changes are capped with MAXLEN, kw:ingest has one field per counter,
    // kw:ov:open holds only the seconds whose distinct sets are not compacted yet, kw:audit is
    // trimmed by age (MINID) with its head and anchor beside it, and the account keys grow
    // only with what an administrator creates (tokens made without --ttl never expire).
    const accountKeys = unbounded.filter((key) => /^kw:(users|tokens|token:[0-9a-f]{64})$/.test(key));
    // kw:alerts:state holds the open alerts and the newest 1000 resolved; kw:alert-events is capped with MAXLEN.
    // kw:epoch is one short string.
    const lengthBounded = ['kw:alert-events', 'kw:alerts:state', 'kw:audit', 'kw:audit:anchor', 'kw:audit:head', 'kw:dlq', 'kw:epoch', 'kw:ingest', 'kw:instances', 'kw:ov:changes', 'kw:ov:open'];
    expect(unbounded.filter((key) => !accountKeys.includes(key) && !lengthBounded.includes(key))).toEqual([]);
    expect(unbounded).toEqual(expect.arrayContaining(['kw:dlq', 'kw:ingest', 'kw:ov:changes', 'kw:ov:open']));
    expect(await producer.hLen('kw:ingest')).toBeLessThan(30);
  });

  it('recreates its consumer group when Redis comes back empty, and counts what is written afterwards', async () => {
    await producer.flushAll();
    admin = bearer(await createToken(redis.url, 'admin'));
    const ts = Date.now();
    await xadd('collect', collectFields({ ts, keys: 77 }));
    await waitFor(async () => (await producer.hGet('kw:ingest', 'accepted_collect')) === '1', 10_000, () => 'entry after FLUSHALL counted');
    expect(await producer.hGet(`kw:ov:s:${secondOf(ts)}`, 'keys')).toBe('77');
  });

  it('refuses a WebSocket from a foreign origin with 403', async () => {
    await expect(RecordingClient.connect(server.origin, [], { ...admin, Origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });
});
