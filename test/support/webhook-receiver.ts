/**
 * A tiny webhook receiver (node:http) that records every request with its raw body, and
 * can misbehave the ways real receivers do: answer with an error, or hang without ever
 * answering.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from './redis-server.js';

/** One request as it arrived. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes of the body, as text (what a signature is computed over). */
  rawBody: string;
  receivedAt: number;
}

/** `ok`: 204 at once; `fail`: 500 at once; `hang`: reads the request and never answers. */
export type ReceiverMode = 'ok' | 'fail' | 'hang';

export class WebhookReceiver {
  readonly port: number;
  readonly requests: ReceivedRequest[] = [];
  /** Requests whose headers arrived, bodies read or not (a hanging receiver still counts them). */
  connectionsSeen = 0;
  mode: ReceiverMode;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();

  private constructor(port: number, mode: ReceiverMode) {
    this.port = port;
    this.mode = mode;
    this.#server = createServer((request, response) => {
      this.connectionsSeen++;
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({
          method: request.method ?? '', path: request.url ?? '', headers: request.headers,
          rawBody: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now(),
        });
        if (this.mode === 'hang') {
          this.#hanging.add(response);
          response.on('close', () => this.#hanging.delete(response));
          return;
        }
        response.writeHead(this.mode === 'ok' ? 204 : 500).end();
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on a free port of 127.0.0.1. */
  static async start(mode: ReceiverMode = 'ok'): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(await freePort(), mode);
    await new Promise<void>((resolve) => receiver.#server.listen(receiver.port, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/keywatch`;
  }

  /** The parsed JSON bodies received so far. */
  payloads<T = unknown>(): T[] {
    return this.requests.map((request) => JSON.parse(request.rawBody) as T);
  }

  /** Connections currently open (a hung request keeps one open until the sender gives up). */
  get openConnections(): number {
    return this.#sockets.size;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
