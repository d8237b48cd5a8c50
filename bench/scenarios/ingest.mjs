/**
 * Scenario 3, ingest. Per round, `kw:collect` is pre-filled with N contract entries
 * (pipelined XADD), then each arm reads all of them through its own consumer group,
 * pinned to core 0 (Redis on core 1), in alternating order:
 * - keywatch: the server (validate, aggregate, persist, acknowledge — one Lua commit per batch);
 * - bare: a node-redis loop, XREADGROUP COUNT 500 + XACK per batch, nothing applied.
 * Entries/s is measured the same way for both, from outside: the group's `entries-read`,
 * `lag` and pending count polled every 20 ms (XINFO GROUPS), from the first entry read to
 * the last one acknowledged. `redis-benchmark` XADD with pipelining (-P 16) gives the
 * machine's write ceiling; `arms/reader-stages.mjs` times the reader's stages in one
 * process (RESP decoding, which both arms pay, then Keywatch's parse and deltas). Then,
 * sustained: a producer at 80 % of Keywatch's median rate for a while; the lag (age of the
 * oldest entry not yet applied) is sampled every 100 ms.
 */
import { join } from 'node:path';
import { BENCH_ROOT, PROJECT_ROOT } from '../lib/paths.mjs';
import { request } from '../lib/ipc.mjs';
import { startKeywatch } from '../lib/keywatch.mjs';
import { collectFields, prefillCollect } from '../lib/entries.mjs';
import { runCommand, spawnPinned, stopChild } from '../lib/processes.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { startRedis } from '../lib/redis.mjs';
import { median, medianFigures, sleep, fixed } from '../lib/stats.mjs';

export const INGEST_ARMS = ['keywatch', 'bare'];
const STREAM = 'kw:collect';

/** The consumer group `name` of the stream as XINFO GROUPS tells it, or null. */
async function groupInfo(client, name) {
  let groups;
  try {
    groups = await client.sendCommand(['XINFO', 'GROUPS', STREAM]);
  } catch {
    return null;
  }
  for (const group of groups) {
    // A flat [name, value, …] list (RESP2) or an object, depending on the client's reply mapping.
    const info = new Map();
    if (Array.isArray(group)) for (let i = 0; i < group.length; i += 2) info.set(String(group[i]), group[i + 1]);
    else for (const [key, value] of Object.entries(group)) info.set(key, value);
    if (info.get('name') === name) {
      return {
        pending: Number(info.get('pending')), entriesRead: Number(info.get('entries-read') ?? 0),
        lag: info.get('lag') === null ? null : Number(info.get('lag')), lastDeliveredId: String(info.get('last-delivered-id')),
      };
    }
  }
  return null;
}

/** Polls group `name` until all `total` entries are read and acknowledged; entries/s from the first read to the last ack. */
async function measureDrain(client, name, total, { timeoutMs, isAlive, pid, redisPid }) {
  const deadline = Date.now() + timeoutMs;
  let first = null;
  const cpu = () => ({ arm: safeCpuSeconds(pid), redis: safeCpuSeconds(redisPid) });
  for (;;) {
    const info = await groupInfo(client, name);
    const now = performance.now();
    if (info && info.entriesRead > 0 && first === null) first = { at: now, read: info.entriesRead, cpu: cpu() };
    if (info && info.entriesRead >= total && info.pending === 0 && (info.lag === 0 || info.lag === null)) {
      const seconds = (now - first.at) / 1000;
      const end = cpu();
      return {
        entriesPerSec: (total - first.read) / seconds, seconds,
        // Where the time went: the reader's CPU and Redis's, as shares of one core over the drain.
        armCpuShare: (end.arm - first.cpu.arm) / seconds, redisCpuShare: (end.redis - first.cpu.redis) / seconds,
        armCpuUsPerEntry: ((end.arm - first.cpu.arm) * 1e6) / (total - first.read),
      };
    }
    if (Date.now() > deadline || !isAlive()) throw new Error(`${name} did not drain ${total} entries (${JSON.stringify(info)})`);
    await sleep(20);
  }
}

/** CPU seconds of `pid`, or NaN once it has exited. */
function safeCpuSeconds(pid) {
  try {
    return cpuSeconds(pid);
  } catch {
    return Number.NaN;
  }
}

/** The age (ms) of the oldest entry the `keywatch` group has not applied yet: pending, or not yet delivered. */
async function oldestUnappliedAgeMs(client) {
  const [summary, info] = await Promise.all([client.sendCommand(['XPENDING', STREAM, 'keywatch']), groupInfo(client, 'keywatch')]);
  const ids = [];
  if (Number(summary?.[0] ?? 0) > 0) ids.push(String(summary[1]));
  if (info) {
    const next = await client.sendCommand(['XRANGE', STREAM, `(${info.lastDeliveredId}`, '+', 'COUNT', '1']);
    if (next.length > 0) ids.push(String(next[0][0]));
  }
  if (ids.length === 0) return 0;
  const oldest = Math.min(...ids.map((id) => Number(id.split('-')[0])));
  return Math.max(0, Date.now() - oldest);
}

/** Runs the ingest scenario; returns rounds and medians per arm, the redis-benchmark ceiling, and the sustained run. */
export async function runIngest({ entries, rounds, sustainedMs, workDir, log, arms = INGEST_ARMS, cpuProfileDir }) {
  const redis = await startRedis({ core: '1', logFile: join(workDir, 'ingest-redis.log') });
  const client = await redis.client();
  const perArm = { keywatch: [], bare: [], redisBenchmark: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      await client.flushAll();
      const prefillStart = performance.now();
      await prefillCollect(client, STREAM, entries);
      const prefillPerSec = entries / ((performance.now() - prefillStart) / 1000);
      const order = round % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) {
        let figures;
        if (arm === 'keywatch') {
          const server = await startKeywatch({
            redisUrl: redis.url, core: '0', waitReady: false, logFile: join(workDir, 'ingest-keywatch.log'),
            cpuProfileDir,
          });
          try {
            figures = await measureDrain(client, 'keywatch', entries, { timeoutMs: 600_000, isAlive: () => server.child.exitCode === null, pid: server.pid, redisPid: redis.pid });
            const counters = await client.hGetAll('kw:ingest');
            figures.acceptedCollect = Number(counters.accepted_collect ?? 0);
          } finally {
            await server.stop();
          }
        } else {
          const reader = spawnPinned({
            core: '0', command: process.execPath, cwd: PROJECT_ROOT, logFile: join(workDir, 'ingest-bare.log'),
            args: [join(BENCH_ROOT, 'arms/bare-reader.mjs')], env: { BENCH_REDIS_URL: redis.url },
          });
          try {
            figures = await measureDrain(client, 'bare', entries, { timeoutMs: 600_000, isAlive: () => reader.exitCode === null || reader.exitCode === 0, pid: reader.pid, redisPid: redis.pid });
          } finally {
            await stopChild(reader);
          }
        }
        perArm[arm].push({ ...figures, prefillPerSec });
        log(`ingest ${entries} entries, round ${round + 1}/${rounds}, ${arm}: ${Math.round(figures.entriesPerSec)} entries/s ` +
          `(reader CPU ${Math.round(figures.armCpuShare * 100)}%, ${fixed(figures.armCpuUsPerEntry, 0)} µs/entry; Redis CPU ${Math.round(figures.redisCpuShare * 100)}%)`);
      }
      if (!arms.includes('bare')) continue; // a profiling run: Keywatch alone
      const ceiling = await redisBenchmarkXadd(redis.port, entries);
      perArm.redisBenchmark.push({ entriesPerSec: ceiling });
      log(`ingest round ${round + 1}/${rounds}, redis-benchmark XADD -P 16: ${Math.round(ceiling)} entries/s`);
    }
    const stages = arms.includes('bare') ? await readerStages(log) : null;
    const keywatchRate = median(perArm.keywatch.map((figures) => figures.entriesPerSec));
    const sustained = sustainedMs > 0
      ? await runSustained({ redis, client, rate: Math.round(keywatchRate * 0.8), durationMs: sustainedMs, workDir, log })
      : null;
    return {
      entries, rounds,
      arms: Object.fromEntries(Object.entries(perArm).map(([arm, list]) => [arm, { rounds: list, median: medianFigures(list) }])),
      stages,
      sustained,
    };
  } finally {
    client.destroy();
    await redis.stop();
  }
}

/** Per-entry CPU of the reader's stages in one process, pinned to core 0 (`arms/reader-stages.mjs`). */
async function readerStages(log) {
  const { code, stdout, stderr } = await runCommand(process.execPath, [join(BENCH_ROOT, 'arms/reader-stages.mjs')], { core: '0' });
  if (code !== 0) throw new Error(`reader-stages failed (${code}): ${stderr || stdout}`);
  const stages = JSON.parse(stdout);
  const { decode, parse, deltas } = stages.usPerEntry;
  log(`ingest reader stages in-process: node-redis decode ${fixed(decode, 2)} µs/entry, contract parse ${fixed(parse, 2)}, batch deltas ${fixed(deltas, 2)}`);
  return stages;
}

/** `redis-benchmark` XADD of a contract entry, 50 connections, pipelining 16, pinned to core 0: requests/s. */
async function redisBenchmarkXadd(port, requests) {
  const { code, stdout, stderr } = await runCommand('redis-benchmark', [
    '-h', '127.0.0.1', '-p', String(port), '-c', '50', '-P', '16', '-n', String(requests), '--csv',
    'XADD', 'kw:rb', '*', ...collectFields(0, Date.now()),
  ], { core: '0' });
  const match = /"XADD[^"]*","([\d.]+)"/.exec(stdout);
  if (code !== 0 || !match) throw new Error(`redis-benchmark failed (${code}): ${stderr || stdout}`);
  return Number(match[1]);
}

/** Keywatch under a live producer at `rate` entries/s for `durationMs`; the lag sampled every 100 ms. */
async function runSustained({ redis, client, rate, durationMs, workDir, log }) {
  await client.flushAll();
  const server = await startKeywatch({ redisUrl: redis.url, core: '0', logFile: join(workDir, 'ingest-sustained-keywatch.log') });
  const producer = spawnPinned({
    core: '1', command: process.execPath, ipc: true, cwd: PROJECT_ROOT, logFile: join(workDir, 'ingest-producer.log'),
    args: [join(BENCH_ROOT, 'loadgen/producer.mjs')], env: { BENCH_REDIS_URL: redis.url },
  });
  try {
    const lags = [];
    let sampling = true;
    const sampler = (async () => {
      await sleep(1000); // the producer's first slices and Keywatch's first read
      while (sampling) {
        lags.push(await oldestUnappliedAgeMs(client));
        await sleep(100);
      }
    })();
    const produced = await request(producer, { cmd: 'produce', rate, durationMs }, durationMs + 60_000);
    sampling = false;
    await sampler;
    // Drained afterwards?
    const drainStart = Date.now();
    while ((await oldestUnappliedAgeMs(client)) > 0 && Date.now() - drainStart < 30_000) await sleep(100);
    const sorted = [...lags].sort((a, b) => a - b);
    const result = {
      targetRate: rate,
      achievedRate: produced.written / produced.seconds,
      producerErrors: produced.errors,
      producerBehindMs: produced.behindMs,
      seconds: produced.seconds,
      samples: lags.length,
      maxLagMs: sorted.at(-1) ?? Number.NaN,
      p99LagMs: sorted[Math.floor(sorted.length * 0.99)] ?? Number.NaN,
      medianLagMs: median(lags),
      drainAfterMs: Date.now() - drainStart,
    };
    log(`ingest sustained ${rate} entries/s for ${Math.round(produced.seconds)} s (achieved ${Math.round(result.achievedRate)}): ` +
      `max lag ${Math.round(result.maxLagMs)} ms, p99 ${Math.round(result.p99LagMs)} ms`);
    return result;
  } finally {
    await stopChild(producer);
    await server.stop();
  }
}
