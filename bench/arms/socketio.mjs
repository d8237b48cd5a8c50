/**
 * Baseline arm "Socket.IO": Socket.IO 4, websocket transport only, compression off.
 * - Fan-out (default): every tick, `io.emit('update', …)` of the same payload (Socket.IO
 *   encodes a broadcast once and reuses the WebSocket frame for every client).
 * - BENCH_TICKING=0: idle, for the memory scenario.
 * - BENCH_REDIS_URL set: no ticks; the Redis Streams adapter carries broadcasts from
 *   other instances (the alert-latency scenario's emitter) to this server's clients.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { armSettings, loadPayload, startTicks } from './tick-schedule.mjs';

const { port, tickMs, ticking } = armSettings();
const httpServer = createServer();
const options = { transports: ['websocket'], perMessageDeflate: false, httpCompression: false, serveClient: false };
const redisUrl = process.env.BENCH_REDIS_URL;
if (redisUrl) {
  const { createClient } = await import('redis');
  const { createAdapter } = await import('@socket.io/redis-streams-adapter');
  const redis = createClient({ url: redisUrl });
  redis.on('error', () => {});
  await redis.connect();
  options.adapter = createAdapter(redis);
}
const io = new Server(httpServer, options);
httpServer.listen(port, '127.0.0.1');

if (ticking && !redisUrl) {
  const message = loadPayload();
  startTicks(tickMs, (due) => io.emit('update', { due, ...message }));
}
process.on('SIGTERM', () => process.exit(0));
