/**
 * Scenario 1, fan-out: N WebSocket clients subscribed to the overview, one update per
 * tick (250 ms). Arms, each its own process pinned to core 0, the load generator on core
 * 1 with Redis: Keywatch; "naive" (ws, JSON.stringify per client); "socketio" (Socket.IO
 * 4 broadcast); "ceiling" (one pre-built frame written to raw sockets). The baselines send
 * a real captured Keywatch update. Per arm and round: server CPU seconds per delivered
 * message (from /proc), deliveries/s, and tick-to-receive latency from the intended send
 * time (HdrHistogram). Arms alternate between rounds; figures are medians of rounds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBaseline, startLoadGenerator } from '../lib/arms.mjs';
import { request } from '../lib/ipc.mjs';
import { createToken, startKeywatch } from '../lib/keywatch.mjs';
import { startProducer } from '../lib/entries.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { startRedis } from '../lib/redis.mjs';
import { medianFigures, sleep, fixed } from '../lib/stats.mjs';

export const FANOUT_ARMS = ['keywatch', 'naive', 'socketio', 'ceiling'];
const SERVER_CORE = '0';
const CLIENT_CORE = '1';
/** Collect entries per second fed to Keywatch during its runs: enough for an update every tick. */
const FEED_RATE = 50;

/** Connects one client to Keywatch and returns the first overview update frame it receives (the baselines' payload). */
async function captureUpdateFrame(origin, token) {
  const socket = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${token}` } });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no overview update within 10 s')), 10_000);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', channels: ['overview'] })));
      socket.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('{"type":"update","channel":"overview"')) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
  } finally {
    socket.close();
  }
}

/** Runs the fan-out scenario; returns per size and arm the rounds and their medians. */
export async function runFanout({ sizes, rounds, warmupMs, windowMs, tickMs, workDir, log, arms = FANOUT_ARMS, cpuProfileDir }) {
  const redis = await startRedis({ core: CLIENT_CORE, logFile: join(workDir, 'fanout-redis.log') });
  const redisClient = await redis.client();
  const loadgen = startLoadGenerator({ core: CLIENT_CORE, logFile: join(workDir, 'fanout-loadgen.log') });
  const payloadFile = join(workDir, 'fanout-payload.json');
  let feeder = null;
  const results = { sizes: {}, payloadBytes: 0, tickMs, windowMs, warmupMs, rounds };
  try {
    /** A fresh Keywatch on a flushed Redis (so every run has the same short history), fed while it runs. */
    const startKeywatchArm = async () => {
      await redisClient.flushAll();
      const token = await createToken(redis.url, 'oncall');
      feeder = startProducer(redisClient, 'kw:collect', FEED_RATE, { sliceMs: 100 });
      const server = await startKeywatch({
        redisUrl: redis.url, core: SERVER_CORE, traceTicks: true, logFile: join(workDir, 'fanout-keywatch.log'),
        env: { KW_TICK_MS: String(tickMs) },
      });
      return {
        ...server, token,
        stop: async () => {
          await server.stop();
          await feeder?.stop();
          feeder = null;
        },
      };
    };

    // The baselines broadcast a real Keywatch overview update.
    const capture = await startKeywatchArm();
    await sleep(1500);
    const frame = await captureUpdateFrame(capture.origin, capture.token);
    await capture.stop();
    writeFileSync(payloadFile, frame);
    results.payloadBytes = Buffer.byteLength(frame);
    log(`fan-out: payload is a captured Keywatch update of ${results.payloadBytes} bytes`);

    for (const clients of sizes) {
      const perArm = Object.fromEntries(arms.map((arm) => [arm, []]));
      for (let round = 0; round < rounds; round++) {
        const order = arms.map((_, index) => arms[(index + round) % arms.length]);
        for (const arm of order) {
          const figures = await runArm({
            arm, clients, warmupMs, windowMs, tickMs, loadgen, payloadFile, workDir, startKeywatchArm,
            cpuProfileFile: cpuProfileDir && arm === 'keywatch' ? join(cpuProfileDir, `keywatch-fanout-${clients}-${round}.cpuprofile`) : undefined,
          });
          perArm[arm].push(figures);
          log(`fan-out ${clients} clients, round ${round + 1}/${rounds}, ${arm}: ${describe(figures)}`);
        }
      }
      results.sizes[clients] = Object.fromEntries(arms.map((arm) => [arm, { rounds: perArm[arm], median: medianFigures(perArm[arm]) }]));
    }
    return results;
  } finally {
    await feeder?.stop().catch(() => {});
    await loadgen.stop();
    redisClient.destroy();
    await redis.stop();
  }
}

function describe(figures) {
  return `${fixed(figures.cpuPerMsgUs, 2)} µs CPU/msg, ${Math.round(figures.deliveriesPerSec)} msg/s ` +
    `(${fixed(figures.deliveryRatio * 100, 1)}% of ticks×clients), p50 ${fixed(figures.p50Ms, 1)} ms, p99 ${fixed(figures.p99Ms, 1)} ms` +
    (figures.failedClients ? `, ${figures.failedClients} clients failed to connect` : '') +
    (figures.closesWhileRecording ? `, ${figures.closesWhileRecording} closed` : '');
}

/** One arm, one round: start it, connect the clients, warm up, measure a window, tear down. */
/**
 * No window starts earlier than this after its server started, whatever the arm: Keywatch's
 * first seconds hold one-off work (its teams channel's first ticks take ~1 s, and the Hub
 * awaits every channel's tick in turn), which is start-up, not steady fan-out.
 */
const MIN_UPTIME_MS = 10_000;

async function runArm({ arm, clients, warmupMs, windowMs, tickMs, loadgen, payloadFile, workDir, startKeywatchArm, cpuProfileFile }) {
  const startedAt = Date.now();
  const server = arm === 'keywatch'
    ? await startKeywatchArm()
    : await startBaseline(arm, {
      core: SERVER_CORE, logFile: join(workDir, `fanout-${arm}.log`),
      env: { BENCH_PAYLOAD_FILE: payloadFile, BENCH_TICK_MS: String(tickMs) },
    });
  try {
    const connectSpec = arm === 'keywatch'
      ? { dialect: 'keywatch', path: '/ws', headers: { Authorization: `Bearer ${server.token}` }, subscribe: ['overview'] }
      : arm === 'socketio'
        ? { dialect: 'socketio', path: '/socket.io/?EIO=4&transport=websocket' }
        : { dialect: 'plain', path: '/' };
    const connected = await request(loadgen.child, { cmd: 'connect', port: server.port, count: clients, ...connectSpec }, 300_000);
    await sleep(Math.max(warmupMs, startedAt + MIN_UPTIME_MS - Date.now()));
    // A profiling run profiles the measuring window only (not connections and snapshots).
    if (cpuProfileFile) await request(server.child, { cmd: 'cpuProfileStart' });
    const cpuBefore = cpuSeconds(server.pid);
    const loadgenCpuBefore = cpuSeconds(loadgen.pid);
    const { windowStartMs } = await request(loadgen.child, { cmd: 'record' });
    await sleep(windowMs);
    await request(loadgen.child, { cmd: 'stop' });
    if (cpuProfileFile) await request(server.child, { cmd: 'cpuProfileStop', file: cpuProfileFile });
    const cpuAfter = cpuSeconds(server.pid);
    const loadgenCpuAfter = cpuSeconds(loadgen.pid);
    let dueByKey = [];
    let tickTrace = null;
    if (arm === 'keywatch') {
      const trace = await request(server.child, { cmd: 'ticks', sinceMs: Date.now() - windowMs - warmupMs - 5000 });
      dueByKey = trace.updates.map((tick) => [tick.key, tick.due]);
      tickTrace = summariseTicks(trace.updates.filter((tick) => tick.fire >= windowStartMs));
    }
    const measured = await request(loadgen.child, { cmd: 'finish', dueByKey }, 300_000);
    const cpu = cpuAfter - cpuBefore;
    const expected = connected.ready * (measured.windowMs / tickMs);
    return {
      clients,
      connectedClients: connected.ready,
      failedClients: connected.failed,
      connectMs: connected.connectMs,
      cpuSeconds: cpu,
      cpuPerMsgUs: measured.deliveries > 0 ? (cpu * 1e6) / measured.deliveries : Number.NaN,
      cpuShare: cpu / (measured.windowMs / 1000),
      // The load generator must not be the bottleneck: its share of core 1 over the window.
      loadgenCpuShare: (loadgenCpuAfter - loadgenCpuBefore) / (measured.windowMs / 1000),
      deliveries: measured.deliveries,
      deliveriesPerSec: measured.deliveries / (measured.windowMs / 1000),
      deliveryRatio: measured.deliveries / expected,
      p50Ms: measured.p50Ms,
      p90Ms: measured.p90Ms,
      p99Ms: measured.p99Ms,
      p999Ms: measured.p999Ms,
      maxMs: measured.maxMs,
      unmatched: measured.unmatched,
      closesWhileRecording: measured.closesWhileRecording,
      ...(tickTrace ?? {}),
    };
  } finally {
    await request(loadgen.child, { cmd: 'closeAll' }).catch(() => {});
    await server.stop();
  }
}

/** Keywatch's own tick timings, from the probe: timer firings per update sent, lateness (from the oldest tick it serves), time to read the change, time to send to every client. */
function summariseTicks(ticks) {
  if (ticks.length === 0) return null;
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  // Timer firings per Hub tick over the traced updates: 1 when no tick was skipped.
  const firesPerTick = ticks.length > 1 ? (ticks.at(-1).timerFires - ticks[0].timerFires) / (ticks.length - 1) : 1;
  return {
    tickFiresPerUpdate: firesPerTick,
    tickTimerLateMs: mean(ticks.map((tick) => tick.fire - tick.due)),
    tickReadMs: mean(ticks.map((tick) => tick.sendStart - tick.fire)),
    tickSendMs: mean(ticks.map((tick) => tick.lastSend - tick.sendStart)),
    // A whole Hub tick (every channel's feed, awaited one after another): over tickMs, the next tick is skipped.
    tickLongestMs: Math.max(...ticks.filter((tick) => tick.end > 0).map((tick) => tick.end - tick.fire)),
  };
}
