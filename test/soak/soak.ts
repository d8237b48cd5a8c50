/**
 * The bounded soak: its own redis-server and the built Keywatch server, a steady load
 * for a fixed time with steady and churning WebSocket clients, the server sampled from
 * outside every few seconds, and the judgments at the end (see verdicts.ts). Run by
 * `npm run soak` (test/soak/run.mjs, 10 minutes) and by the integration suite
 * (test/integration/soak.test.ts, 2 minutes): one implementation for both.
 *
 * Timeline: warm-up (the first fifth: everything runs, nothing is judged) → churn paused
 * for a quiet baseline of handles → load with churn → churn stopped for the quiet end
 * figures (same clients and load as the baseline) → producer stopped, backlog drained,
 * totals compared with what was written.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createToken, bearer, createUser, signIn } from '../support/accounts.js';
import { KeywatchProcess } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { ClientFleet, type FleetTotals } from './client-fleet.js';
import { HeapInspector, INSPECT_NODE_OPTIONS, inspectorUrl, type LiveHeapReading } from './heap-inspector.js';
import { backlogEntries, ServerSampler, STREAMS, type Sample, type SamplePhase } from './server-sampler.js';
import { SteadyLoad, type LoadTotals } from './steady-load.js';
import { judge, summarise, type SoakFigures, type Verdict } from './verdicts.js';

/** What to run; `SOAK_DEFAULTS` fills what is not given. */
export interface SoakOptions {
  /** Minutes of load (warm-up included). */
  minutes: number;
  /** `kw:collect` entries per second. */
  collectPerSecond: number;
  /** Routine `kw:security` events per second. */
  securityPerSecond: number;
  steadyClients: number;
  churnClients: number;
  /** How often the server is sampled, ms. */
  sampleEveryMs: number;
  /** How often, after warm-up, the live heap is read (after a full GC), ms. */
  liveHeapEveryMs: number;
  /** How long the backlog may take to reach zero once the producer stops, ms. */
  drainBoundMs: number;
  /** Progress lines (the CLI prints them; the test may too). */
  log: (line: string) => void;
  /** Ends the load early (Ctrl-C); the run still drains, judges and cleans up. */
  signal?: AbortSignal;
}

export const SOAK_DEFAULTS: Omit<SoakOptions, 'log' | 'signal'> = {
  minutes: 10,
  collectPerSecond: 500,
  securityPerSecond: 2,
  steadyClients: 3,
  churnClients: 4,
  sampleEveryMs: 2_000,
  liveHeapEveryMs: 10_000,
  drainBoundMs: 10_000,
};

/** Everything a soak measured and decided. */
export interface SoakResult {
  options: Omit<SoakOptions, 'log' | 'signal'>;
  samples: Sample[];
  /** The server's heap after a full GC, read now and then after warm-up. */
  liveHeap: LiveHeapReading[];
  load: LoadTotals;
  fleet: FleetTotals;
  /** The server's `kw:ingest` counters at the end. */
  ingestCounters: Record<string, number>;
  /** Time from the producer's stop to an empty backlog on both streams, ms; null if it never emptied. */
  drainMs: number | null;
  /** Scrapes that failed (the server not answering). */
  sampleErrors: string[];
  figures: SoakFigures;
  verdicts: Verdict[];
  /** Whether every verdict passed. */
  passed: boolean;
  /** The end of the server's log, for a failed run. */
  serverLogTail: string;
}

/** Pause of the churn before a quiet measurement, so closing sockets have gone. */
const SETTLE_MS = 3_000;
const QUIET_SAMPLES = 3;
const SOAK_PASSWORD = 'soak-password-0123456789';

/** Runs one soak; resolves with the figures and verdicts (it does not throw on a failed judgment). */
export async function runSoak(given: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const { log = () => {}, signal, ...rest } = given;
  const options = { ...SOAK_DEFAULTS, ...rest };
  const loadMs = options.minutes * 60_000;
  const warmupMs = loadMs / 5;

  const redis = await TestRedis.start();
  let server: KeywatchProcess | undefined;
  let fleet: ClientFleet | undefined;
  let load: SteadyLoad | undefined;
  let samplingTimer: NodeJS.Timeout | undefined;
  let liveHeapTimer: NodeJS.Timeout | undefined;
  let inspector: HeapInspector | undefined;
  const clients: TestRedisClient[] = [];
  try {
    const producerRedis = await redis.client();
    clients.push(producerRedis);
    const samplerRedis = await redis.client();
    clients.push(samplerRedis);
    log(`redis-server on port ${redis.port}; creating credentials`);
    const steadyToken = await createToken(redis.url, 'oncall');
    const churnToken = await createToken(redis.url, 'security');
    await createUser(redis.url, 'soak-admin', 'admin', SOAK_PASSWORD);
    server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_LOG_LEVEL: 'warn', NODE_OPTIONS: INSPECT_NODE_OPTIONS });
    const inspectorAt = inspectorUrl(server.output);
    if (inspectorAt === null) throw new Error(`the server opened no inspector (NODE_OPTIONS=${INSPECT_NODE_OPTIONS}):\n${server.output.slice(-2_000)}`);
    inspector = await HeapInspector.connect(inspectorAt);
    const sessionCookie = await signIn(server.origin, 'soak-admin', SOAK_PASSWORD);
    log(`keywatch serving at ${server.origin}`);

    const sampler = new ServerSampler({ origin: server.origin, redis: samplerRedis });
    const samples: Sample[] = [];
    const sampleErrors: string[] = [];
    const take = async (phase: SamplePhase): Promise<Sample | null> => {
      try {
        const sample = await sampler.sample(phase);
        samples.push(sample);
        return sample;
      } catch (error) {
        sampleErrors.push(`${new Date().toISOString()} ${(error as Error).message}`);
        return null;
      }
    };
    const liveHeap: LiveHeapReading[] = [];
    const readLiveHeap = async (): Promise<void> => {
      try {
        liveHeap.push(await inspector!.liveHeap());
      } catch (error) {
        sampleErrors.push(`${new Date().toISOString()} live heap: ${(error as Error).message}`);
      }
    };

    fleet = new ClientFleet({
      origin: server.origin, steadyCredentials: bearer(steadyToken), churnCredentials: [bearer(churnToken), sessionCookie],
      steadyClients: options.steadyClients, churnClients: options.churnClients,
    });
    load = new SteadyLoad({
      redis: producerRedis, collectPerSecond: options.collectPerSecond, securityPerSecond: options.securityPerSecond,
      // Room for a minute of backlog: a reader that falls further behind loses entries, and the counts say so.
      maxLength: Math.max(10_000, options.collectPerSecond * 60),
    });

    await fleet.connectSteady();
    const startedAtMs = Date.now();
    load.start();
    fleet.startChurn();
    let sampling = false;
    samplingTimer = setInterval(() => {
      if (sampling) return;
      sampling = true;
      void take('load').finally(() => (sampling = false));
    }, options.sampleEveryMs);
    let lastProgressMs = startedAtMs;
    const progress = (): void => {
      const last = samples.at(-1);
      if (!last || Date.now() - lastProgressMs < 30_000) return;
      lastProgressMs = Date.now();
      log(progressLine(last, startedAtMs, load!.totals));
    };
    const waitUntil = async (atMs: number): Promise<void> => {
      while (Date.now() < atMs && !signal?.aborted) {
        await sleep(Math.min(1_000, atMs - Date.now()));
        progress();
      }
    };
    const quietSamples = async (phase: SamplePhase): Promise<void> => {
      await fleet!.stopChurn();
      await sleep(SETTLE_MS);
      await readLiveHeap();
      for (let index = 0; index < QUIET_SAMPLES; index++) {
        await take(phase);
        await sleep(1_000);
      }
    };

    log(`load: ${options.collectPerSecond} collect entries/s, ${options.securityPerSecond} security events/s; ` +
      `${options.steadyClients} steady and ${options.churnClients} churning clients; ${options.minutes} min (first fifth is warm-up)`);
    await waitUntil(startedAtMs + warmupMs);
    await quietSamples('quiet-start');
    fleet.startChurn();
    let readingLiveHeap = false;
    liveHeapTimer = setInterval(() => {
      if (readingLiveHeap) return;
      readingLiveHeap = true;
      void readLiveHeap().finally(() => (readingLiveHeap = false));
    }, options.liveHeapEveryMs);
    await waitUntil(startedAtMs + loadMs);
    const churnEndMs = Date.now();
    clearInterval(liveHeapTimer);
    await quietSamples('quiet-end');

    const loadTotals = await load.stop();
    const stoppedAtMs = Date.now();
    clearInterval(samplingTimer);
    log(`producer stopped: ${loadTotals.collect} collect and ${loadTotals.security} security entries written; draining`);
    let drainMs: number | null = null;
    while (Date.now() - stoppedAtMs <= options.drainBoundMs + 5_000) {
      const sample = await take('drain');
      if (sample && STREAMS.every((stream) => backlogEntries(sample.backlog[stream]) === 0)) {
        drainMs = sample.atMs - stoppedAtMs;
        break;
      }
      await sleep(250);
    }
    // The commit that empties the backlog is the one that counts the entries (one Lua script).
    const ingestCounters = Object.fromEntries(
      Object.entries(await producerRedis.hGetAll('kw:ingest')).map(([field, value]) => [field, Number(value)]),
    );
    const fleetTotals = fleet.totals;
    const steadyOpen = fleet.steadyOpen;
    const figures = summarise({ samples, liveHeap, startedAtMs, warmupMs, churnEndMs, drainMs, steadyOpen, options });
    const verdicts = judge({ figures, load: loadTotals, fleet: fleetTotals, ingestCounters, sampleErrors, options });
    return {
      options, samples, liveHeap, load: loadTotals, fleet: fleetTotals, ingestCounters, drainMs, sampleErrors, figures, verdicts,
      passed: verdicts.every((verdict) => verdict.passed),
      serverLogTail: server.output.slice(-4_000),
    };
  } finally {
    clearInterval(samplingTimer);
    clearInterval(liveHeapTimer);
    inspector?.close();
    await load?.stop();
    await fleet?.close();
    await server?.stop();
    for (const client of clients) client.destroy();
    await redis.stop();
  }
}

function progressLine(sample: Sample, startedAtMs: number, totals: LoadTotals): string {
  const minutes = ((sample.atMs - startedAtMs) / 60_000).toFixed(1);
  const backlog = STREAMS.map((stream) => backlogEntries(sample.backlog[stream])).reduce((sum, value) => sum + value, 0);
  return `${minutes} min: heap ${mb(sample.heapUsedBytes)} MB, rss ${mb(sample.rssBytes)} MB, handles ${sample.activeHandles}, ` +
    `ws clients ${sample.wsClients}, lag ${sample.ingestLagSeconds.toFixed(2)} s, backlog ${backlog}, written ${totals.collect + totals.security}`;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
