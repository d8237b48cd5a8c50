/**
 * k-anonymity of the overview for managers, end to end: a second with fewer than
 * KW_K_ANON distinct subjects reaches a manager only as `suppressed`, a manager only ever
 * gets final seconds (never one that late data could still correct), and other roles
 * see every figure.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isFullPoint, secondOf } from '../../shared/points.js';
import type { OverviewPoint } from '../../shared/overview.js';
import { bearer, createToken } from '../support/accounts.js';
import { collectFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

const K = 3;
const LATENESS_MS = 1000;

let redis: TestRedis;
let server: KeywatchProcess;
let producer: TestRedisClient;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_K_ANON: String(K), KW_LATENESS_MS: String(LATENESS_MS), KW_TICK_MS: '100' });
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

it('suppresses small seconds for managers, sends them only final seconds, and shows others everything', async () => {
  const manager = await RecordingClient.connect(server.origin, ['overview'], bearer(await createToken(redis.url, 'manager')));
  const admin = await RecordingClient.connect(server.origin, ['overview'], bearer(await createToken(redis.url, 'admin')));
  // Entries of `small` arrive while it still takes them (until small + 1000 + lateness, by
  // their XADD time): start early in a second, so that the six XADDs cannot cross that line.
  await new Promise((resolve) => setTimeout(resolve, (1000 - (Date.now() % 1000) + 50) % 1000));
  const small = secondOf(Date.now()) - 1000;
  const large = small + 1000;
  for (const subject of ['s-1', 's-2']) await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({ ts: small + 100, subject, collector: `c-${subject}` })]);
  for (const subject of ['s-1', 's-2', 's-3', 's-4']) await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({ ts: large + 100, subject, collector: `c-${subject}` })]);

  await waitFor(() => manager.points.has(large), 10_000, () => 'the manager receives the large second once final');
  expect(manager.points.get(small)).toEqual({ t: small, suppressed: true });
  expect(manager.points.get(large)).toMatchObject({ t: large, subjects: 4, events: 4 * 43 });
  await waitFor(() => admin.points.has(large) && isFullPoint(admin.points.get(large)!), 5000);
  expect(admin.points.get(small)).toMatchObject({ subjects: 2, events: 2 * 43 });

  // Every second a manager got was final when it arrived, and none was ever sent twice differently.
  const seen = new Map<number, string>();
  manager.messages.forEach((message, index) => {
    if ((message.type !== 'snapshot' && message.type !== 'update') || message.channel !== 'overview') return;
    for (const point of message.data.points as OverviewPoint[]) {
      if ('gap' in point) continue;
      expect(point.t + 1000 + LATENESS_MS, `second ${point.t} sent before it was final`).toBeLessThanOrEqual(manager.receivedAt[index]!);
      const text = JSON.stringify(point);
      expect(seen.get(point.t) ?? text, `second ${point.t} corrected`).toBe(text);
      seen.set(point.t, text);
    }
  });
  for (const point of manager.points.values()) if (isFullPoint(point)) expect(point.subjects).toBeGreaterThanOrEqual(K);
  manager.close();
  admin.close();
});
