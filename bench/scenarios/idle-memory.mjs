/**
 * Scenario 2, idle memory: N idle authenticated clients (connected, greeted, subscribed
 * to nothing) on Keywatch, on a plain `ws` server and on Socket.IO 4. Per connection:
 * the growth of RSS and of the V8 heap (both after two full GCs, asked of the arm's probe)
 * from N/5 clients to N clients, divided by the 4N/5 added — the marginal cost of a
 * connection, free of start-up garbage that a "no clients" reading would carry.
 */
import { join } from 'node:path';
import { startBaseline, startLoadGenerator } from '../lib/arms.mjs';
import { request } from '../lib/ipc.mjs';
import { createToken, startKeywatch } from '../lib/keywatch.mjs';
import { startRedis } from '../lib/redis.mjs';
import { medianFigures, sleep, fixed } from '../lib/stats.mjs';

export const IDLE_ARMS = ['keywatch', 'plain', 'socketio'];
/** V8 shrinks a new process's heap some seconds after start-up (its memory reducer): every arm waits this long first. */
const STARTUP_SETTLE_MS = 10_000;

/**
 * Per-command timers live this long after a burst of connections (node-redis 6 arms an
 * `AbortSignal.timeout(5000)` for every command, e.g. each upgrade's token lookup): every arm
 * waits it out before a reading, so that transients are not counted as per-connection cost.
 */
const TRANSIENT_MS = 6000;

/** Memory after full GCs, once RSS has stopped moving (two readings a second apart within 1 %), at most ~10 s more. */
async function settledMemory(child) {
  await sleep(TRANSIENT_MS);
  let previous = await request(child, { cmd: 'memory' });
  for (let attempt = 0; attempt < 10; attempt++) {
    await sleep(1000);
    const current = await request(child, { cmd: 'memory' });
    if (Math.abs(current.rss - previous.rss) < previous.rss * 0.01) return current;
    previous = current;
  }
  return previous;
}

/** Runs the idle-memory scenario; returns per arm the rounds and their medians. */
export async function runIdleMemory({ clients, rounds, workDir, log }) {
  const redis = await startRedis({ core: '1', logFile: join(workDir, 'idle-redis.log') });
  const redisClient = await redis.client();
  const loadgen = startLoadGenerator({ core: '1', logFile: join(workDir, 'idle-loadgen.log') });
  const perArm = Object.fromEntries(IDLE_ARMS.map((arm) => [arm, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      const order = IDLE_ARMS.map((_, index) => IDLE_ARMS[(index + round) % IDLE_ARMS.length]);
      for (const arm of order) {
        let server;
        let connectSpec;
        if (arm === 'keywatch') {
          await redisClient.flushAll();
          const token = await createToken(redis.url, 'oncall');
          server = await startKeywatch({ redisUrl: redis.url, core: '0', logFile: join(workDir, 'idle-keywatch.log') });
          connectSpec = { dialect: 'keywatch', path: '/ws', headers: { Authorization: `Bearer ${token}` }, subscribe: [] };
        } else {
          server = await startBaseline(arm, { core: '0', logFile: join(workDir, `idle-${arm}.log`), env: { BENCH_TICKING: '0' } });
          connectSpec = arm === 'socketio'
            ? { dialect: 'socketio', path: '/socket.io/?EIO=4&transport=websocket' }
            : { dialect: 'plain', path: '/' };
        }
        try {
          await sleep(STARTUP_SETTLE_MS);
          const first = Math.round(clients / 5);
          const connectedFirst = await request(loadgen.child, { cmd: 'connect', port: server.port, count: first, ...connectSpec }, 300_000);
          const before = await settledMemory(server.child);
          const connected = await request(loadgen.child, { cmd: 'connect', port: server.port, count: clients - first, ...connectSpec }, 300_000);
          const after = await settledMemory(server.child);
          const n = connected.ready;
          const figures = {
            clients: connectedFirst.ready + connected.ready,
            failedClients: connectedFirst.failed + connected.failed,
            rssPerConnKB: (after.rss - before.rss) / n / 1024,
            heapPerConnKB: (after.heapUsed - before.heapUsed) / n / 1024,
            externalPerConnKB: (after.external - before.external) / n / 1024,
            rssMB: after.rss / 2 ** 20,
            heapUsedMB: after.heapUsed / 2 ** 20,
          };
          perArm[arm].push(figures);
          log(`idle memory ${clients} clients, round ${round + 1}/${rounds}, ${arm}: ${fixed(figures.rssPerConnKB, 1)} KB RSS/conn, ` +
            `${fixed(figures.heapPerConnKB, 1)} KB heap/conn${figures.failedClients ? `, ${figures.failedClients} failed` : ''}`);
        } finally {
          await request(loadgen.child, { cmd: 'closeAll' }).catch(() => {});
          await server.stop();
        }
      }
    }
    return { clients, rounds, arms: Object.fromEntries(IDLE_ARMS.map((arm) => [arm, { rounds: perArm[arm], median: medianFigures(perArm[arm]) }])) };
  } finally {
    await loadgen.stop();
    redisClient.destroy();
    await redis.stop();
  }
}
