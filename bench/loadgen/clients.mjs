/**
 * The load generator: a child process (pinned to its own core by the harness) that holds
 * thousands of WebSocket clients of one arm at a time and records, for every frame that
 * matters, when it arrived. It speaks three dialects over the same raw client
 * (wire.mjs): Keywatch's protocol v1, plain WebSocket (naive and ceiling arms), and
 * Socket.IO 4 (Engine.IO v4 over the websocket transport).
 *
 * Latency is computed at `finish`, against the intended send time of each frame: a
 * timestamp the baseline arms embed (`"due"`), the tick trace Keywatch's probe returns
 * (by frame key), or the fixed schedule of the alert producer (by sequence number).
 */
import { serveRequests } from '../lib/ipc.mjs';
import { frameKeyOfBytes } from '../lib/frame-key.mjs';
import { latencySummaryMs, newLatencyHistogram, nowMs, sleep } from '../lib/stats.mjs';
import { WireConnection } from './wire.mjs';

/** @type {Set<WireConnection>} */
const connections = new Set();
let recording = false;
let windowStartMs = 0;
let windowMs = 0;
/** Arrival times per frame key while recording. */
let arrivals = new Map();
let closesWhileRecording = 0;
const closeCodes = new Map();

function record(key, receivedAtMs) {
  if (!recording) return;
  let list = arrivals.get(key);
  if (list === undefined) {
    list = [];
    arrivals.set(key, list);
  }
  list.push(receivedAtMs);
}

/** The number that follows `marker` in `buffer[start, end)`, as text, or null. */
function numberAfter(buffer, marker, start, end) {
  const at = buffer.indexOf(marker, start, 'latin1');
  if (at === -1 || at >= end) return null;
  let stop = at + marker.length;
  while (stop < end && ((buffer[stop] >= 0x30 && buffer[stop] <= 0x39) || buffer[stop] === 0x2e)) stop++;
  return buffer.latin1Slice(at + marker.length, stop);
}

const TYPE_AT = 9; // after {"type":"

/** Keywatch protocol v1: ready after the snapshot of every subscribed channel (or the hello when subscribing to none). */
const keywatchDialect = {
  onOpen(conn) {
    if (conn.subscribe.length > 0) conn.sendText(JSON.stringify({ type: 'subscribe', channels: conn.subscribe }));
  },
  onText(conn, buffer, start, end, receivedAtMs) {
    const type = buffer[start + TYPE_AT];
    if (type === 0x75 /* u */) {
      if (buffer.latin1Slice(start, start + 37) === '{"type":"update","channel":"overview"') record(frameKeyOfBytes(buffer, start, end), receivedAtMs);
    } else if (type === 0x61 /* a */ && buffer[start + TYPE_AT + 1] === 0x6c && buffer[start + TYPE_AT + 5] === 0x22) {
      // {"type":"alert",… : the bench's alerts carry actor mallory-<sequence>
      const sequence = numberAfter(buffer, 'mallory-', start, end);
      if (sequence !== null && !conn.seen.has(sequence)) {
        conn.seen.add(sequence);
        record(`a${sequence}`, receivedAtMs);
      }
    } else if (type === 0x68 /* h */) {
      if (conn.subscribe.length === 0) conn.ready();
    } else if (type === 0x73 /* s */ && buffer[start + TYPE_AT + 1] === 0x6e /* n */) {
      conn.snapshots += 1;
      if (conn.snapshots === conn.subscribe.length) conn.ready();
    }
  },
};

/** Plain WebSocket arms: every frame is an update that starts with {"due":<ms>. */
const plainDialect = {
  onOpen(conn) {
    conn.ready();
  },
  onText(conn, buffer, start, end, receivedAtMs) {
    const due = numberAfter(buffer, '"due":', start, Math.min(end, start + 40));
    if (due !== null) record(due, receivedAtMs);
  },
};

/** Socket.IO 4 over Engine.IO v4's websocket transport. */
const socketIoDialect = {
  onOpen() {},
  onText(conn, buffer, start, end, receivedAtMs) {
    const first = buffer[start];
    if (first === 0x34 /* 4 */ && buffer[start + 1] === 0x32 /* 2: event */) {
      const head = Math.min(end, start + 48);
      const due = numberAfter(buffer, '"due":', start, head);
      if (due !== null) {
        record(due, receivedAtMs);
        return;
      }
      const sequence = numberAfter(buffer, '"seq":', start, head);
      if (sequence !== null) record(`a${sequence}`, receivedAtMs);
    } else if (first === 0x32 /* 2: ping */ && end - start === 1) {
      conn.sendText('3');
    } else if (first === 0x30 /* 0: open */) {
      conn.sendText('40');
    } else if (first === 0x34 && buffer[start + 1] === 0x30 /* 40: connected to the namespace */) {
      conn.ready();
    }
  },
};

const DIALECTS = { keywatch: keywatchDialect, plain: plainDialect, socketio: socketIoDialect };

/** Opens `count` clients, at most `concurrency` handshakes at a time; resolves when each is ready or failed. */
async function connectClients({ dialect: dialectName, port, path, headers = {}, count, subscribe = [], concurrency = 200, localAddress }) {
  const dialect = DIALECTS[dialectName];
  if (!dialect) throw new Error(`unknown dialect ${dialectName}`);
  const startedMs = nowMs();
  let ready = 0;
  let failed = 0;
  const failures = new Map();
  let started = 0;
  await new Promise((resolveAll) => {
    let inFlight = 0;
    const next = () => {
      while (inFlight < concurrency && started < count) {
        started += 1;
        inFlight += 1;
        let settled = false;
        const settle = (ok, why) => {
          if (settled) return;
          settled = true;
          inFlight -= 1;
          if (ok) ready += 1;
          else {
            failed += 1;
            failures.set(why, (failures.get(why) ?? 0) + 1);
          }
          if (ready + failed === count) resolveAll();
          else next();
        };
        const conn = new WireConnection({
          port, path, headers, localAddress,
          onOpen: (c) => dialect.onOpen(c),
          onText: dialect.onText,
          onClose: (c, code, reason) => {
            connections.delete(c);
            if (recording) closesWhileRecording += 1;
            closeCodes.set(String(code), (closeCodes.get(String(code)) ?? 0) + 1);
            settle(false, `${code ?? ''} ${reason}`.trim());
          },
        });
        conn.subscribe = subscribe;
        conn.snapshots = 0;
        conn.seen = new Set();
        conn.ready = () => settle(true);
        connections.add(conn);
      }
    };
    next();
  });
  return { ready, failed, failures: Object.fromEntries(failures), connectMs: nowMs() - startedMs, open: connections.size };
}

/** Ends the recording window (arrivals after it are not counted). */
function stopRecording() {
  if (!recording) return { windowMs };
  recording = false;
  windowMs = nowMs() - windowStartMs;
  return { windowMs };
}

/** Latency of every recorded arrival against its intended send time. */
function finish({ dueByKey = [], schedule = null }) {
  stopRecording();
  const dues = new Map(dueByKey);
  const histogram = newLatencyHistogram();
  let unmatched = 0;
  let early = 0;
  for (const [key, list] of arrivals) {
    let due;
    if (key.startsWith('a')) {
      const sequence = Number(key.slice(1));
      // Events before `firstSequence` warm the path up and are not measured.
      if (schedule && sequence < (schedule.firstSequence ?? 0)) continue;
      due = schedule ? schedule.startAtMs + sequence * schedule.intervalMs : Number.NaN;
    }
    else due = dues.size > 0 ? dues.get(key) : Number(key);
    if (due === undefined || !Number.isFinite(due)) {
      unmatched += list.length;
      continue;
    }
    for (const receivedAtMs of list) {
      const latencyUs = Math.round((receivedAtMs - due) * 1000);
      if (latencyUs < 0) early += 1;
      histogram.recordValue(Math.max(1, latencyUs));
    }
  }
  const summary = latencySummaryMs(histogram);
  histogram.destroy?.();
  const result = { deliveries: histogram.totalCount + unmatched, windowMs, distinctFrames: arrivals.size, unmatched, early, closesWhileRecording, closeCodes: Object.fromEntries(closeCodes), open: connections.size, ...summary };
  arrivals = new Map();
  return result;
}

serveRequests({
  connect: connectClients,
  record: () => {
    arrivals = new Map();
    closesWhileRecording = 0;
    closeCodes.clear();
    recording = true;
    windowStartMs = nowMs();
    return { windowStartMs };
  },
  stop: stopRecording,
  finish,
  closeAll: async () => {
    for (const conn of connections) conn.destroy();
    connections.clear();
    closeCodes.clear();
    await sleep(200);
    return { open: connections.size };
  },
  ping: () => ({ pid: process.pid }),
});
