/**
 * Fault: 5% of 1,000 clients stop reading. Their unsent data stays bounded (their metric
 * updates are held and merged, not queued), they are disconnected with 1013 once their
 * reading is behind by more than KW_CLIENT_LAG_MS, they resume cleanly (the alerts they
 * missed, exactly), and the others' update delay does not grow.
 *
 * Update delay: a producer writes one entry every 100 ms stamped now; for sampled reading
 * clients, the delay of a write is the time from its XADD until an overview update shows
 * its second's count including it — reader, aggregation, tick and fan-out together.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { OverviewData } from '../../shared/overview.js';
import type { ServerMessage } from '../../shared/protocol.js';
import { bearer, createToken } from '../support/accounts.js';
import { collectFields, securityFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';

const CLIENTS = 1000;
const STOPPED = 50;
const SAMPLED_EVERY = 20;
const BUFFER_BYTES = 64 * 1024;
const LAG_MS = 3000;

let redis: TestRedis;
let producer: TestRedisClient;
let server: KeywatchProcess;
let headers: Record<string, string>;

/** A light client: 1,000 of them share one test process, so only sampled ones parse frames. */
class LoadClient {
  readonly socket: WebSocket;
  closeCode: number | null = null;
  /** Per second: [arrival time, events] of each overview point received (sampled clients only). */
  readonly arrivals = new Map<number, [number, number][]>();
  readonly alertIds: string[] = [];
  lastAlertEventId: string | null = null;

  constructor(origin: string, readonly sampled: boolean) {
    this.socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers });
    this.socket.on('close', (code) => (this.closeCode = code));
    this.socket.on('message', (data) => {
      if (!this.sampled) return;
      const message = JSON.parse(data.toString()) as ServerMessage;
      const now = Date.now();
      if ((message.type === 'update' || message.type === 'snapshot') && message.channel === 'overview') {
        for (const point of (message.data as OverviewData).points) {
          if (!('events' in point)) continue;
          let list = this.arrivals.get(point.t);
          if (!list) this.arrivals.set(point.t, (list = []));
          list.push([now, point.events]);
        }
      }
      if (message.type === 'snapshot' && message.channel === 'alerts') this.lastAlertEventId = message.data.lastEventId;
      if (message.type === 'alert') this.alertIds.push(message.id);
    });
  }

  async open(channels: string[], resume?: Record<string, string>): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.send(JSON.stringify(resume ? { type: 'subscribe', channels, resume } : { type: 'subscribe', channels }));
  }

  /** The client stops reading: nothing more is taken off its socket (the kernel buffers fill, then the server's). */
  stopReading(): void {
    (this.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  /** When an overview update first showed `second` with at least `events`, or null. */
  seenAt(second: number, events: number): number | null {
    return this.arrivals.get(second)?.find(([, count]) => count >= events)?.[0] ?? null;
  }
}

interface Write {
  at: number;
  second: number;
  /** The second's count including this write. */
  events: number;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.origin}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
  server = await KeywatchProcess.start({
    REDIS_URL: redis.url, KW_INSTANCE_ID: 'slow', KW_CLIENT_BUFFER_BYTES: String(BUFFER_BYTES), KW_CLIENT_LAG_MS: String(LAG_MS),
    KW_LATENESS_MS: '2000',
  });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
  headers = bearer(await createToken(redis.url, 'oncall'));
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

it('5% of 1,000 clients stop reading: bounded buffers, 1013, clean resume, the others unaffected', async () => {
  // One alert before anyone connects, so that every alerts snapshot carries a resume point.
  await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'raw_access', actor: 'before', resource: 'raw-store', outcome: 'allowed' })]);
  await waitFor(async () => (await metric('keywatch_ingest_lag_seconds')) >= 0 && (await producer.sendCommand(['XLEN', 'kw:alert-events'])) as number > 0, 10_000);

  const clients: LoadClient[] = [];
  for (let index = 0; index < CLIENTS; index += 100) {
    const batch = Array.from({ length: 100 }, (_, offset) => new LoadClient(server.origin, (index + offset) % SAMPLED_EVERY === 0));
    await Promise.all(batch.map((client) => client.open(['overview', 'alerts'])));
    clients.push(...batch);
  }
  // Every 20th client stops reading; among the readers, every 20th is sampled for delay.
  const stopped = clients.filter((_, index) => index % (CLIENTS / STOPPED) === 1);
  const sampled = clients.filter((client) => client.sampled);
  expect(stopped).toHaveLength(STOPPED);
  await waitFor(async () => (await metric('keywatch_ws_clients{role="oncall"}')) === CLIENTS, 10_000);
  await waitFor(() => sampled.every((client) => client.lastAlertEventId !== null), 10_000);
  const resumeFrom = sampled[0]!.lastAlertEventId!;

  const writes: Write[] = [];
  const perSecond = new Map<number, number>();
  let writing = true;
  const writer = (async () => {
    while (writing) {
      const at = Date.now();
      const second = Math.floor(at / 1000) * 1000;
      const events = (perSecond.get(second) ?? 0) + 1;
      perSecond.set(second, events);
      await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({
        ts: at, keys: 1, clicks: 0, moves: 0, scrolls: 0, corrections: 0, redacted: 0, red_password: 0, red_email: 0,
      })]);
      writes.push({ at, second, events });
      await sleep(100);
    }
  })();

  // Phase A: everyone reads.
  await sleep(6000);
  const phaseA = { from: writes.length > 0 ? writes[0]!.at : 0, to: Date.now() };
  // Phase B: 5% stop reading; an alert fires while they are stopped.
  for (const client of stopped) client.stopReading();
  const stoppedAt = Date.now();
  await sleep(1000);
  await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'raw_access', actor: 'during', resource: 'raw-store', outcome: 'allowed' })]);
  let maxBuffered = 0;
  let maxBehind = 0;
  while (Date.now() - stoppedAt < LAG_MS + 3000) {
    maxBuffered = Math.max(maxBuffered, await metric('keywatch_ws_client_buffered_bytes_max'));
    maxBehind = Math.max(maxBehind, await metric('keywatch_ws_clients_behind'));
    await sleep(250);
  }
  const phaseB = { from: stoppedAt, to: Date.now() };
  writing = false;
  await writer;

  await waitFor(async () => (await metric('keywatch_ws_slow_client_disconnects_total')) >= STOPPED, 10_000);
  expect(await metric('keywatch_ws_slow_client_disconnects_total')).toBe(STOPPED);
  expect(maxBuffered, 'unsent data per client stays under KW_CLIENT_BUFFER_BYTES').toBeLessThanOrEqual(BUFFER_BYTES);
  expect(maxBehind, 'the stopped clients were seen behind').toBeGreaterThanOrEqual(STOPPED);
  // The stopped clients find the 1013 once they read again; nobody else was closed.
  for (const client of stopped) client.resumeReading();
  await waitFor(() => stopped.every((client) => client.closeCode !== null), 40_000);
  expect(new Set(stopped.map((client) => client.closeCode))).toEqual(new Set([1013]));
  expect(clients.filter((client) => !stopped.includes(client) && client.closeCode !== null)).toHaveLength(0);

  // The others' update delay did not grow while 5% were stopped.
  await sleep(1000);
  const delays = (phase: { from: number; to: number }): number[] => {
    const out: number[] = [];
    for (const write of writes.filter((each) => each.at >= phase.from && each.at < phase.to - 1500)) {
      for (const client of sampled) {
        const seen = client.seenAt(write.second, write.events);
        if (seen !== null) out.push(seen - write.at);
      }
    }
    return out;
  };
  const [before, during] = [delays(phaseA), delays(phaseB)];
  const figures = {
    before: { n: before.length, p50: quantile(before, 0.5), p99: quantile(before, 0.99) },
    during: { n: during.length, p50: quantile(during, 0.5), p99: quantile(during, 0.99) },
    maxBufferedBytes: maxBuffered,
  };
  console.log(`slow clients: update delay of the other clients (ms) ${JSON.stringify(figures)}`);
  expect(before.length).toBeGreaterThan(sampled.length * 20);
  expect(during.length).toBeGreaterThan(sampled.length * 20);
  expect(figures.during.p50, 'median delay while 5% are stopped').toBeLessThanOrEqual(figures.before.p50 * 1.5 + 50);
  expect(figures.during.p99, 'p99 delay while 5% are stopped').toBeLessThanOrEqual(figures.before.p99 * 2 + 100);

  // Resuming cleanly: reconnected with their alerts resume point, they get exactly the events they missed.
  // Every alert frame a reading client got came after the snapshot that gave it `resumeFrom`.
  const missed = sampled[0]!.alertIds;
  expect(missed.length).toBeGreaterThan(0);
  const back = Array.from({ length: 5 }, () => new LoadClient(server.origin, true));
  await Promise.all(back.map((client) => client.open(['overview', 'alerts'], { alerts: resumeFrom })));
  await waitFor(() => back.every((client) => client.alertIds.length >= missed.length), 10_000);
  await sleep(500);
  for (const client of back) {
    expect(client.alertIds.slice(0, missed.length)).toEqual(missed);
    expect(client.closeCode).toBeNull();
  }
  for (const client of [...clients, ...back]) client.socket.terminate();
}, 120_000);
