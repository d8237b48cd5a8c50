/**
 * Baseline arm "ceiling": the least a server can do per delivery. It answers the
 * WebSocket upgrade itself, then every tick builds one frame (header + payload, one
 * Buffer) and writes that same Buffer to every raw TCP socket.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { armSettings, loadPayload, startTicks } from './tick-schedule.mjs';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const { port, tickMs } = armSettings();
const message = loadPayload();
/** @type {Set<import('node:net').Socket>} */
const sockets = new Set();

const server = createServer((request, response) => response.writeHead(426).end());
server.on('upgrade', (request, socket) => {
  const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}${WEBSOCKET_GUID}`).digest('base64');
  socket.setNoDelay(true);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  sockets.add(socket);
  socket.on('data', () => {}); // clients send nothing but what we ignore
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
});
server.listen(port, '127.0.0.1');

/** One unmasked text frame holding `payload`. */
function textFrame(payload) {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

startTicks(tickMs, (due) => {
  const frame = textFrame(Buffer.from(JSON.stringify({ due, ...message })));
  for (const socket of sockets) socket.write(frame);
});
process.on('SIGTERM', () => process.exit(0));
