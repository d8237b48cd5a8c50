/**
 * The soak's producer: contract-valid `kw:collect` entries at a fixed rate from a steady
 * population of collectors (one flush a second each, `ts` = now), and a trickle of
 * `kw:security` events — routine exports and sign-in failures, plus a repeated
 * `collector_tamper` so the alerts channel carries transitions. It counts exactly what
 * Redis acknowledged, which is what the server must end up having accepted.
 */
import { collectFields, securityFields } from '../support/entries.js';
import type { TestRedisClient } from '../support/redis-server.js';

const TICK_MS = 100;
const TEAMS = 20;
const APPS = ['ide', 'browser', 'mail', 'chat'] as const;
/** Distinct actors of the routine sign-in failures: each fails about twice a minute, far below `auth_failure_burst`. */
const AUTH_FAILURE_ACTORS = 60;
/** Resources the repeated tamper event names: at most this many alerts, each updated again and again. */
const TAMPER_RESOURCES = 3;
const TAMPER_EVERY_MS = 15_000;

export interface SteadyLoadOptions {
  redis: TestRedisClient;
  /** `kw:collect` entries per second. */
  collectPerSecond: number;
  /** `kw:security` events per second (routine ones; tamper events come on top). */
  securityPerSecond: number;
  /** Producer trim, `XADD … MAXLEN ~ n`, as real producers do (Keywatch never trims its input). */
  maxLength: number;
  prefix?: string;
}

/** Entries Redis acknowledged, per stream, and writes it refused. */
export interface LoadTotals {
  collect: number;
  security: number;
  failedWrites: number;
  lastError: string | null;
  /** How long the producer ran, ms. */
  durationMs: number;
}

/** Writes the steady load until stopped. */
export class SteadyLoad {
  readonly #options: SteadyLoadOptions;
  readonly totals: LoadTotals = { collect: 0, security: 0, failedWrites: 0, lastError: null, durationMs: 0 };
  #timer: NodeJS.Timeout | undefined;
  #startedAtMs = 0;
  #collectDue = 0;
  #securityDue = 0;
  #tampersDue = 0;
  #inFlight = new Set<Promise<void>>();

  constructor(options: SteadyLoadOptions) {
    this.#options = options;
  }

  /** Starts writing; entries fall due by the clock, so a slow tick is caught up on the next one. */
  start(): void {
    this.#startedAtMs = Date.now();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  /** Stops writing and waits for the writes in flight; `totals` are final afterwards. */
  async stop(): Promise<LoadTotals> {
    if (this.#timer !== undefined) this.totals.durationMs = Date.now() - this.#startedAtMs;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#inFlight);
    return this.totals;
  }

  #tick(): void {
    const { collectPerSecond, securityPerSecond, prefix = 'kw:' } = this.#options;
    const elapsedMs = Date.now() - this.#startedAtMs;
    const nowMs = Date.now();
    const writes: Promise<void>[] = [];
    const collectTarget = Math.floor((elapsedMs * collectPerSecond) / 1000);
    for (; this.#collectDue < collectTarget; this.#collectDue++) {
      writes.push(this.#append(`${prefix}collect`, this.#collectEntry(this.#collectDue, nowMs), 'collect'));
    }
    const securityTarget = Math.floor((elapsedMs * securityPerSecond) / 1000);
    for (; this.#securityDue < securityTarget; this.#securityDue++) {
      writes.push(this.#append(`${prefix}security`, routineSecurityEntry(this.#securityDue, nowMs), 'security'));
    }
    const tamperTarget = Math.floor(elapsedMs / TAMPER_EVERY_MS);
    for (; this.#tampersDue < tamperTarget; this.#tampersDue++) {
      const resource = `collector:c-${String(this.#tampersDue % TAMPER_RESOURCES).padStart(5, '0')}`;
      const fields = securityFields({ ts: nowMs, kind: 'collector_tamper', actor: 'svc-agent-watch', resource, records: undefined, detail: 'agent_stopped' });
      writes.push(this.#append(`${prefix}security`, fields, 'security'));
    }
    if (writes.length === 0) return;
    const batch = Promise.all(writes).then(() => undefined);
    this.#inFlight.add(batch);
    void batch.finally(() => this.#inFlight.delete(batch));
  }

  /** One flush of collector `n mod population`: the population is as large as the rate, so each flushes once a second. */
  #collectEntry(sequence: number, nowMs: number): string[] {
    const population = Math.max(1, Math.round(this.#options.collectPerSecond));
    const collector = sequence % population;
    const id = String(collector).padStart(5, '0');
    return collectFields({
      ts: nowMs, collector: `c-${id}`, subject: `s-${id}`, team: `team-${collector % TEAMS}`, app: APPS[collector % APPS.length],
      keys: 5 + (sequence % 17), moves: 20 + (sequence % 31),
    });
  }

  async #append(key: string, fields: string[], stream: 'collect' | 'security'): Promise<void> {
    try {
      await this.#options.redis.sendCommand(['XADD', key, 'MAXLEN', '~', String(this.#options.maxLength), '*', ...fields]);
      this.totals[stream] += 1;
    } catch (error) {
      this.totals.failedWrites += 1;
      this.totals.lastError = (error as Error).message;
    }
  }
}

/** Routine pipeline audit traffic: small exports by a reporting service, and now and then a failed sign-in. */
function routineSecurityEntry(sequence: number, nowMs: number): string[] {
  if (sequence % 4 === 3) {
    const actor = `u-${String(Math.floor(sequence / 4) % AUTH_FAILURE_ACTORS).padStart(4, '0')}`;
    return securityFields({ ts: nowMs, kind: 'auth_failure', actor, resource: 'console', outcome: 'denied', records: undefined, source: `10.20.${sequence % 200}.7` });
  }
  return securityFields({ ts: nowMs, kind: 'export', actor: 'svc-reporting', resource: `export:team-${sequence % TEAMS}`, records: 10 + (sequence % 500) });
}
