/**
 * A bounded, ordered queue of HTTP POSTs to one receiver, delivered by one worker with a
 * time limit per attempt and retries with exponential backoff and jitter.
 *
 * Why this shape: a receiver that is down or slow must never hold up the reader, the
 * `alerts` channel or the other notifier, and must never make memory grow. `push` only
 * appends and returns; the queue holds at most `capacity` notifications (when full, the
 * oldest is dropped, counted and logged); each notification gets at most `maxAttempts`
 * attempts and is then given up (counted, logged). One worker per receiver keeps the
 * transitions of an alert in order.
 *
 * Logs name the receiver by its origin only and the notification by ids and transitions:
 * never a body, a secret or a URL path (which may hold a token).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Endpoint } from './notify-settings.js';

/** The pino-style logger the queue reports through (Fastify's logger fits). */
export interface NotifyLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

/** One notification to POST. */
export interface Delivery {
  /** What it is, for logs: ids and transitions only (`opened a-1f2e`). */
  describe: string;
  /**
   * The JSON body and headers of one attempt sent at `sentAtMs`: a webhook signs a fresh
   * timestamp over the same body; Alertmanager's firing alerts are valid from the send.
   */
  build(sentAtMs: number): { body: string; headers: Record<string, string> };
  /** A queued, not yet started notification with the same key is replaced by this one (a newer full re-send). */
  replaces?: string;
}

/** What finally became of a notification. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped';

/** The result of one HTTP attempt. */
export interface AttemptResult {
  ok: boolean;
  /** The receiver's status code, or null when no answer came (refused, reset, timed out). */
  status: number | null;
  /** A short reason when not ok: `HTTP 503`, `ECONNREFUSED`, `timeout`. Never a body. */
  error: string | null;
  /** Worth another attempt: no answer, 5xx, 408 or 429. Other 4xx mean the request itself is wrong. */
  retryable: boolean;
}

export interface DeliveryQueueOptions {
  /** `webhook` or `alertmanager`: names the receiver in logs and metrics. */
  target: string;
  endpoint: Endpoint;
  timeoutMs: number;
  maxAttempts: number;
  /** Most notifications waiting at once; the oldest is dropped beyond it. */
  capacity: number;
  /** Backoff before retry n: min(maxMs, baseMs·2^(n−1)), jittered to 50–100 % of that. Default 1 s … 60 s. */
  retry?: { baseMs: number; maxMs: number };
  log: NotifyLog;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

/** What a notifier's own options say about its queue. */
export interface NotifierQueueOptions {
  settings: { endpoint: Endpoint };
  timeoutMs: number;
  maxAttempts: number;
  log: NotifyLog;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  capacity?: number;
  retry?: { baseMs: number; maxMs: number };
}

/** The delivery queue of the notifier for `target`, from the notifier's options. */
export function notifierQueue(target: string, options: NotifierQueueOptions, defaultCapacity: number): DeliveryQueue {
  return new DeliveryQueue({
    target,
    endpoint: options.settings.endpoint,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    capacity: options.capacity ?? defaultCapacity,
    log: options.log,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
}

const DEFAULT_RETRY = { baseMs: 1000, maxMs: 60_000 };
/** Queue overflow is logged at most this often (with the count since), so a storm cannot flood the log. */
const DROP_LOG_INTERVAL_MS = 60_000;

/** POSTs `body` once with a time limit; never throws. */
export async function postOnce(
  endpoint: Endpoint, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal,
): Promise<AttemptResult> {
  const limit = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'keywatch',
        ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}),
        ...headers,
      },
      signal: signal ? AbortSignal.any([limit, signal]) : limit,
      redirect: 'error',
    });
    // The answer's body is not needed; reading it frees the connection for reuse.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true, status: response.status, error: null, retryable: false };
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    return { ok: false, status: response.status, error: `HTTP ${response.status}`, retryable };
  } catch (error) {
    return { ok: false, status: null, error: limit.aborted ? 'timeout' : reasonOf(error), retryable: true };
  }
}

/** A short, safe reason for a failed fetch: an error code such as ECONNREFUSED, never a message with a URL in it. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  // undici's own refusals ("bad port", "invalid method") are short phrases without the URL.
  if (typeof cause?.message === 'string' && /^[a-z ]{1,40}$/i.test(cause.message)) return cause.message;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'error';
}

export class DeliveryQueue {
  readonly #options: DeliveryQueueOptions;
  readonly #retry: { baseMs: number; maxMs: number };
  readonly #random: () => number;
  readonly #waiting: Delivery[] = [];
  readonly #stop = new AbortController();
  #worker: Promise<void> = Promise.resolve();
  #working = false;
  #receiverDown = false;
  #droppedSinceLog = 0;
  #dropLoggedAt = -Infinity;
  /** Totals since start, for `/metrics` and tests. */
  readonly stats = { delivered: 0, failed: 0, dropped: 0, attempts: 0 };

  constructor(options: DeliveryQueueOptions) {
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#random = options.random ?? Math.random;
  }

  /** Notifications waiting (not counting the one being delivered). */
  get length(): number {
    return this.#waiting.length;
  }

  /** Queues a notification and returns at once. */
  push(delivery: Delivery): void {
    if (this.#stop.signal.aborted) return;
    if (delivery.replaces !== undefined) {
      const index = this.#waiting.findIndex((waiting) => waiting.replaces === delivery.replaces);
      if (index >= 0) this.#waiting.splice(index, 1);
    }
    if (this.#waiting.length >= this.#options.capacity) {
      this.#waiting.shift();
      this.#count('dropped');
      this.#logDrop();
    }
    this.#waiting.push(delivery);
    if (!this.#working) {
      this.#working = true;
      this.#worker = this.#drain();
    }
  }

  /** Stops: aborts the attempt in flight and discards what waits (logged). */
  async stop(): Promise<void> {
    this.#stop.abort();
    const left = this.#waiting.length;
    this.#waiting.length = 0;
    await this.#worker;
    if (left > 0) this.#options.log.info({ target: this.#options.target, left }, 'notifications not sent at shutdown');
  }

  async #drain(): Promise<void> {
    try {
      for (let next = this.#waiting.shift(); next !== undefined && !this.#stop.signal.aborted; next = this.#waiting.shift()) {
        try {
          await this.#deliver(next);
        } catch (error) {
          this.#count('failed');
          this.#options.log.warn({ target: this.#options.target, notification: next.describe, reason: (error as Error).name }, 'notification could not be built; skipped');
        }
      }
    } finally {
      // In the same synchronous step as the last empty shift: a push after it starts a new worker.
      this.#working = false;
    }
  }

  async #deliver(delivery: Delivery): Promise<void> {
    const { target, endpoint, timeoutMs, maxAttempts, log } = this.#options;
    let last: AttemptResult | null = null;
    let attempts = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const delayMs = Math.min(this.#retry.maxMs, this.#retry.baseMs * 2 ** (attempt - 2)) * (0.5 + 0.5 * this.#random());
        try {
          await sleep(delayMs, undefined, { signal: this.#stop.signal });
        } catch {
          return;
        }
      }
      this.stats.attempts++;
      attempts = attempt;
      const { body, headers } = delivery.build(Date.now());
      last = await postOnce(endpoint, body, headers, timeoutMs, this.#stop.signal);
      if (this.#stop.signal.aborted) return;
      if (last.ok) {
        if (this.#receiverDown) log.info({ target, receiver: endpoint.display }, 'notification receiver answers again');
        this.#receiverDown = false;
        this.#count('delivered');
        return;
      }
      const willRetry = last.retryable && attempt < maxAttempts;
      // One warning when a receiver starts failing, one when it answers again: an outage does not flood the log.
      if (willRetry && !this.#receiverDown) {
        log.warn({ target, receiver: endpoint.display, reason: last.error }, 'notification receiver failed; retrying with backoff');
      } else {
        log.debug({ target, receiver: endpoint.display, reason: last.error, attempt }, 'notification attempt failed');
      }
      this.#receiverDown = true;
      if (!willRetry) break;
    }
    this.#count('failed');
    log.warn(
      { target, receiver: endpoint.display, notification: delivery.describe, reason: last?.error, attempts },
      last?.retryable === false ? 'notification refused by the receiver; not retried' : 'notification given up after its last attempt',
    );
  }

  #count(outcome: DeliveryOutcome): void {
    this.stats[outcome]++;
    this.#options.onOutcome?.(outcome);
  }

  #logDrop(): void {
    this.#droppedSinceLog++;
    const now = Date.now();
    if (now - this.#dropLoggedAt < DROP_LOG_INTERVAL_MS) return;
    this.#options.log.warn(
      { target: this.#options.target, receiver: this.#options.endpoint.display, dropped: this.#droppedSinceLog, capacity: this.#options.capacity },
      'notification queue full: the oldest notifications were dropped',
    );
    this.#dropLoggedAt = now;
    this.#droppedSinceLog = 0;
  }
}
