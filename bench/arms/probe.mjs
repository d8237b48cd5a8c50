/**
 * Preloaded (`node --import`) into every server arm of the bench, Keywatch included, so
 * that every arm is asked the same questions the same way over its IPC channel:
 * - `memory`: heap and RSS after two full garbage collections (needs `--expose-gc`);
 * - `cpuProfileStart` / `cpuProfileStop`: a V8 CPU profile of just a measuring window;
 * - `ticks` (Keywatch only, with BENCH_TRACE_TICKS=1): for every overview update the server
 *   sent, when its tick was due, when the timer fired, when sending began and ended, and the frame's
 *   key (see frame-key.mjs), so the load generator can measure tick-to-receive latency
 *   from the intended send time.
 *
 * How "due" is defined (the same in the baseline arms): the server ticks with
 * `setInterval(tickMs)`, which Node reschedules from the moment each callback starts, so
 * tick k is due at the start of tick k-1 plus tickMs. A timer that fires late because the
 * event loop was busy therefore counts as latency. Keywatch skips a tick while the
 * previous one is still running; the changes of a skipped tick go out with the next one,
 * so an update is due when the first tick it stands for was due (no coordinated omission).
 *
 * The trace costs Keywatch one comparison and one clock read per socket write during a
 * tick (about 0.05 µs); it changes nothing the server does.
 */
import { serveRequests } from '../lib/ipc.mjs';

const nowMs = () => performance.timeOrigin + performance.now();

/** Overview update frames sent, in order: { key, due, fire, sendStart, lastSend, end, sends, timerFires }. */
const ticks = [];
/** Tick timer firings and Hub ticks started so far (a firing during a running tick starts none). */
let timerFires = 0;
let hubTicks = 0;
const MAX_TICKS = 100_000;
/** The inspector session of a running window profile, if any. */
let profiler = null;

if (process.env.BENCH_TRACE_TICKS === '1') await traceKeywatchTicks(Number(process.env.KW_TICK_MS ?? 250));

if (process.send) {
  serveRequests({
    memory: () => {
      if (globalThis.gc) {
        globalThis.gc();
        globalThis.gc();
      }
      const usage = process.memoryUsage();
      return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers };
    },
    // A heap snapshot, for looking into what a connection holds (diagnostics; not used by the scenarios).
    heapSnapshot: async ({ file }) => {
      const { writeHeapSnapshot } = await import('node:v8');
      return { file: writeHeapSnapshot(file) };
    },
    // A CPU profile of a window only (start/stop), written as a .cpuprofile file.
    cpuProfileStart: async () => {
      const { Session } = await import('node:inspector');
      profiler = new Session();
      profiler.connect();
      const post = (method, params) => new Promise((resolve, reject) => profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      profiler.postAsync = post;
    },
    cpuProfileStop: async ({ file }) => {
      const { profile } = await profiler.postAsync('Profiler.stop');
      profiler.disconnect();
      profiler = null;
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, JSON.stringify(profile));
      return { file };
    },
    ticks: (message) => ({ timerFires, hubTicks, updates: ticks.filter((tick) => tick.key !== null && tick.sendStart >= (message.sinceMs ?? 0)) }),
  });
  // The channel must not keep a server alive once it has shut down.
  process.channel?.unref();
}

async function traceKeywatchTicks(tickMs) {
  const { frameKeyOfString } = await import('../lib/frame-key.mjs');
  const net = await import('node:net');
  let Hub = null;
  try {
    ({ Hub } = await import('../../dist/server/fanout/hub.js'));
  } catch {
    // Without the Hub the timer firing stands for the tick (skipped ticks are then not seen).
  }
  const tracksHub = typeof Hub?.prototype?.tick === 'function';

  // The tick timer: the first setInterval with the tick period (the heartbeat and the
  // once-a-second timers have other periods).
  let lastFire = null;
  /** Due time of the oldest timer firing not yet served by a Hub tick (a skipped tick's changes go out with the next). */
  let oldestUnservedDue = null;
  let traced = false;
  const originalSetInterval = globalThis.setInterval;
  globalThis.setInterval = function benchSetInterval(callback, ms, ...args) {
    if (traced || ms !== tickMs || typeof callback !== 'function') return originalSetInterval.call(this, callback, ms, ...args);
    traced = true;
    let previousStart = nowMs();
    return originalSetInterval.call(this, (...callbackArgs) => {
      const fire = nowMs();
      lastFire = { due: previousStart + tickMs, fire };
      oldestUnservedDue ??= lastFire.due;
      timerFires += 1;
      previousStart = fire;
      if (!tracksHub) startRecord().end = fire;
      return callback(...callbackArgs);
    }, ms, ...args);
  };

  /** A new tick record, current from now on. */
  const startRecord = () => {
    const record = {
      key: null, due: oldestUnservedDue ?? lastFire?.due ?? nowMs(), fire: lastFire?.fire ?? nowMs(), sendStart: 0, lastSend: 0, end: 0, sends: 0,
      timerFires,
    };
    oldestUnservedDue = null;
    hubTicks += 1;
    current = record;
    return record;
  };

  // A Hub tick belongs to the timer firing that started it (a firing while the previous
  // tick still runs starts no Hub tick).
  let current = null;
  if (tracksHub) {
    const originalTick = Hub.prototype.tick;
    Hub.prototype.tick = function benchTick(...args) {
      const record = startRecord();
      const done = () => {
        record.end = nowMs();
        if (current === record) current = null;
      };
      const result = originalTick.apply(this, args);
      Promise.resolve(result).then(done, done);
      return result;
    };
  }

  // Every byte the server sends goes through net.Socket#write, however the frame was
  // built (ws's sender writes the header and the text; a pre-framed Buffer is written
  // whole). The same update frame object goes to every client of a tick, so after the
  // first recognition each write costs one identity comparison.
  const PREFIX = '{"type":"update","channel":"overview"';
  let lastChunk = null;
  /** The update's JSON text when `chunk` is (or holds, framed) an overview update; else null. */
  const overviewText = (chunk) => {
    if (typeof chunk === 'string') return chunk.startsWith(PREFIX) ? chunk : null;
    if (!Buffer.isBuffer(chunk) || chunk.length < 40) return null;
    if (chunk[0] === 0x7b) return chunk.latin1Slice(0, PREFIX.length) === PREFIX ? chunk.latin1Slice(0, chunk.length) : null;
    if (chunk[0] !== 0x81) return null;
    let length = chunk[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      length = chunk.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      length = Number(chunk.readBigUInt64BE(2));
      offset = 10;
    }
    if (chunk.length < offset + length || chunk.latin1Slice(offset, offset + PREFIX.length) !== PREFIX) return null;
    return chunk.latin1Slice(offset, offset + length);
  };
  const noteWrite = (chunk) => {
    const record = current;
    if (chunk !== lastChunk) {
      const text = overviewText(chunk);
      if (text === null) return;
      lastChunk = chunk;
      if (record.key === null) {
        record.key = frameKeyOfString(text);
        record.sendStart = nowMs();
        if (ticks.length < MAX_TICKS) ticks.push(record);
      }
    }
    record.sends += 1;
    record.lastSend = nowMs();
  };
  const originalWrite = net.Socket.prototype.write;
  net.Socket.prototype.write = function benchWrite(chunk, ...rest) {
    if (current !== null) noteWrite(chunk);
    return originalWrite.call(this, chunk, ...rest);
  };
}
