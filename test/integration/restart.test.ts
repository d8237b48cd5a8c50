/**
 * A server killed mid-stream (SIGKILL) and kept down for longer than the allowed lateness
 * neither loses nor double-counts an entry, and still serves the history from before.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isFullPoint, secondOf } from '../../shared/overview.js';
import { collectFields } from '../support/entries.js';
import { bearer, createToken } from '../support/accounts.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

const LATENESS_MS = 1500;

let redis: TestRedis;
let producer: TestRedisClient;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
});

afterAll(async () => {
  producer?.destroy();
  await redis?.stop();
});

/** Writes `batches` batches of entries, one batch every 50 ms; returns the keys per second written. */
async function produce(batches: number, expected: Map<number, number>): Promise<void> {
  for (let batch = 0; batch < batches; batch++) {
    const ts = Date.now();
    const writes: Promise<unknown>[] = [];
    for (let index = 0; index < 20; index++) {
      const keys = 1 + ((batch * 20 + index) % 13);
      expected.set(secondOf(ts), (expected.get(secondOf(ts)) ?? 0) + keys);
      writes.push(producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({ ts, keys, collector: `c-${index}`, redacted: 0, red_password: 0, red_email: 0, corrections: 0 })]));
    }
    await Promise.all(writes);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('loses and doubles nothing across a SIGKILL and a stop longer than the lateness, and keeps its history', async () => {
  const env = { REDIS_URL: redis.url, KW_LATENESS_MS: String(LATENESS_MS), KW_TICK_MS: '100', KW_INSTANCE_ID: 'restart-test' };
  const server = await KeywatchProcess.start(env);
  const admin = bearer(await createToken(redis.url, 'admin'));
  const expected = new Map<number, number>();
  const producing = produce(40, expected);
  await new Promise((resolve) => setTimeout(resolve, 700));
  const before = await RecordingClient.connect(server.origin, ['overview'], admin);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await server.stop('SIGKILL')).toBe(null);
  // Down for longer than the allowed lateness while the producer keeps writing.
  await producing;
  await produce(30, expected);
  await new Promise((resolve) => setTimeout(resolve, LATENESS_MS + 1000));
  const seenBefore = new Map([...before.points].filter(([, point]) => isFullPoint(point) && point.keys > 0));
  expect(seenBefore.size).toBeGreaterThan(0);

  await server.restart();
  const after = await RecordingClient.connect(server.origin, ['overview'], admin);
  const keysAt = (t: number): number | undefined => {
    const point = after.points.get(t);
    return point && isFullPoint(point) ? point.keys : undefined;
  };
  await waitFor(
    () => [...expected].every(([t, keys]) => keysAt(t) === keys),
    15_000,
    () => JSON.stringify([...expected].map(([t, keys]) => [t, keysAt(t), keys, after.points.get(t)])),
  );
  const total = [...expected.values()].reduce((sum, keys) => sum + keys, 0);
  const served = [...after.points.values()].reduce((sum, point) => sum + (isFullPoint(point) ? point.keys : 0), 0);
  expect(served).toBe(total);
  // Seconds seen before the kill are served again, and at least as complete.
  for (const [t, point] of seenBefore) expect(keysAt(t)).toBeGreaterThanOrEqual(isFullPoint(point) ? point.keys : 0);
  const counters = (await producer.hGetAll('kw:ingest')) as Record<string, string>;
  expect(counters.accepted_collect).toBe(String(70 * 20));
  expect(counters.late ?? '0').toBe('0');
  after.close();
  await server.stop();
});
