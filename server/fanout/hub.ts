/**
 * The fan-out hub: clients, their channel subscriptions, and the tick that pushes
 * updates. Every frame is serialised once and the same string sent to every subscriber.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  CHANNELS, channelsFor, ClientMessage, CloseCode, PROTOCOL_VERSION, type ChannelName, type ErrorMessage, type HelloMessage,
  type OverviewSnapshotMessage, type OverviewUpdateMessage, type ServerMessage, type StatusMessage,
} from '../../shared/protocol.js';
import type { SourceStatus } from '../ingest/ingest-loop.js';
import type { OverviewFeed } from '../overview/overview-feed.js';
import { CLIENT_MESSAGES_PER_SECOND, ClientConnection, type ClientIdentity } from './client-connection.js';

const clientMessage = TypeCompiler.Compile(ClientMessage);

/** Channels this version serves; the others in the protocol are answered `unknown_channel`. */
const SERVED_CHANNELS: ReadonlySet<ChannelName> = new Set(['overview']);

/** Heartbeat: a socket that does not answer a ping within this period is dropped. */
export const HEARTBEAT_MS = 30_000;

export interface HubOptions {
  feed: OverviewFeed;
  mode: 'redis' | 'embedded';
  tickMs: number;
  clientBufferBytes: number;
  status: () => SourceStatus;
  log: FastifyBaseLogger;
  now?: () => number;
}

export class Hub {
  readonly #options: HubOptions;
  readonly #now: () => number;
  readonly #clients = new Set<ClientConnection>();
  /** The overview snapshot frame, encoded once and reused until the next change. */
  #snapshotFrame: string | null = null;

  constructor(options: HubOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Takes a freshly upgraded socket: greets it and listens to it. */
  accept(socket: WebSocket, identity: ClientIdentity): void {
    const client = new ClientConnection(socket, identity, this.#now());
    this.#clients.add(client);
    socket.on('message', (data, isBinary) => this.#onMessage(client, data, isBinary));
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => this.#clients.delete(client));
    socket.on('error', (error) => this.#options.log.debug({ err: error.message }, 'websocket error'));
    const hello: HelloMessage = {
      type: 'hello', protocol: PROTOCOL_VERSION, user: identity.user, role: identity.role,
      channels: channelsFor(identity.role), tickMs: this.#options.tickMs, mode: this.#options.mode,
    };
    this.#send(client, JSON.stringify(hello));
    this.#send(client, JSON.stringify(this.#statusMessage(this.#options.status())));
  }

  /** Pushes the overview changes of one tick to its subscribers. */
  async tick(): Promise<void> {
    const update = await this.#options.feed.tick();
    if (update === null) return;
    this.#snapshotFrame = null;
    const message: OverviewUpdateMessage = { type: 'update', channel: 'overview', data: update };
    this.#broadcast('overview', JSON.stringify(message));
  }

  /** Tells every client the source's state (called on every change). */
  broadcastStatus(status: SourceStatus): void {
    const frame = JSON.stringify(this.#statusMessage(status));
    for (const client of this.#clients) this.#send(client, frame);
  }

  /** Pings every socket; terminates those that missed the previous ping. */
  heartbeat(): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        client.socket.terminate();
        this.#clients.delete(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  /** Closes every socket with `code` (1001 on shutdown). */
  closeAll(code: number, reason: string): void {
    for (const client of this.#clients) client.socket.close(code, reason);
    this.#clients.clear();
  }

  #onMessage(client: ClientConnection, data: RawData, isBinary: boolean): void {
    if (!client.takeMessageToken(this.#now())) {
      this.#sendError(client, 'rate_limited', `Too many messages: at most ${CLIENT_MESSAGES_PER_SECOND} per second.`);
      return;
    }
    let parsed: unknown;
    try {
      if (isBinary) throw new Error('binary');
      parsed = JSON.parse(rawText(data));
    } catch {
      this.#sendError(client, 'bad_request', 'Frames must be JSON text messages.');
      return;
    }
    if (!clientMessage.Check(parsed)) {
      this.#sendError(client, 'bad_request', 'Expected {"type":"subscribe"|"unsubscribe","channels":[…]} with no other properties.');
      return;
    }
    if (parsed.type === 'unsubscribe') {
      for (const name of parsed.channels) client.channels.delete(name as ChannelName);
      return;
    }
    for (const name of parsed.channels) this.#subscribe(client, name);
  }

  #subscribe(client: ClientConnection, name: string): void {
    if (!(CHANNELS as readonly string[]).includes(name)) {
      this.#sendError(client, 'unknown_channel', 'No such channel.', name.slice(0, 64));
      return;
    }
    const channel = name as ChannelName;
    if (!channelsFor(client.identity.role).includes(channel)) {
      this.#sendError(client, 'forbidden', `Your role may not subscribe to ${channel}.`, channel);
      return;
    }
    if (!SERVED_CHANNELS.has(channel)) {
      this.#sendError(client, 'unknown_channel', `The ${channel} channel is not served by this version yet.`, channel);
      return;
    }
    client.channels.add(channel);
    this.#snapshotFrame ??= JSON.stringify({ type: 'snapshot', channel: 'overview', data: this.#options.feed.snapshot() } satisfies OverviewSnapshotMessage);
    this.#send(client, this.#snapshotFrame);
  }

  #broadcast(channel: ChannelName, frame: string): void {
    for (const client of this.#clients) if (client.channels.has(channel)) this.#send(client, frame);
  }

  #send(client: ClientConnection, frame: string): void {
    const socket = client.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.#options.clientBufferBytes) {
      // A client that does not read is disconnected rather than buffered without bound.
      socket.close(CloseCode.tryAgainLater, 'slow client, reconnect');
      this.#clients.delete(client);
      return;
    }
    socket.send(frame);
  }

  #sendError(client: ClientConnection, code: ErrorMessage['code'], message: string, channel?: string): void {
    const error: ServerMessage = channel === undefined ? { type: 'error', code, message } : { type: 'error', code, channel, message };
    this.#send(client, JSON.stringify(error));
  }

  #statusMessage(status: SourceStatus): StatusMessage {
    return { type: 'status', source: status.source, since: status.sinceMs, lagMs: Math.round(status.lagMs) };
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
