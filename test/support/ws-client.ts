/** A WebSocket test client that records every frame and keeps the overview points by second. */
import WebSocket from 'ws';
import type { OverviewPoint } from '../../shared/overview.js';
import type { ServerMessage } from '../../shared/protocol.js';

export class RecordingClient {
  readonly frames: string[] = [];
  readonly messages: ServerMessage[] = [];
  /** When each message arrived (ms), index for index with `messages`. */
  readonly receivedAt: number[] = [];
  /** The newest value of every overview point received (a point replaces an earlier one with the same `t`). */
  readonly points = new Map<number, OverviewPoint>();
  closeCode: number | null = null;
  readonly #socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      const message = JSON.parse(text) as ServerMessage;
      this.messages.push(message);
      this.receivedAt.push(Date.now());
      if ((message.type === 'snapshot' || message.type === 'update') && message.channel === 'overview') {
        for (const point of message.data.points) this.points.set(point.t, point);
      }
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  /** Connects to `/ws` of `origin` and subscribes to `channels`. */
  static async connect(origin: string, channels: string[] = ['overview'], headers: Record<string, string> = {}): Promise<RecordingClient> {
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers });
    const client = new RecordingClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    if (channels.length > 0) client.send({ type: 'subscribe', channels });
    return client;
  }

  send(message: unknown): void {
    this.#socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends one fragment of a text message; `last` ends the message. */
  sendFragment(text: string, last: boolean): void {
    this.#socket.send(text, { fin: last, binary: false });
  }

  close(): void {
    this.#socket.close();
  }
}
