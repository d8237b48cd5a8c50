/**
 * A poison entry — one the store refuses every time (here: its second's key was
 * corrupted to a string) — ends in kw:dlq with reason `delivery_limit` after a bounded
 * number of attempts, and the entries around it are read and counted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { secondOf } from '../../shared/points.js';
import { collectFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';

let redis: TestRedis;
let server: KeywatchProcess;
let producer: TestRedisClient;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_LATENESS_MS: '5000' });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

it('dead-letters the entry that always fails and counts the ones around it', async () => {
  const poisoned = secondOf(Date.now()) - 2000;
  await producer.set(`kw:ov:s:${poisoned}`, 'corrupted: not a hash');
  const ids: string[] = [];
  for (const ts of [poisoned - 1000, poisoned + 100, poisoned + 1000, poisoned - 1000]) {
    ids.push((await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({ ts, keys: 9 })])) as string);
  }
  // The end state (the good entries and the dead letter), not a step on the way to it.
  const settled = async () => (await producer.hGet('kw:ingest', 'accepted_collect')) === '3' && (await producer.hGet('kw:ingest', 'rejected_delivery_limit')) === '1';
  await waitFor(settled, 10_000, () => `the good entries counted: ${server.output.split("\n").filter((line) => !line.includes("request")).slice(-8).join("\n")}`);
  const dlq = (await producer.sendCommand(['XRANGE', 'kw:dlq', '-', '+'])) as [string, string[]][];
  expect(dlq.map(([, fields]) => fields)).toEqual([['stream', 'kw:collect', 'id', ids[1], 'reason', 'delivery_limit', 'field', '']]);
  expect(await producer.hGet('kw:ingest', 'rejected_delivery_limit')).toBe('1');
  expect(await producer.hGet(`kw:ov:s:${poisoned + 1000}`, 'keys')).toBe('9');
  expect(await producer.hGet(`kw:ov:s:${poisoned - 1000}`, 'keys')).toBe('18');
  // Nothing is left pending: the reader moved on.
  const pending = (await producer.sendCommand(['XPENDING', 'kw:collect', 'keywatch'])) as [number];
  expect(pending[0]).toBe(0);
  expect(server.output).toContain('dead-lettered');
  expect((await fetch(`${server.origin}/readyz`)).status).toBe(200);
});
