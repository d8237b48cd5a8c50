/**
 * A small TCP proxy for fault tests: forwards to a target port, and can black-hole the
 * traffic — connections stay open and nothing passes, what a network drop looks like to a
 * blocking read. Like TCP itself, it holds the bytes rather than losing them: they flow
 * again, in order, when the network comes back (a stream never silently loses bytes).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './redis-server.js';

export class TcpProxy {
  readonly port: number;
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #blackholed = false;

  private constructor(port: number, server: Server) {
    this.port = port;
    this.#server = server;
  }

  /** Listens on a free port and forwards to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const port = await freePort();
    const connections: ((client: Socket) => void)[] = [];
    const server = createServer((client) => connections[0]?.(client));
    const proxy = new TcpProxy(port, server);
    connections.push((client) => proxy.#accept(client, targetPort));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops passing bytes in both directions, keeping every connection open. */
  blackhole(): void {
    this.#blackholed = true;
    for (const [client, upstream] of this.#pairs) {
      client.pause();
      upstream.pause();
    }
  }

  /** Passes bytes again, the held ones first. */
  restore(): void {
    this.#blackholed = false;
    for (const [client, upstream] of this.#pairs) {
      client.resume();
      upstream.resume();
    }
  }

  async stop(): Promise<void> {
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    // A connection opened during a black hole waits like the others.
    if (this.#blackholed) {
      client.pause();
      upstream.pause();
    }
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.#pairs.delete(pair);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }
}
