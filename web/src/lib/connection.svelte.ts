/**
 * The dashboard's one WebSocket to `/ws`: says hello, subscribes to `overview`, hands
 * snapshots and updates to its listener, and reconnects with backoff until the server
 * says the session is over (1008). Exposes the link's state for the header.
 */
import type { OverviewData } from '../../../shared/overview.js';
import type { ErrorMessage, HelloMessage, ServerMessage, StatusMessage, SubscribeMessage } from '../../../shared/protocol.js';
import { backoffDelayMs } from './backoff.js';
import { closeAction, staleAfterMs } from './close-policy.js';
import type { ConnectionState } from './connection-label.js';
import { parseServerMessage } from './server-message.js';

/** Where overview data goes. */
export interface OverviewListener {
  /** The full current state; everything held before is replaced. */
  snapshot(data: OverviewData): void;
  /** New or corrected points. */
  update(data: OverviewData): void;
}

/** An `error` message as received, with the client time it arrived. */
export interface ReceivedError {
  readonly code: ErrorMessage['code'];
  readonly message: string;
  readonly channel: string | undefined;
  readonly atMs: number;
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
  /** The last `error` message, shown unobtrusively. */
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
  readonly #listener: OverviewListener;
  #socket: WebSocket | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #clockTimer: ReturnType<typeof setInterval> | undefined;
  #stopped = true;

  constructor(listener: OverviewListener, url: string = defaultSocketUrl()) {
    this.#listener = listener;
    this.#url = url;
  }

  /** Opens the socket and keeps it open. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#clockTimer = setInterval(() => { this.nowMs = Date.now(); }, CLOCK_MS);
    this.#open();
  }

  /** Closes the socket for good (component teardown). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#clockTimer);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#handshakeTimer);
    this.#socket?.close(1000, 'page closed');
    this.#socket = null;
  }

  #open(): void {
    this.nextAttemptMs = null;
    this.#phase = 'connecting';
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
      if (socket === this.#socket && typeof event.data === 'string') this.#handle(socket, event.data);
    };
    // `error` is always followed by `close`, which decides what happens next.
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#closed(event.code);
    };
  }

  #handle(socket: WebSocket, text: string): void {
    const message: ServerMessage | null = parseServerMessage(text);
    if (message === null) return;
    switch (message.type) {
      case 'hello': {
        this.hello = message;
        // A fresh socket starts from a clean slate: the server re-sends status if the source is down.
        this.sourceStatus = null;
        this.#phase = 'subscribing';
        const subscribe: SubscribeMessage = { type: 'subscribe', channels: ['overview'] };
        socket.send(JSON.stringify(subscribe));
        break;
      }
      case 'snapshot':
        if (message.channel !== 'overview') break;
        this.#listener.snapshot(message.data);
        this.lastUpdateMs = Date.now();
        this.nowMs = this.lastUpdateMs;
        this.#phase = 'subscribed';
        this.#everLive = true;
        clearTimeout(this.#handshakeTimer);
        this.#attempt = 0; // only a socket that delivered data resets the backoff
        break;
      case 'update':
        if (message.channel !== 'overview' || this.#phase !== 'subscribed') break;
        this.#listener.update(message.data);
        this.lastUpdateMs = Date.now();
        break;
      case 'status':
        this.sourceStatus = message;
        break;
      case 'error':
        this.lastError = { code: message.code, message: message.message, channel: message.channel, atMs: Date.now() };
        break;
    }
  }

  #closed(code: number): void {
    this.#socket = null;
    clearTimeout(this.#handshakeTimer);
    if (this.#stopped) return;
    if (closeAction(code) === 'stop') {
      this.#phase = 'signed-out';
      clearInterval(this.#clockTimer);
      return;
    }
    this.#scheduleRetry();
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
