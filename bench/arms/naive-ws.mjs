/**
 * Baseline arm "naive": a `ws` server (compression off) that, every tick, serialises the
 * update separately for each client — what encode-once-send-many avoids. With
 * BENCH_TICKING=0 it is the "plain ws" arm of the idle-memory scenario: it accepts
 * sockets and does nothing else.
 */
import { WebSocketServer } from 'ws';
import { armSettings, loadPayload, startTicks } from './tick-schedule.mjs';

const { port, tickMs, ticking } = armSettings();
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
server.on('connection', (socket) => socket.on('error', () => {}));

if (ticking) {
  const message = loadPayload();
  startTicks(tickMs, (due) => {
    const update = { due, ...message };
    for (const client of server.clients) client.send(JSON.stringify(update));
  });
}
process.on('SIGTERM', () => process.exit(0));
