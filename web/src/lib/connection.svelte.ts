/**
 * The dashboard's one WebSocket to `/ws`: says hello, subscribes to `overview` (always,
 * for the header) and to the channels the open view listens to, hands snapshots and
 * updates to their listeners, and reconnects with backoff until the session is over: a
 * 1008 close, or a refused upgrade after which `/api/me` answers 401. Exposes the link's
 * state for the header.
 */
import type { OverviewData } from '../../../shared/overview.js';
import type { ErrorMessage, HelloMessage, ServerMessage, StatusMessage, SubscribeMessage, UnsubscribeMessage } from '../../../shared/protocol.js';
import { backoffDelayMs } from './backoff.js';
import { ChannelRegistry, type ChannelListener, type ListenerOf, type LiveChannel } from './channel-registry.js';
import { closeAction, staleAfterMs } from './close-policy.js';
import type { ConnectionState } from './connection-label.js';
import type { SessionCheck } from './session.svelte.js';
import { parseServerMessage } from './server-message.js';

/** An `error` message as received, with the client time it arrived. */
export interface ReceivedError {
  readonly code: ErrorMessage['code'];
  readonly message: string;
  readonly channel: string | undefined;
  readonly atMs: number;
}

/** How the connection learns about and reports the end of the session. */
export interface SessionHooks {
  /** Asked after a socket closed without `hello`: does the session still hold? */
  probe(): Promise<SessionCheck>;
  /** The server closed with 1008: the session is over. */
  ended(): void;
}

/** Where the dashboard's socket is in its life; `state` adds freshness on top. */
type Phase = 'connecting' | 'subscribing' | 'subscribed' | 'waiting' | 'signed-out';

/** Fallback until `hello` says otherwise. */
const DEFAULT_TICK_MS = 250;
/** How often the clock behind "N s ago" and stale detection moves. */
const CLOCK_MS = 500;
/**
 * A socket that has not delivered the overview snapshot this long after it was opened is
 * given up and retried: an upgrade stuck behind a proxy, or a server that accepted and hung.
 */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** A channel the server could not subscribe just now (`bad_request` naming it: a resume that failed) is asked for again after this. */
const RESUBSCRIBE_AFTER_MS = 3_000;

/** `ws(s)://<this host>/ws`. */
export function defaultSocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** The live link to the server. Call `start()` once; `stop()` on teardown. */
export class Connection {
  /** The server's `hello` on the current (or last) socket. */
  hello = $state.raw<HelloMessage | null>(null);
  /** Client time of the last overview snapshot or update. */
  lastUpdateMs = $state<number | null>(null);
  /** The last `status` from the server since the socket opened; null = assumed up. */
  sourceStatus = $state.raw<StatusMessage | null>(null);
  /** The last `error` message not about a channel a view listens to, shown unobtrusively. */
  lastError = $state.raw<ReceivedError | null>(null);
  /** Client time of the next reconnect attempt, while waiting for it. */
  nextAttemptMs = $state<number | null>(null);
  /** A clock that moves every half second, for ages and staleness. */
  nowMs = $state(Date.now());

  #phase = $state<Phase>('connecting');
  /** Whether this connection has ever been live: a retry before that is still "connecting". */
  #everLive = $state(false);

  /** The link as the header shows it. */
  state: ConnectionState = $derived.by(() => {
    switch (this.#phase) {
      case 'signed-out':
        return 'signed-out';
      case 'subscribed': {
        const tickMs = this.hello?.tickMs ?? DEFAULT_TICK_MS;
        const quietMs = this.lastUpdateMs === null ? 0 : this.nowMs - this.lastUpdateMs;
        return quietMs > staleAfterMs(tickMs) ? 'stale' : 'live';
      }
      default:
        return this.#everLive ? 'reconnecting' : 'connecting';
    }
  });

  /** Set while the server reports the stream source down. */
  sourceDownSinceMs: number | null = $derived(this.sourceStatus?.source === 'down' ? this.sourceStatus.since : null);

  readonly #url: string;
  readonly #session: SessionHooks;
  readonly #channels = new ChannelRegistry();
  #socket: WebSocket | null = null;
  /** Whether the current socket received `hello`: until then no subscribe can be sent. */
  #greeted = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #clockTimer: ReturnType<typeof setInterval> | undefined;
  readonly #resubscribeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #stopped = true;

  /** @param overview receives the `overview` channel, which is always subscribed */
  constructor(overview: ChannelListener<OverviewData>, session: SessionHooks, url: string = defaultSocketUrl()) {
    this.#channels.add('overview', overview);
    this.#session = session;
    this.#url = url;
  }

  /** Opens the socket and keeps it open. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#clockTimer = setInterval(() => { this.nowMs = Date.now(); }, CLOCK_MS);
    this.#open();
  }

  /** Closes the socket for good (component teardown, signing out). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#clockTimer);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#handshakeTimer);
    for (const timer of this.#resubscribeTimers.values()) clearTimeout(timer);
    this.#resubscribeTimers.clear();
    this.#socket?.close(1000, 'page closed');
    this.#socket = null;
  }

  /**
   * Listens to a channel while a view is open: subscribes now (or on the next socket) and
   * after every reconnect. Returns the function that unsubscribes.
   */
  subscribe<C extends LiveChannel>(channel: C, listener: ListenerOf<C>): () => void {
    this.#channels.add(channel, listener);
    // A second listener of a channel needs a snapshot too: subscribing again sends one.
    this.#send(this.#subscribeMessage([channel]));
    return () => {
      if (this.#channels.remove(channel, listener)) this.#send({ type: 'unsubscribe', channels: [channel] } satisfies UnsubscribeMessage);
    };
  }

  /** A subscribe to `channels`, resuming those whose listeners hold a resume point (the `alerts` event id). */
  #subscribeMessage(channels: LiveChannel[]): SubscribeMessage {
    const resume = this.#channels.resumePoints(channels);
    return Object.keys(resume).length === 0 ? { type: 'subscribe', channels } : { type: 'subscribe', channels, resume };
  }

  #send(message: SubscribeMessage | UnsubscribeMessage): void {
    if (this.#socket === null || !this.#greeted || this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(JSON.stringify(message));
  }

  #open(): void {
    this.nextAttemptMs = null;
    this.#phase = 'connecting';
    this.#greeted = false;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#socket = socket;
    this.#handshakeTimer = setTimeout(() => {
      if (socket !== this.#socket || this.#phase === 'subscribed') return;
      this.#socket = null; // its close event, whenever it comes, is no longer ours to handle
      socket.close(4000, 'no snapshot in time');
      this.#scheduleRetry();
    }, HANDSHAKE_TIMEOUT_MS);
    socket.onmessage = (event) => {
      if (socket === this.#socket && typeof event.data === 'string') this.#handle(event.data);
    };
    // `error` is always followed by `close`, which decides what happens next.
    socket.onclose = (event) => {
      if (socket === this.#socket) void this.#closed(event.code);
    };
  }

  #handle(text: string): void {
    const message: ServerMessage | null = parseServerMessage(text);
    if (message === null) return;
    switch (message.type) {
      case 'hello': {
        this.hello = message;
        this.#greeted = true;
        // A fresh socket starts from a clean slate: the server re-sends status if the source is down.
        this.sourceStatus = null;
        this.#phase = 'subscribing';
        this.#send(this.#subscribeMessage(this.#channels.channels()));
        break;
      }
      case 'snapshot':
        this.#channels.snapshot(message.channel, message.data);
        if (message.channel !== 'overview') break;
        this.lastUpdateMs = Date.now();
        this.nowMs = this.lastUpdateMs;
        this.#phase = 'subscribed';
        this.#everLive = true;
        clearTimeout(this.#handshakeTimer);
        this.#attempt = 0; // only a socket that delivered data resets the backoff
        break;
      case 'update':
        if (message.channel === 'overview') {
          if (this.#phase !== 'subscribed') break;
          this.lastUpdateMs = Date.now();
        }
        this.#channels.update(message.channel, message.data);
        break;
      case 'alert':
        this.#channels.alert(message);
        break;
      case 'status':
        this.sourceStatus = message;
        break;
      case 'error': {
        const { code, channel } = message;
        // A refused channel is the business of the view that asked for it.
        if (channel !== undefined && (code === 'forbidden' || code === 'unknown_channel') && this.#channels.refuse(channel, { code, message: message.message })) break;
        if (channel !== undefined && code === 'bad_request' && this.#channels.has(channel)) this.#resubscribeLater(channel);
        this.lastError = { code, message: message.message, channel, atMs: Date.now() };
        break;
      }
    }
  }

  /** Subscribes to `channel` again shortly, once, if it still has listeners then. */
  #resubscribeLater(channel: string): void {
    if (this.#resubscribeTimers.has(channel)) return;
    this.#resubscribeTimers.set(channel, setTimeout(() => {
      this.#resubscribeTimers.delete(channel);
      const live = this.#channels.channels().find((name) => name === channel);
      if (live !== undefined && !this.#stopped) this.#send(this.#subscribeMessage([live]));
    }, RESUBSCRIBE_AFTER_MS));
  }

  async #closed(code: number): Promise<void> {
    this.#socket = null;
    clearTimeout(this.#handshakeTimer);
    if (this.#stopped) return;
    switch (closeAction(code, this.#greeted)) {
      case 'stop':
        this.#signedOut();
        this.#session.ended();
        return;
      case 'check-session': {
        this.#phase = 'waiting';
        const check = await this.#session.probe();
        if (this.#stopped) return;
        if (check === 'invalid') {
          this.#signedOut();
          return;
        }
        break;
      }
      case 'reconnect':
        break;
    }
    this.#scheduleRetry();
  }

  #signedOut(): void {
    this.#phase = 'signed-out';
    clearInterval(this.#clockTimer);
  }

  #scheduleRetry(): void {
    this.#phase = 'waiting';
    const delayMs = backoffDelayMs(this.#attempt++);
    this.nextAttemptMs = Date.now() + delayMs;
    this.#retryTimer = setTimeout(() => {
      if (!this.#stopped) this.#open();
    }, delayMs);
  }
}
