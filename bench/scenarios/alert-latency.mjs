/**
 * Scenario 4, alert latency: 1,000 clients subscribed to alerts; an event enters Redis at
 * fixed instants and the clients record when its alert frame arrives; latency is measured
 * from the instant the event was due to enter Redis (so a late producer counts too).
 * - keywatch: `XADD kw:security` (an allowed raw_access by an unknown actor) → the reader →
 *   the `unauthorized_raw_access` rule → alert saved → `alert` frame on the `alerts` channel;
 * - socketio: Socket.IO 4 whose `@socket.io/redis-streams-adapter` carries an
 *   `io.emit('alert', …)` made on another instance (the event source) through Redis
 *   Streams to this server and its clients. The body is a captured Keywatch alert.
 * Server pinned to core 0; clients, event source and Redis on core 1. Fresh server and
 * Redis state per round; arms alternate; medians of rounds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBaseline, startLoadGenerator } from '../lib/arms.mjs';
import { rawAccessFields } from '../lib/entries.mjs';
import { request } from '../lib/ipc.mjs';
import { createToken, startKeywatch } from '../lib/keywatch.mjs';
import { BENCH_ROOT, PROJECT_ROOT } from '../lib/paths.mjs';
import { spawnPinned, stopChild } from '../lib/processes.mjs';
import { startRedis } from '../lib/redis.mjs';
import { medianFigures, sleep, fixed } from '../lib/stats.mjs';

export const ALERT_ARMS = ['keywatch', 'socketio'];
const INTERVAL_MS = 100;

/** One real Keywatch alert frame (the Socket.IO arm's body), from a throwaway server. */
async function captureAlertFrame(redis, redisClient, workDir) {
  await redisClient.flushAll();
  const token = await createToken(redis.url, 'admin');
  const server = await startKeywatch({ redisUrl: redis.url, core: '0', logFile: join(workDir, 'alert-keywatch.log') });
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${token}` } });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no alert frame within 15 s')), 15_000);
      socket.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('{"type":"snapshot","channel":"alerts"')) {
          redisClient.sendCommand(['XADD', 'kw:security', '*', ...rawAccessFields(999_999, Date.now())]).catch(reject);
        } else if (text.startsWith('{"type":"alert"')) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', channels: ['alerts'] })));
      socket.on('error', reject);
    });
  } finally {
    socket.close();
    await server.stop();
  }
}

/** Runs the alert-latency scenario; returns per arm the rounds and their medians. */
export async function runAlertLatency({ clients, rounds, events, warmupEvents, workDir, log }) {
  const redis = await startRedis({ core: '1', logFile: join(workDir, 'alert-redis.log') });
  const redisClient = await redis.client();
  const loadgen = startLoadGenerator({ core: '1', logFile: join(workDir, 'alert-loadgen.log') });
  const payloadFile = join(workDir, 'alert-payload.json');
  const perArm = Object.fromEntries(ALERT_ARMS.map((arm) => [arm, []]));
  try {
    const frame = await captureAlertFrame(redis, redisClient, workDir);
    writeFileSync(payloadFile, frame);
    log(`alert latency: Socket.IO carries a captured Keywatch alert of ${Buffer.byteLength(frame)} bytes`);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ALERT_ARMS : [...ALERT_ARMS].reverse();
      for (const arm of order) {
        await redisClient.flushAll();
        let server;
        let connectSpec;
        if (arm === 'keywatch') {
          const token = await createToken(redis.url, 'oncall');
          server = await startKeywatch({ redisUrl: redis.url, core: '0', logFile: join(workDir, 'alert-keywatch.log') });
          connectSpec = { dialect: 'keywatch', path: '/ws', headers: { Authorization: `Bearer ${token}` }, subscribe: ['alerts'] };
        } else {
          server = await startBaseline('socketio', { core: '0', logFile: join(workDir, 'alert-socketio.log'), env: { BENCH_REDIS_URL: redis.url } });
          connectSpec = { dialect: 'socketio', path: '/socket.io/?EIO=4&transport=websocket' };
        }
        const source = spawnPinned({
          core: '1', command: process.execPath, ipc: true, cwd: PROJECT_ROOT, logFile: join(workDir, `alert-source-${arm}.log`),
          args: [join(BENCH_ROOT, 'loadgen/alert-source.mjs')],
          env: { BENCH_ALERT_MODE: arm, BENCH_REDIS_URL: redis.url, BENCH_PAYLOAD_FILE: payloadFile },
        });
        try {
          const connected = await request(loadgen.child, { cmd: 'connect', port: server.port, count: clients, ...connectSpec }, 300_000);
          await sleep(1500); // the adapter's stream reader and the event source settle
          const total = warmupEvents + events;
          const schedule = { startAtMs: Date.now() + 500, intervalMs: INTERVAL_MS, firstSequence: warmupEvents };
          await request(loadgen.child, { cmd: 'record' });
          const sent = await request(source, { cmd: 'run', count: total, startAtMs: schedule.startAtMs, intervalMs: INTERVAL_MS }, 300_000);
          await sleep(2000); // the last frames arrive
          await request(loadgen.child, { cmd: 'stop' });
          const measured = await request(loadgen.child, { cmd: 'finish', schedule }, 300_000);
          const figures = {
            clients: connected.ready,
            failedClients: connected.failed,
            events,
            deliveries: measured.deliveries,
            deliveryRatio: measured.deliveries / (connected.ready * events),
            p50Ms: measured.p50Ms,
            p90Ms: measured.p90Ms,
            p99Ms: measured.p99Ms,
            maxMs: measured.maxMs,
            sourceLateMaxMs: sent.lateMaxMs,
          };
          perArm[arm].push(figures);
          log(`alert latency ${clients} clients, round ${round + 1}/${rounds}, ${arm}: p50 ${fixed(figures.p50Ms, 1)} ms, ` +
            `p99 ${fixed(figures.p99Ms, 1)} ms, ${fixed(figures.deliveryRatio * 100, 1)}% delivered`);
        } finally {
          await stopChild(source);
          await request(loadgen.child, { cmd: 'closeAll' }).catch(() => {});
          await server.stop();
        }
      }
    }
    return { clients, rounds, events, intervalMs: INTERVAL_MS, arms: Object.fromEntries(ALERT_ARMS.map((arm) => [arm, { rounds: perArm[arm], median: medianFigures(perArm[arm]) }])) };
  } finally {
    await loadgen.stop();
    redisClient.destroy();
    await redis.stop();
  }
}
