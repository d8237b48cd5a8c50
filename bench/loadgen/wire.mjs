/**
 * A minimal WebSocket client over a raw TCP socket, for the load generator: 10k clients
 * in one process must cost less CPU than the servers they measure, so frames are parsed
 * in place (no copies, no string conversion unless the caller asks), and only what the
 * bench needs is implemented: the upgrade, unfragmented server frames, ping → pong,
 * close, and masked text frames from the client.
 */
import { randomFillSync } from 'node:crypto';
import { connect } from 'node:net';

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const HEADER_END = Buffer.from('\r\n\r\n');

/** Any key does: the client does not check the server's accept hash. */
const UPGRADE_KEY = 'YmVuY2gta2V5d2F0Y2gtMQ==';

/**
 * One client connection. `onText(conn, buffer, start, end, receivedAtMs)` gets each text
 * frame's payload as a view into `buffer`, valid only during the call.
 */
export class WireConnection {
  /**
   * @param {{ port: number, path: string, headers?: Record<string,string>, localAddress?: string,
   *   onOpen: (conn: WireConnection) => void, onText: Function, onClose: (conn: WireConnection, code: number|null, reason: string) => void }} options
   */
  constructor(options) {
    this.options = options;
    this.open = false;
    this.closed = false;
    this.closeCode = null;
    /** Per-protocol state the caller keeps on the connection. */
    this.state = 0;
    this.pending = null;
    const socket = connect({ host: '127.0.0.1', port: options.port, localAddress: options.localAddress, noDelay: true });
    this.socket = socket;
    socket.on('connect', () => {
      let request = `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${UPGRADE_KEY}\r\nSec-WebSocket-Version: 13\r\n`;
      for (const [name, value] of Object.entries(options.headers ?? {})) request += `${name}: ${value}\r\n`;
      socket.write(`${request}\r\n`);
    });
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#closed(this.closeCode, 'socket closed'));
  }

  /** Sends a masked text frame. */
  sendText(text) {
    this.#sendFrame(OPCODE_TEXT, Buffer.from(text));
  }

  /** Drops the connection with a TCP reset (no TIME_WAIT left behind for the next arm). */
  destroy() {
    this.closed = true;
    if (typeof this.socket.resetAndDestroy === 'function' && this.socket.readyState === 'open') this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  #closed(code, reason) {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    this.socket.destroy();
    this.options.onClose(this, code, reason);
  }

  #sendFrame(opcode, payload) {
    const length = payload.length;
    const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headerLength + 4 + length);
    frame[0] = 0x80 | opcode;
    if (length < 126) frame[1] = 0x80 | length;
    else if (length < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    const maskAt = headerLength;
    randomFillSync(frame, maskAt, 4);
    for (let i = 0; i < length; i++) frame[maskAt + 4 + i] = payload[i] ^ frame[maskAt + (i & 3)];
    this.socket.write(frame);
  }

  #onData(chunk) {
    const receivedAtMs = performance.timeOrigin + performance.now();
    let buffer = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let offset = 0;
    if (!this.open) {
      const end = buffer.indexOf(HEADER_END);
      if (end === -1) {
        this.pending = buffer;
        return;
      }
      const statusLine = buffer.latin1Slice(0, buffer.indexOf('\r\n'));
      if (!statusLine.startsWith('HTTP/1.1 101')) {
        this.#closed(null, statusLine);
        return;
      }
      this.open = true;
      offset = end + 4;
      this.options.onOpen(this);
    }
    while (offset < buffer.length && !this.closed) {
      const available = buffer.length - offset;
      if (available < 2) break;
      const opcode = buffer[offset] & 0x0f;
      let length = buffer[offset + 1] & 0x7f;
      let headerLength = 2;
      if (length === 126) {
        if (available < 4) break;
        length = buffer.readUInt16BE(offset + 2);
        headerLength = 4;
      } else if (length === 127) {
        if (available < 10) break;
        length = Number(buffer.readBigUInt64BE(offset + 2));
        headerLength = 10;
      }
      if (available < headerLength + length) break;
      const start = offset + headerLength;
      const end = start + length;
      offset = end;
      if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) this.options.onText(this, buffer, start, end, receivedAtMs);
      else if (opcode === OPCODE_PING) this.#sendFrame(OPCODE_PONG, buffer.subarray(start, end));
      else if (opcode === OPCODE_CLOSE) {
        const code = length >= 2 ? buffer.readUInt16BE(start) : null;
        this.#closed(code, buffer.toString('utf8', start + 2, end));
      }
    }
    if (offset < buffer.length && !this.closed) this.pending = buffer.subarray(offset);
  }
}
