/**
 * Fault tests with real redis-server processes and a TCP proxy: a network black hole
 * during a blocking read, and a graceful shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createToken } from '../support/accounts.js';
import { collectFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { RecordingClient } from '../support/ws-client.js';

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

const accepted = async (): Promise<number> => Number((await producer.hGet('kw:ingest', 'accepted_collect')) ?? 0);

describe('faults', () => {
  it('resumes reading within the watchdog bound after the network to Redis black-holes during a blocking read', async () => {
    const proxy = await TcpProxy.start(redis.port);
    const server = await KeywatchProcess.start({ REDIS_URL: proxy.url, KW_INSTANCE_ID: 'blackhole', KW_LATENESS_MS: '60000' });
    try {
      await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
      await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields()]);
      await waitFor(async () => (await accepted()) === 1, 10_000, () => 'first entry');
      proxy.blackhole();
      // Written straight into Redis while Keywatch's connection hangs.
      for (let index = 0; index < 5; index++) await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields()]);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await accepted()).toBe(1);
      const restoredAt = Date.now();
      proxy.restore();
      // BLOCK 1000 ms + the 3000 ms watchdog margin + a reconnect with backoff.
      await waitFor(async () => (await accepted()) === 6, 10_000, () => `entries after the black hole: ${server.output.slice(-800)}`);
      expect(Date.now() - restoredAt).toBeLessThan(8000);
    } finally {
      await server.stop();
      await proxy.stop();
    }
  });

  it('on SIGTERM closes sockets with 1001, leaves nothing applied unacknowledged, and exits within the bound', async () => {
    const server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_INSTANCE_ID: 'graceful' });
    await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
    const client = await RecordingClient.connect(server.origin, ['overview'], bearer(await createToken(redis.url, 'oncall')));
    const before = await accepted();
    for (let index = 0; index < 20; index++) await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields()]);
    await waitFor(async () => (await accepted()) === before + 20, 10_000);
    const stoppedAt = Date.now();
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await waitFor(() => client.closeCode !== null, 2000);
    expect(client.closeCode).toBe(1001);
    const pending = (await producer.sendCommand(['XPENDING', 'kw:collect', 'keywatch'])) as [number];
    expect(pending[0]).toBe(0);
  });

  it('rides out Redis killed and restarted with AOF: reading resumes, totals are exact, readyz and status follow', async () => {
    const durable = await TestRedis.start({ appendOnly: true });
    const writer = await durable.client();
    const server = await KeywatchProcess.start({ REDIS_URL: durable.url, KW_INSTANCE_ID: 'aof', KW_LATENESS_MS: '60000', KW_TICK_MS: '100' });
    try {
      await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
      const client = await RecordingClient.connect(server.origin, ['overview'], bearer(await createToken(durable.url, 'oncall')));
      let written = 0;
      let keys = 0;
      const write = async (count: number): Promise<void> => {
        for (let index = 0; index < count; index++) {
          await writer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({ keys: 3 })]);
          written += 1;
          keys += 3;
        }
      };
      await write(30);
      const counted = async (): Promise<number> => Number((await writer.hGet('kw:ingest', 'accepted_collect')) ?? 0);
      await waitFor(async () => (await counted()) === written, 10_000);
      await durable.kill();
      await waitFor(async () => (await fetch(`${server.origin}/readyz`)).status === 503, 5000, () => 'readyz 503 while Redis is down');
      await waitFor(() => client.messages.some((message) => message.type === 'status' && message.source === 'down'), 5000, () => 'status down');
      await durable.restart();
      await write(30);
      await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 15_000, () => 'readyz 200 again');
      await waitFor(async () => (await counted()) === written, 15_000, () => `exact total after restart (${written})`);
      const lastStatus = (): unknown => client.messages.filter((message) => message.type === 'status').at(-1);
      await waitFor(() => (lastStatus() as { source?: string } | undefined)?.source === 'up', 5000, () => 'status up again');
      // Every key counted once: the per-second sums over the stored seconds equal what was written.
      let storedKeys = 0;
      for (const key of (await writer.keys('kw:ov:s:*')) as string[]) storedKeys += Number((await writer.hGet(key, 'keys')) ?? 0);
      expect(storedKeys).toBe(keys);
      client.close();
    } finally {
      await server.stop();
      writer.destroy();
      await durable.stop();
    }
  });
});
