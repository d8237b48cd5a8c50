/**
 * The fan-out hub: clients, their channel subscriptions, and the tick that pushes
 * updates. Every message is serialised and framed once (see `Frame`), and the same
 * buffer written to every subscriber's socket.
 *
 * Slow clients: a read-lag probe (a ping queued behind what was sent, written together
 * with the client's next update) tells how far behind each client reads. Each client is
 * probed once per `probeIntervalMs(clientLagMs)`, the clients' turns spread over that
 * period. A client behind, or whose unsent data passes a soft limit, has its metric
 * updates held and merged per channel (per second for `overview`) and sent as one once
 * it catches up: nothing is dropped, and it costs the others nothing.
 * Alert events and status are never held. A client behind for longer than
 * `clientLagMs`, or whose unsent data passes `clientBufferBytes`, is disconnected with
 * 1013 and resumes.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  CHANNELS, channelsFor, ClientMessage, CloseCode, PROTOCOL_VERSION, type ChannelName, type ErrorMessage, type HelloMessage,
  type ServerMessage, type StatusMessage,
} from '../../shared/protocol.js';
import type { Role } from '../../shared/channels.js';
import type { SourceStatus } from '../ingest/ingest-loop.js';
import { channelViewFor, type ChannelView } from '../privacy/role-views.js';
import type { ChannelFeed, ViewData } from './channel-feed.js';
import { hubSocketClass, type HubSocketFields, type SocketEventSink } from './hub-socket.js';
import { encodeOutbound, wireFrame, type Frame } from './outbound.js';
import { CLIENT_MESSAGES_PER_SECOND, ClientConnection, type ClientIdentity } from './client-connection.js';
import { SharedIdentities } from './shared-identities.js';

const clientMessage = TypeCompiler.Compile(ClientMessage);

/** A socket the Hub can take: one made by a class from `Hub.socketClass`. */
export type HubSocket = WebSocket & HubSocketFields<ClientConnection>;

const CHANNEL_VIEWS: readonly ChannelView[] = ['full', 'k-anonymised'];

/** Lone probes written per turn of the event loop (see #writeProbes). */
const PROBE_SLICE = 100;
/** How often `Hub.probe` is to be called: each call is one round of the clients' probe turns. */
export const PROBE_ROUND_MS = 500;

/**
 * How often each client's read lag is probed: a quarter of the lag bound (so a client
 * that stops reading is closed within about 1.25 × `clientLagMs` and a second), at
 * least once a second and at most every 5 s. Every pong is a socket read, and a read
 * costs the server about what a delivery does: probing 10,000 clients once a second
 * took a fifth of the fan-out's CPU, and their pongs, all coming back after the same
 * tick, doubled its p99 (issue 6).
 */
export function probeIntervalMs(clientLagMs: number): number {
  return Math.min(5000, Math.max(1000, clientLagMs / 4));
}
/** A client whose probe is unanswered this long is behind: its metric updates are held and merged. */
export const BEHIND_AFTER_MS = 500;
/** Payload of the read-lag probe's ping (the heartbeat's ping has none), and its whole frame. */
const PROBE_PAYLOAD = Buffer.from('lag');
const PROBE_FRAME = wireFrame(PROBE_PAYLOAD, 0x9);
/** Unsent data above which a client is behind, at most: a quarter of the disconnect bound. */
const SOFT_BUFFER_BYTES = 64 * 1024;

/** The Hub's view of its slowest clients, for /metrics. */
export interface SlowClientFigures {
  behind: number;
  maxBufferedBytes: number;
  maxReadLagMs: number;
}

export interface HubOptions {
  /** The channels this server serves; the others in the protocol are answered `unknown_channel`. */
  feeds: Partial<Record<ChannelName, ChannelFeed>>;
  mode: 'redis' | 'embedded';
  tickMs: number;
  /** Unsent data past which a client is disconnected (1013). */
  clientBufferBytes: number;
  /** Read lag past which a client is disconnected (1013). */
  clientLagMs: number;
  status: () => SourceStatus;
  log: FastifyBaseLogger;
  now?: () => number;
}

export class Hub {
  readonly #options: HubOptions;
  readonly #now: () => number;
  readonly #clients = new Set<ClientConnection>();
  /** Running totals for /metrics (plain numbers: this is the hot path). */
  readonly stats = { framesSent: 0, slowDisconnects: 0 };
  /** Snapshot frames per channel and role view, encoded once and reused until the channel's next update. */
  readonly #snapshotFrames = new Map<string, Promise<Frame>>();
  /** Channels whose tick is running. */
  readonly #ticking = new Set<ChannelName>();
  /** Clients with held updates. */
  readonly #holding = new Set<ClientConnection>();
  readonly #softBufferBytes: number;
  /** Where every socket of `socketClass` hands its events. */
  readonly #events = this.#makeEventSink();
  /** Clients with the same credential share one identity object. */
  readonly #identities = new SharedIdentities();
  /** A client's probe turn comes every this many rounds (see #probeTurn). */
  readonly #roundsPerProbe: number;
  #probeRound = 0;

  constructor(options: HubOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#softBufferBytes = Math.min(SOFT_BUFFER_BYTES, Math.floor(options.clientBufferBytes / 4));
    this.#roundsPerProbe = Math.max(1, Math.round(probeIntervalMs(options.clientLagMs) / PROBE_ROUND_MS));
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /**
   * `Base` (ws's WebSocket; a test double in tests) made into the sockets this Hub can
   * take: they hand it their events (see hub-socket.ts). Give it to the WebSocketServer.
   */
  socketClass<Base extends new (...args: any[]) => EventEmitter>(Base: Base) {
    return hubSocketClass<Base, ClientConnection>(Base, this.#events);
  }

  /** Takes a freshly upgraded socket (made by a `socketClass` class): greets it and hears its events. */
  accept(socket: HubSocket, identity: ClientIdentity): void {
    if (!('hubClient' in socket)) throw new TypeError('Hub.accept takes sockets made by a Hub.socketClass class');
    const client = new ClientConnection(socket, this.#identities.share(identity), this.#now());
    this.#clients.add(client);
    socket.hubClient = client;
    const hello: HelloMessage = {
      type: 'hello', protocol: PROTOCOL_VERSION, user: identity.user, role: identity.role,
      channels: channelsFor(identity.role), tickMs: this.#options.tickMs, mode: this.#options.mode,
    };
    this.#sendMessage(client, hello);
    this.#sendMessage(client, this.#statusMessage(this.#options.status()));
  }

  /** Runs one tick of every feed and pushes each update to its channel's subscribers. */
  async tick(): Promise<void> {
    const channels = Object.entries(this.#options.feeds) as [ChannelName, ChannelFeed][];
    await Promise.all(channels.map(([channel, feed]) => this.#tickChannel(channel, feed)));
    // Clients that caught up get what they hold (flushing checks that they have).
    for (const client of this.#holding) this.#flushHeld(client);
  }

  /**
   * One channel's tick. Channels tick independently: one whose previous tick still runs
   * (its store slow to answer) skips this one and holds back no other — the overview
   * never waits for the teams or audit reads.
   */
  async #tickChannel(channel: ChannelName, feed: ChannelFeed): Promise<void> {
    if (this.#ticking.has(channel)) return;
    this.#ticking.add(channel);
    let update: ViewData | null;
    try {
      update = await feed.tick();
    } catch (error) {
      // One channel's failure (its store unreachable) must not hold the others back.
      this.#options.log.warn({ channel, err: (error as Error).message }, 'channel tick failed; retrying next tick');
      return;
    } finally {
      this.#ticking.delete(channel);
    }
    if (update === null) return;
    const now = this.#now();
    for (const view of CHANNEL_VIEWS) this.#snapshotFrames.delete(`${channel}:${view}`);
    const prepared = new Map<ChannelView, { data: unknown; frame: Frame | null }>();
    for (const client of this.#clients) {
      if (!client.isSubscribed(channel)) continue;
      const view = channelViewFor(client.identity.role);
      let forView = prepared.get(view);
      if (forView === undefined) {
        const data = update(view);
        forView = { data, frame: data === undefined ? null : this.#encode({ type: 'update', channel, data }) };
        prepared.set(view, forView);
      }
      if (forView.frame === null) continue;
      if (client.hasHeld(channel) || this.#isBehind(client, now)) this.#hold(client, channel, feed, forView.data);
      else this.#send(client, forView.frame);
    }
  }

  /**
   * One probe round, called every PROBE_ROUND_MS. A client whose turn it is and that has
   * no probe in flight is due one: it goes out with the client's next update (one
   * write), or alone at the next round if no update came. A client whose probe has gone
   * unanswered for longer than `clientLagMs` is disconnected (1013).
   */
  probe(): void {
    const now = this.#now();
    const alone: ClientConnection[] = [];
    const round = this.#probeRound++;
    let index = 0;
    for (const client of this.#clients) {
      if (client.probeSentAtMs !== null) {
        if (now - client.probeSentAtMs > this.#options.clientLagMs) this.#disconnectSlow(client);
      } else if (client.probeDue) {
        alone.push(client);
      } else if (this.#probeTurn(index, round)) {
        client.probeDue = true;
      }
      index += 1;
    }
    this.#writeProbes(alone, 0);
  }

  /**
   * Whether round `round` is the turn of the client at `index` in the clients' order:
   * turns are spread over the rounds, so that the pongs come back a share at a time
   * rather than all after one tick. No state per client (idle memory per connection is
   * a target): a client that moves up when another leaves just has its turn a round early.
   */
  #probeTurn(index: number, round: number): boolean {
    return (index + round) % this.#roundsPerProbe === 0;
  }

  /**
   * Writes lone probes a slice at a time, yielding to I/O between slices: a thousand
   * socket writes in one go would hold an alert that arrives meanwhile for ~20 ms.
   */
  #writeProbes(clients: readonly ClientConnection[], from: number): void {
    const to = Math.min(clients.length, from + PROBE_SLICE);
    for (let index = from; index < to; index++) {
      const client = clients[index]!;
      // Meanwhile an update may have carried the probe, or the client may have gone.
      if (client.probeDue && client.probeSentAtMs === null && client.socket.readyState === client.socket.OPEN) this.#write(client, null, true);
    }
    if (to < clients.length) setImmediate(() => this.#writeProbes(clients, to));
  }

  /** How many clients are behind, and the worst unsent data and read lag (for /metrics). */
  slowClients(): SlowClientFigures {
    const now = this.#now();
    const figures: SlowClientFigures = { behind: 0, maxBufferedBytes: 0, maxReadLagMs: 0 };
    for (const client of this.#clients) {
      if (this.#isBehind(client, now)) figures.behind += 1;
      figures.maxBufferedBytes = Math.max(figures.maxBufferedBytes, client.socket.bufferedAmount);
      figures.maxReadLagMs = Math.max(figures.maxReadLagMs, client.readLagMs(now));
    }
    return figures;
  }

  #isBehind(client: ClientConnection, now: number): boolean {
    return client.readLagMs(now) >= BEHIND_AFTER_MS || client.socket.bufferedAmount > this.#softBufferBytes;
  }

  /** Holds `data` for a client that is behind, merged into what it already holds of the channel. */
  #hold(client: ClientConnection, channel: ChannelName, feed: ChannelFeed, data: unknown): void {
    const held = client.heldUpdate(channel);
    client.setHeld(channel, held === undefined || !feed.merge ? data : feed.merge(held, data));
    this.#holding.add(client);
  }

  /** Sends a client that caught up what it holds, one update per channel. */
  #flushHeld(client: ClientConnection): void {
    if (!client.holdsUpdates || this.#isBehind(client, this.#now())) return;
    const held = client.takeHeld();
    this.#holding.delete(client);
    for (const [channel, data] of held) {
      if (!client.isSubscribed(channel)) continue;
      const frame = this.#encode({ type: 'update', channel, data });
      if (frame !== null) this.#send(client, frame);
    }
  }

  #disconnectSlow(client: ClientConnection): void {
    client.socket.close(CloseCode.tryAgainLater, 'slow client, reconnect');
    this.#forget(client);
    this.stats.slowDisconnects += 1;
  }

  #forget(client: ClientConnection): void {
    // Called on close, and before it when the hub closes a client itself.
    if (!this.#clients.delete(client)) return;
    this.#holding.delete(client);
    this.#identities.release(client.identity);
  }

  #onPong(client: ClientConnection, data: Buffer): void {
    client.alive = true;
    if (client.probeSentAtMs !== null && data.equals(PROBE_PAYLOAD)) {
      client.probeSentAtMs = null;
      this.#flushHeld(client);
    }
  }

  /** What the sockets' events do: each socket knows its client, so one sink serves them all. */
  #makeEventSink(): SocketEventSink<ClientConnection> {
    return {
      message: (client, data, isBinary) => this.#onMessage(client, data, isBinary),
      pong: (client, data) => this.#onPong(client, data),
      close: (client) => this.#forget(client),
      error: (_client, error) => this.#options.log.debug({ err: error.message }, 'websocket error'),
    };
  }

  /** Tells every client the source's state (called on every change). */
  broadcastStatus(status: SourceStatus): void {
    const frame = this.#encode(this.#statusMessage(status));
    if (frame !== null) for (const client of this.#clients) this.#send(client, frame);
  }

  /** Pings every socket; terminates those that missed the previous ping. */
  heartbeat(): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        client.socket.terminate();
        this.#forget(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  /** Closes, with `code`, the sockets whose identity matches (1008 when credentials end). */
  closeWhere(matches: (identity: ClientIdentity) => boolean, code: number, reason: string): number {
    let closed = 0;
    for (const client of this.#clients) {
      if (!matches(client.identity)) continue;
      client.socket.close(code, reason);
      this.#forget(client);
      closed += 1;
    }
    return closed;
  }

  /** Connected clients per role. */
  clientsByRole(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const client of this.#clients) counts[client.identity.role] = (counts[client.identity.role] ?? 0) + 1;
    return counts;
  }

  /** The identities of the connected sockets (for re-checking credentials). */
  identities(): ClientIdentity[] {
    return [...this.#clients].map((client) => client.identity);
  }

  /** Closes every socket with `code` (1001 on shutdown). */
  closeAll(code: number, reason: string): void {
    for (const client of this.#clients) client.socket.close(code, reason);
    this.#clients.clear();
    this.#holding.clear();
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
      for (const name of parsed.channels) client.unsubscribe(name as ChannelName);
      return;
    }
    for (const name of parsed.channels) this.#subscribe(client, name, parsed.resume?.[name]);
  }

  #subscribe(client: ClientConnection, name: string, resume: string | undefined): void {
    if (!(CHANNELS as readonly string[]).includes(name)) {
      this.#sendError(client, 'unknown_channel', 'No such channel.', name.slice(0, 64));
      return;
    }
    const channel = name as ChannelName;
    if (!channelsFor(client.identity.role).includes(channel)) {
      this.#sendError(client, 'forbidden', `Your role may not subscribe to ${channel}.`, channel);
      return;
    }
    const feed = this.#options.feeds[channel];
    if (!feed) {
      this.#sendError(client, 'unknown_channel', `The ${channel} channel is not served by this version yet.`, channel);
      return;
    }
    client.subscribe(channel);
    feed.subscribed?.(client.identity);
    if (resume !== undefined && feed.resume) {
      this.#resume(client, channel, feed, resume);
      return;
    }
    this.snapshotFrame(channel, client.identity.role).then(
      (frame) => {
        // Still subscribed (an unsubscribe may have come while the snapshot was read)?
        if (client.isSubscribed(channel)) this.#send(client, frame);
      },
      (error: Error) => {
        this.#options.log.warn({ err: error.message, channel }, 'snapshot failed');
        client.unsubscribe(channel);
        this.#sendError(client, 'bad_request', `The ${channel} snapshot could not be read just now; subscribe again shortly.`, channel);
      },
    );
  }

  /**
   * Sends a resumed client what it missed, then the live frames that came meanwhile; a
   * cursor that cannot be honoured gets the full snapshot (`recovered: false`).
   */
  #resume(client: ClientConnection, channel: ChannelName, feed: ChannelFeed, cursor: string): void {
    client.startCatchUp(channel);
    const view = channelViewFor(client.identity.role);
    const finish = (frames: Frame[]): void => {
      const live = client.endCatchUp(channel);
      if (!client.isSubscribed(channel)) return;
      // A live frame already among the missed ones (same event) is sent once.
      const sent = new Set(frames.map((frame) => frame.text));
      for (const frame of [...frames, ...live.filter((frame) => !sent.has(frame.text))]) this.#send(client, frame);
    };
    feed.resume!(view, cursor).then(
      async (resumed) => {
        if (resumed === null) return finish([await this.snapshotFrame(channel, client.identity.role)]);
        const frames = [this.#encode({ type: 'snapshot', channel, data: resumed.data }), ...resumed.missed.map((message) => this.#encode(message))];
        finish(frames.filter((frame): frame is Frame => frame !== null));
      },
    ).catch((error: Error) => {
      client.endCatchUp(channel);
      client.unsubscribe(channel);
      this.#options.log.warn({ err: error.message, channel }, 'resume failed');
      this.#sendError(client, 'bad_request', `The ${channel} channel could not be resumed just now; subscribe again shortly.`, channel);
    });
  }

  /** Sends `message` at once to every subscriber of `channel` (encoded once); clients catching up get it after what they missed. */
  publish(channel: ChannelName, message: ServerMessage): void {
    const frame = this.#encode(message);
    if (frame === null) return;
    for (const view of CHANNEL_VIEWS) this.#snapshotFrames.delete(`${channel}:${view}`);
    for (const client of this.#clients) {
      if (!client.isSubscribed(channel)) continue;
      const waiting = client.catchUpQueue(channel);
      if (waiting) waiting.push(frame);
      else this.#send(client, frame);
    }
  }

  /** The snapshot message of `channel` as `role` may see it, encoded once per view until the next update. */
  snapshotFrame(channel: ChannelName, role: Role): Promise<Frame> {
    const view = channelViewFor(role);
    const key = `${channel}:${view}`;
    let frame = this.#snapshotFrames.get(key);
    if (frame === undefined) {
      const feed = this.#options.feeds[channel];
      if (!feed) return Promise.reject(new Error(`channel ${channel} is not served`));
      frame = feed.snapshot(view).then((data) => {
        const encoded = this.#encode({ type: 'snapshot', channel, data });
        if (encoded === null) throw new Error(`the ${channel} snapshot is not a protocol message`);
        return encoded;
      });
      frame.catch(() => this.#snapshotFrames.delete(key));
      this.#snapshotFrames.set(key, frame);
    }
    return frame;
  }

  #send(client: ClientConnection, frame: Frame): void {
    const socket = client.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.#options.clientBufferBytes) {
      // A client that does not read is disconnected rather than buffered without bound.
      this.#disconnectSlow(client);
      return;
    }
    this.#write(client, frame, client.probeDue);
    this.stats.framesSent += 1;
  }

  /**
   * Writes a prepared frame and, with `withProbe`, the lag probe behind it, straight to
   * the socket's stream in one go (ws queues nothing of its own with compression off, so
   * whole frames written there keep their order with everything ws sends). A socket
   * without a stream (a test double) gets them through `send` and `ping`.
   */
  #write(client: ClientConnection, frame: Frame | null, withProbe: boolean): void {
    const stream = (client.socket as unknown as { _socket?: Duplex })._socket;
    if (withProbe) {
      client.probeDue = false;
      client.probeSentAtMs = this.#now();
    }
    if (!stream) {
      if (frame) client.socket.send(frame.text);
      if (withProbe) client.socket.ping(PROBE_PAYLOAD);
      return;
    }
    // One write either way: the frame with the probe behind it is built once per frame, not per client.
    stream.write(frame === null ? PROBE_FRAME : withProbe ? (frame.withProbe ??= Buffer.concat([frame.wire, PROBE_FRAME])) : frame.wire);
  }

  #sendError(client: ClientConnection, code: ErrorMessage['code'], message: string, channel?: string): void {
    const error: ServerMessage = channel === undefined ? { type: 'error', code, message } : { type: 'error', code, channel, message };
    this.#sendMessage(client, error);
  }

  #sendMessage(client: ClientConnection, message: ServerMessage): void {
    const frame = this.#encode(message);
    if (frame !== null) this.#send(client, frame);
  }

  /** Encodes a message once, refusing anything that is not in the protocol (see outbound.ts). */
  #encode(message: unknown): Frame | null {
    return encodeOutbound(message, (paths) => this.#options.log.error({ paths }, 'outbound message refused: fields not in the protocol'));
  }

  #statusMessage(status: SourceStatus): StatusMessage {
    return { type: 'status', source: status.source, since: status.sinceMs, lagMs: Math.round(status.lagMs) };
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
