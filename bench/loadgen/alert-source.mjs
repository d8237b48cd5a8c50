/**
 * The alert-latency scenario's event source, in its own process: at fixed instants
 * (`startAtMs + n × intervalMs`, no drift, a late one is sent at once), event n enters
 * Redis —
 * - keywatch: `XADD kw:security` of an allowed `raw_access` by `mallory-<n>` (raises
 *   the critical `unauthorized_raw_access`);
 * - socketio: `io.emit('alert', { seq: n, … })` from a Socket.IO server with no clients of
 *   its own, whose Redis Streams adapter carries it to the arm's server and its clients.
 */
import { readFileSync } from 'node:fs';
import { createClient } from 'redis';
import { rawAccessFields } from '../lib/entries.mjs';
import { serveRequests } from '../lib/ipc.mjs';

const mode = process.env.BENCH_ALERT_MODE;
const client = createClient({ url: process.env.BENCH_REDIS_URL, RESP: 2 });
client.on('error', () => {});
await client.connect();

let emit;
if (mode === 'keywatch') {
  emit = (sequence) => client.sendCommand(['XADD', 'kw:security', '*', ...rawAccessFields(sequence, Date.now())]);
} else if (mode === 'socketio') {
  const { Server } = await import('socket.io');
  const { createAdapter } = await import('@socket.io/redis-streams-adapter');
  const io = new Server({ adapter: createAdapter(client) });
  // The same alert Keywatch sends, as the event's body.
  const alert = JSON.parse(readFileSync(process.env.BENCH_PAYLOAD_FILE, 'utf8')).alert;
  emit = (sequence) => io.emit('alert', { seq: sequence, alert });
} else {
  throw new Error(`BENCH_ALERT_MODE must be keywatch or socketio, not ${mode}`);
}

serveRequests({
  run: async ({ startAtMs, intervalMs, count }) => {
    let lateMaxMs = 0;
    for (let sequence = 0; sequence < count; sequence++) {
      const dueMs = startAtMs + sequence * intervalMs;
      const waitMs = dueMs - (performance.timeOrigin + performance.now());
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      lateMaxMs = Math.max(lateMaxMs, performance.timeOrigin + performance.now() - dueMs);
      emit(sequence);
    }
    return { lateMaxMs };
  },
});
