/**
 * `/metrics`: behind KW_METRICS_TOKEN when set, Prometheus text with Keywatch's own
 * `keywatch_*` figures that `promtool check metrics` finds no problem in.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from 'redis';
import { collectFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis } from '../support/redis-server.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

let redis: TestRedis;
let server: KeywatchProcess;

beforeAll(async () => {
  redis = await TestRedis.start();
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_METRICS_TOKEN: TOKEN });
});

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${server.origin}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

it('refuses a scrape without the token', async () => {
  expect((await fetch(`${server.origin}/metrics`)).status).toBe(401);
  expect((await fetch(`${server.origin}/metrics`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
});

it('counts ingest by outcome and reason, and passes promtool', async () => {
  const producer = createClient({ url: redis.url });
  await producer.connect();
  await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields()]);
  await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({ keys: 'x' })]);
  producer.destroy();
  await waitFor(async () => (await scrape()).includes('keywatch_ingest_rejects_total{reason="type"} 1'), 10_000, () => 'rejects counted');
  const text = await scrape();
  expect(text).toContain('keywatch_ingest_entries_total{stream="collect",outcome="accepted"} 1');
  expect(text).toContain('keywatch_source_up 1');
  expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  const own = text.split('\n').filter((line) => /^(# (HELP|TYPE) )?keywatch_/.test(line)).join('\n') + '\n';
  const check = spawnSync('promtool', ['check', 'metrics'], { input: own, encoding: 'utf8' });
  expect(check.error, 'promtool is needed: apt-get install -y prometheus').toBeUndefined();
  expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
  expect(check.status).toBe(0);
});
