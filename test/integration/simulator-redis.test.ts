/**
 * The simulator against a real redis-server that this test starts on a free port (never
 * the shared one on 6379): entries land in the streams through `RedisStreamWriter`, the
 * producer trim holds the stream near `maxLength`, and `keywatch simulate` runs end to end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCollectEntry } from '../../shared/contract/index.js';
import { RedisStreamWriter } from '../../server/ingest/redis-stream-writer.js';
import { simulateCommand } from '../../server/simulate/command.js';
import { Simulator } from '../../server/simulate/simulator.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('simulator → Redis', () => {
  let redis: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redis = child;
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    for (let attempt = 0; ; attempt++) {
      if (spawnError) throw new Error(`could not start redis-server (install it, e.g. apt-get install redis-server): ${spawnError.message}`);
      const probe = createClient({ url, socket: { reconnectStrategy: false } });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        await probe.close();
        return;
      } catch (error) {
        if (attempt > 50) throw error;
        await sleep(100);
      }
    }
  });

  afterAll(async () => {
    if (redis && redis.exitCode === null) {
      redis.kill('SIGTERM');
      await once(redis, 'exit');
    }
  });

  it('writes contract entries through RedisStreamWriter and keeps the stream near maxLength', async () => {
    const redisClient = createClient({ url });
    redisClient.on('error', () => {});
    await redisClient.connect();
    try {
      const writer = new RedisStreamWriter(redisClient);
      const simulator = new Simulator(writer, {
        collectors: 50, rate: 4000, anomalies: false, clock: '10:30', seed: 3, prefix: 'it:', maxLength: 1000, tickMs: 100,
      });
      const stats = await simulator.run(new AbortController().signal, 2000);
      expect(stats.collectEntries).toBeGreaterThan(4000);

      // `MAXLEN ~` trims whole macro nodes (100 entries by default): about maxLength, never far above.
      const length = Number(await redisClient.sendCommand(['XLEN', 'it:collect']));
      expect(length).toBeGreaterThanOrEqual(1000);
      expect(length).toBeLessThanOrEqual(1100);

      const latest = (await redisClient.sendCommand(['XREVRANGE', 'it:collect', '+', '-', 'COUNT', '200'])) as [string, string[]][];
      const parsed = latest.map(([, fields]) => parseCollectEntry(fields));
      expect(parsed.filter((result) => result.ok).length).toBeGreaterThan(190);
      // Event time follows arrival (the id's time part) closely, apart from the rare late entry.
      const close = latest.filter(([id], index) => {
        const result = parsed[index];
        return result?.ok === true && Math.abs(Number(id.split('-')[0]) - result.entry.ts) < 2000;
      });
      expect(close.length).toBeGreaterThan(190);
    } finally {
      await redisClient.close();
    }
  });

  it('keeps a duplicated field name, as a malformed producer would send it', async () => {
    const redisClient = createClient({ url });
    redisClient.on('error', () => {});
    await redisClient.connect();
    try {
      const ids = await new RedisStreamWriter(redisClient).append('it:dup', [['v', '1', 'keys', '1', 'keys', '2'], ['v', '1']], 10);
      expect(ids).toHaveLength(2);
      const [first, second] = ids.map((id) => id.split('-').map(Number) as [number, number]);
      expect(second![0] > first![0] || (second![0] === first![0] && second![1] > first![1])).toBe(true);
      const entries = (await redisClient.sendCommand(['XRANGE', 'it:dup', '-', '+'])) as [string, string[]][];
      expect(entries.map(([, fields]) => fields)).toEqual([['v', '1', 'keys', '1', 'keys', '2'], ['v', '1']]);
    } finally {
      await redisClient.close();
    }
  });

  it('runs `keywatch simulate` end to end and stops cleanly on abort with a summary', async () => {
    const out = capture();
    const err = capture();
    const controller = new AbortController();
    const running = simulateCommand(
      ['--collectors', '10', '--maxlen', '500', '--anomalies'],
      { REDIS_URL: url, KW_STREAM_PREFIX: 'cmd:' }, out.stream, controller.signal, err.stream,
    );
    await sleep(1500);
    controller.abort();
    expect(await running).toBe(0);
    expect(err.text()).toBe('');
    expect(out.text()).toMatch(/writing to cmd:collect and cmd:security/);
    expect(out.text()).toMatch(/stopped after [0-9.]+ s: collect [1-9][0-9]* \(/);

    const redisClient = createClient({ url });
    redisClient.on('error', () => {});
    await redisClient.connect();
    try {
      expect(Number(await redisClient.sendCommand(['XLEN', 'cmd:collect']))).toBeGreaterThan(0);
    } finally {
      await redisClient.close();
    }

    const timed = capture();
    expect(await simulateCommand(['--duration', '0.5', '--collectors', '5'], { REDIS_URL: url }, timed.stream, new AbortController().signal, err.stream))
      .toBe(0);
    expect(timed.text()).toMatch(/stopped after/);
  });
});
