/**
 * The ingest scenario's live producer, in its own process: XADDs contract entries to
 * `kw:collect` at a fixed rate, pipelined in 20 ms slices on a fixed schedule, for as long
 * as asked (IPC `produce`), and reports how much it wrote and how far behind it fell.
 *
 * It shares core 1 with Redis, so it must cost less than what it feeds: each slice's
 * XADDs are encoded as RESP by hand into one buffer and written to a plain socket in one
 * go, and only the replies' framing is read (ids are not needed). Through node-redis —
 * a command object, a promise and a decoded reply per entry — it reached only ~19k of
 * the ~28k entries/s asked while Redis took its share of the core (issue 6, 2026-12-07).
 */
import { connect } from 'node:net';
import { collectFields, paceSlices } from '../lib/entries.mjs';
import { serveRequests } from '../lib/ipc.mjs';

const STREAM = 'kw:collect';
const SLICE_MS = 20;
const url = new URL(process.env.BENCH_REDIS_URL);
const socket = connect({ host: url.hostname, port: Number(url.port) });
socket.setNoDelay(true);
await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));

/** RESP of `XADD <stream> * <fields…>`. */
function xaddCommand(fields) {
  let command = `*${fields.length + 3}\r\n$4\r\nXADD\r\n$${STREAM.length}\r\n${STREAM}\r\n$1\r\n*\r\n`;
  for (const field of fields) command += `$${Buffer.byteLength(field)}\r\n${field}\r\n`;
  return command;
}

/**
 * Counts the replies to the XADDs written: a bulk string (`$<n>\r\n<id>\r\n`) each, or an
 * error line (`-…\r\n`). Replies may be split across chunks: an incomplete tail waits.
 */
function replyCounter() {
  let pending = Buffer.alloc(0);
  const counts = { replies: 0, errors: 0 };
  socket.on('data', (chunk) => {
    const data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    while (at < data.length) {
      const lineEnd = data.indexOf('\r\n', at);
      if (lineEnd < 0) break;
      if (data[at] === 0x24 /* $ */) {
        const length = Number(data.toString('latin1', at + 1, lineEnd));
        const end = lineEnd + 2 + Math.max(0, length) + (length >= 0 ? 2 : 0);
        if (end > data.length) break;
        at = end;
      } else {
        if (data[at] === 0x2d /* - */) counts.errors += 1;
        at = lineEnd + 2;
      }
      counts.replies += 1;
    }
    pending = data.subarray(at);
  });
  return counts;
}

const counts = replyCounter();

/** Writes `rate` entries/s with event time "now" for `durationMs`, then waits for their replies. */
async function produce(rate, durationMs) {
  const repliesBefore = counts.replies;
  const errorsBefore = counts.errors;
  const pacer = paceSlices(rate, SLICE_MS, (from, to, ts) => {
    let commands = '';
    for (let n = from; n < to; n++) commands += xaddCommand(collectFields(n, String(ts)));
    socket.write(commands);
  });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const { written, behindMs, seconds } = await pacer.stop();
  while (counts.replies - repliesBefore < written) await new Promise((resolve) => setTimeout(resolve, 5));
  return { written, errors: counts.errors - errorsBefore, behindMs, seconds };
}

serveRequests({
  produce: ({ rate, durationMs }) => produce(rate, durationMs),
});
