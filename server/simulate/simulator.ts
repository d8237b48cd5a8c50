/**
 * The traffic loop: on every tick, advances each collector through its working day and
 * writes the batches that fell due since the last tick, plus security events, through a
 * `StreamWriter` (Redis for `keywatch simulate`, the in-memory store in embedded mode).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import { ANOMALY_CASES, AnomalyInjector, type AnomalyCase, type AnomalyRecord, type TrafficView } from './anomalies.js';
import { collectEntry, NORMAL_CONDITIONS } from './collect-batch.js';
import {
  engagementTarget, formatClock, isNearEndOfDay, isWorking, parseClock, SimulatedClock,
} from './day-rhythm.js';
import { MALFORMED_KINDS, MALFORMED_SHARE, malformCollectEntry, malformSecurityEntry } from './malformed.js';
import { createPopulation, subjectAt, type App, type Population } from './population.js';
import { Random } from './random.js';
import { createActors, SecurityTraffic, type TimedEntry } from './security-events.js';

/** Options of a simulator run. */
export interface SimulatorOptions {
  /** Collectors (devices) in the simulated organisation. */
  readonly collectors: number;
  /** Total collect entries per second; default: one per working collector per second. */
  readonly rate?: number | undefined;
  /** Inject each alert case now and then. */
  readonly anomalies: boolean;
  /** Simulated time of day at start, `HH:MM`; it advances in real time and drives the rhythm. */
  readonly clock: string;
  /** Seed of the pseudo-random numbers; the same seed gives the same organisation and traffic. */
  readonly seed?: number | undefined;
  /** Key prefix of the streams (`KW_STREAM_PREFIX`), default `kw:`. */
  readonly prefix?: string | undefined;
  /** Producer trim: `XADD … MAXLEN ~ maxLength`, default 100000. */
  readonly maxLength?: number | undefined;
  /** How often a batch of entries is written, ms, default 200. */
  readonly tickMs?: number | undefined;
  /** The real clock, default `Date.now`; tests pass a fake one together with `step()`. */
  readonly now?: (() => number) | undefined;
  /**
   * Called when a tick's write fails; return true to drop that tick's entries and go on
   * after a backoff (e.g. while Redis reconnects), false to stop. Default: stop.
   */
  readonly onWriteError?: ((error: unknown) => boolean) | undefined;
}

/** Running totals of a simulator run. */
export interface SimulatorStats {
  /** Entries written to `${prefix}collect` (including late and malformed ones). */
  readonly collectEntries: number;
  /** Entries written to `${prefix}security`. */
  readonly securityEntries: number;
  /** Entries broken on purpose. */
  readonly malformed: number;
  /** Entries written with a `ts` older than the allowed lateness. */
  readonly late: number;
  /** Anomaly cases started, in total and per case. */
  readonly anomaliesInjected: number;
  readonly anomalies: Readonly<Record<AnomalyCase, number>>;
  /** The case started last, if any. */
  readonly lastAnomaly: AnomalyCase | undefined;
  /** Ticks whose write failed and whose entries were dropped. */
  readonly writeErrors: number;
  /** Collectors flushing at the last tick. */
  readonly activeCollectors: number;
  /** Simulated time of day at the last tick, `HH:MM`. */
  readonly simulatedClock: string;
}

/** Defaults of the options that have one. */
export const SIMULATOR_DEFAULTS = { collectors: 50, clock: '10:30', prefix: 'kw:', maxLength: 100_000, tickMs: 200 } as const;

const MEAN_SESSION_S = 90;
const MEAN_APP_FOCUS_S = 75;
const LATE_SHARE = 0.002;
const MAX_DUR_MS = 60_000;
// After a stall (a slow write, a suspended laptop) do not flush more than this backlog.
const MAX_CATCH_UP_MS = 30_000;
const WRITE_RETRY_MAX_MS = 5_000;

interface CollectorState {
  online: boolean;
  engaged: boolean;
  app: App;
  intensity: number;
  nextFlushMs: number;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Stream keys the simulator writes, for a key prefix. */
export function streamKeys(prefix: string): { collect: string; security: string } {
  return { collect: `${prefix}collect`, security: `${prefix}security` };
}

/** Generates realistic collect and security traffic through a `StreamWriter`. */
export class Simulator {
  /** The simulated organisation (teams, collectors, subjects). */
  readonly population: Population;
  /** The simulated time of day. */
  readonly clock: SimulatedClock;
  readonly #writer: StreamWriter;
  readonly #rate: number | undefined;
  readonly #keys: { collect: string; security: string };
  readonly #maxLength: number;
  readonly #tickMs: number;
  readonly #now: () => number;
  readonly #random: Random;
  readonly #states: CollectorState[];
  readonly #security: SecurityTraffic;
  readonly #anomalies: AnomalyInjector | undefined;
  readonly #onWriteError: ((error: unknown) => boolean) | undefined;
  #lastMs: number;
  #running = false;
  #collectEntries = 0;
  #securityEntries = 0;
  #malformed = 0;
  #late = 0;
  #writeErrors = 0;
  #activeCollectors = 0;
  #intervalMs = 1000;

  /** Builds the organisation from the seed; throws a RangeError naming a bad option. */
  constructor(writer: StreamWriter, options: SimulatorOptions) {
    requireInteger('collectors', options.collectors, 1, 1_000_000);
    if (options.rate !== undefined && !(Number.isFinite(options.rate) && options.rate > 0 && options.rate <= 1_000_000)) {
      throw new RangeError(`rate must be a number above 0 and at most 1000000 entries per second, got ${options.rate}`);
    }
    const maxLength = options.maxLength ?? SIMULATOR_DEFAULTS.maxLength;
    requireInteger('maxLength', maxLength, 1, Number.MAX_SAFE_INTEGER);
    const tickMs = options.tickMs ?? SIMULATOR_DEFAULTS.tickMs;
    requireInteger('tickMs', tickMs, 10, 10_000);
    const startMsOfDay = parseClock(options.clock);
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);

    this.#writer = writer;
    this.#rate = options.rate;
    this.#keys = streamKeys(options.prefix ?? SIMULATOR_DEFAULTS.prefix);
    this.#maxLength = maxLength;
    this.#tickMs = tickMs;
    this.#now = options.now ?? Date.now;
    this.#onWriteError = options.onWriteError;
    this.#lastMs = this.#now();
    this.clock = new SimulatedClock(startMsOfDay, this.#lastMs);
    // Separate streams of numbers: the organisation does not depend on the traffic drawn.
    this.population = createPopulation(options.collectors, new Random(seed));
    this.#random = new Random(seed + 1);
    const actors = createActors(new Random(seed + 2));
    this.#security = new SecurityTraffic(this.population, actors, this.#random);
    this.#anomalies = options.anomalies ? new AnomalyInjector(this.population, actors, new Random(seed + 3), this.#lastMs) : undefined;
    this.#states = this.population.collectors.map(() => ({ online: false, engaged: false, app: 'other', intensity: 1, nextFlushMs: 0 }));
  }

  /** The running totals. */
  get stats(): SimulatorStats {
    const anomalies = this.#anomalies?.injected ?? Object.fromEntries(ANOMALY_CASES.map((name) => [name, 0])) as Record<AnomalyCase, number>;
    return {
      collectEntries: this.#collectEntries,
      securityEntries: this.#securityEntries,
      malformed: this.#malformed,
      late: this.#late,
      writeErrors: this.#writeErrors,
      anomaliesInjected: Object.values(anomalies).reduce((sum, count) => sum + count, 0),
      anomalies: { ...anomalies },
      lastAnomaly: this.#anomalies?.recent.at(-1)?.anomaly,
      activeCollectors: this.#activeCollectors,
      simulatedClock: formatClock(this.clock.msOfDay(this.#lastMs)),
    };
  }

  /** The last anomaly cases started (at most 100), with the labels their alerts should carry. */
  get recentAnomalies(): readonly AnomalyRecord[] {
    return this.#anomalies?.recent ?? [];
  }

  /**
   * Writes everything that fell due in the real interval since the previous step, up to
   * `nowMs`. `run()` calls it every tick; tests call it with a fake clock.
   */
  async step(nowMs: number): Promise<void> {
    if (nowMs <= this.#lastMs) return;
    const fromMs = Math.max(this.#lastMs, nowMs - MAX_CATCH_UP_MS);
    const msOfDay = this.clock.msOfDay(nowMs);
    const dtSeconds = (nowMs - this.#lastMs) / 1000;
    this.#lastMs = nowMs;

    const securityDue: TimedEntry[] = this.#anomalies ? this.#anomalies.advance(nowMs, this.#view(msOfDay)) : [];
    const online = this.#updateCollectors(nowMs, msOfDay, dtSeconds);
    this.#activeCollectors = online;
    this.#intervalMs = this.#rate === undefined ? 1000 : (Math.max(online, 1) * 1000) / this.#rate;

    const collect = this.#flushCollectors(fromMs, nowMs, msOfDay);
    const routine = this.#security.between(fromMs, nowMs, online / this.population.collectors.length)
      .map((entry) => ({ atMs: entry.atMs, fields: this.#maybeMalformSecurity(entry.fields) }));
    const security = [...routine, ...securityDue].sort((a, b) => a.atMs - b.atMs).map((entry) => entry.fields);

    const writes: Promise<unknown>[] = [];
    if (collect.length > 0) writes.push(this.#writer.append(this.#keys.collect, collect, this.#maxLength));
    if (security.length > 0) writes.push(this.#writer.append(this.#keys.security, security, this.#maxLength));
    await Promise.all(writes);
    this.#collectEntries += collect.length;
    this.#securityEntries += security.length;
  }

  /**
   * Runs until `signal` aborts or `durationMs` of real time has passed, writing a batch
   * every tick. Resolves with the totals once the last write has finished; rejects if a
   * write fails and `onWriteError` does not say to go on.
   */
  async run(signal: AbortSignal, durationMs?: number): Promise<SimulatorStats> {
    if (this.#running) throw new Error('this simulator is already running');
    this.#running = true;
    try {
      const endMs = durationMs === undefined ? Number.POSITIVE_INFINITY : this.#now() + durationMs;
      let failuresInRow = 0;
      while (!signal.aborted) {
        const nowMs = Math.min(this.#now(), endMs);
        let waitMs = this.#tickMs;
        try {
          await this.step(nowMs);
          failuresInRow = 0;
        } catch (error) {
          if (this.#onWriteError?.(error) !== true) throw error;
          this.#writeErrors++;
          failuresInRow++;
          // Jittered exponential backoff so a Redis coming back is not hammered.
          waitMs = Math.round(Math.min(WRITE_RETRY_MAX_MS, this.#tickMs * 2 ** failuresInRow) * (0.5 + Math.random() / 2));
        }
        if (nowMs >= endMs) break;
        try {
          await sleep(waitMs, undefined, { signal });
        } catch {
          break; // aborted while waiting for the next tick
        }
      }
      return this.stats;
    } finally {
      this.#running = false;
    }
  }

  #view(msOfDay: number): TrafficView {
    const collectors = this.population.collectors;
    const states = this.#states;
    return {
      collectors,
      isWorking: (index) => {
        const collector = collectors[index];
        return collector !== undefined && isWorking(collector.schedule, msOfDay);
      },
      isEngaged: (index) => states[index]?.engaged === true,
      appOf: (index) => states[index]?.app ?? 'other',
      isNearEndOfDay: (index, withinMs) => {
        const collector = collectors[index];
        return collector !== undefined && isNearEndOfDay(collector.schedule, msOfDay, withinMs);
      },
      flushIntervalMs: this.#intervalMs,
    };
  }

  /** Moves every collector's state forward by `dtSeconds`; returns how many are online. */
  #updateCollectors(nowMs: number, msOfDay: number, dtSeconds: number): number {
    const random = this.#random;
    let online = 0;
    this.population.collectors.forEach((collector, index) => {
      const state = this.#states[index] as CollectorState;
      const override = this.#anomalies?.override(index, nowMs);
      const working = override?.online ?? isWorking(collector.schedule, msOfDay);
      if (!working) {
        state.online = false;
        state.engaged = false;
        return;
      }
      online++;
      const target = engagementTarget(collector.schedule, msOfDay, collector.diligence);
      if (!state.online) {
        state.online = true;
        state.engaged = random.chance(target);
        state.app = random.weighted(collector.team.apps);
        state.intensity = random.uniform(0.5, 1.4);
        // Placeholder: the first flush is placed once the interval for this tick is known.
        state.nextFlushMs = Number.NaN;
      } else if (state.engaged) {
        // At the end of the day people stop before the device goes off: never "mid-activity".
        if (target === 0 || random.chance(1 - Math.exp(-dtSeconds / MEAN_SESSION_S))) state.engaged = false;
        else if (random.chance(1 - Math.exp(-dtSeconds / MEAN_APP_FOCUS_S))) state.app = random.weighted(collector.team.apps);
      } else if (target > 0) {
        // Idle spells last so that the engaged share of time settles at `target`.
        const meanIdleSeconds = (MEAN_SESSION_S * (1 - Math.min(target, 0.99))) / Math.min(target, 0.99);
        if (random.chance(1 - Math.exp(-dtSeconds / meanIdleSeconds))) {
          state.engaged = true;
          state.intensity = random.uniform(0.5, 1.4);
          if (random.chance(0.5)) state.app = random.weighted(collector.team.apps);
        }
      }
      if (override?.engaged !== undefined) state.engaged = override.engaged;
      if (override?.app !== undefined) state.app = override.app;
    });
    return online;
  }

  /** The collect entries whose flush time falls in (fromMs, nowMs]. */
  #flushCollectors(fromMs: number, nowMs: number, msOfDay: number): FieldList[] {
    const random = this.#random;
    const intervalMs = this.#intervalMs;
    const durMs = Math.min(MAX_DUR_MS, Math.max(1, Math.round(intervalMs)));
    const entries: TimedEntry[] = [];
    this.population.collectors.forEach((collector, index) => {
      const state = this.#states[index] as CollectorState;
      if (!state.online) return;
      if (Number.isNaN(state.nextFlushMs)) state.nextFlushMs = nowMs + collector.phase * intervalMs;
      state.nextFlushMs = Math.max(state.nextFlushMs, fromMs);
      const subject = subjectAt(collector, msOfDay);
      while (state.nextFlushMs <= nowMs) {
        const flushMs = state.nextFlushMs;
        state.nextFlushMs += intervalMs;
        const conditions = this.#anomalies?.conditions(index, collector, state.app, flushMs) ?? NORMAL_CONDITIONS;
        let tsMs = Math.floor(flushMs) + collector.clockSkewMs;
        const ordinary = conditions === NORMAL_CONDITIONS;
        // A retried flush: the batch arrives long after its interval ended.
        const late = ordinary && random.chance(LATE_SHARE);
        if (late) {
          tsMs -= random.int(12_000, 90_000);
          this.#late++;
        }
        let fields = collectEntry(
          { collector, subject, app: state.app, engaged: state.engaged, intensity: state.intensity, tsMs, durMs, conditions },
          random,
        );
        if (ordinary && !late && random.chance(MALFORMED_SHARE)) {
          fields = malformCollectEntry(fields, random.pick(MALFORMED_KINDS), random);
          this.#malformed++;
        }
        entries.push({ atMs: flushMs, fields });
      }
    });
    // Written in flush order, as independent collectors' batches would arrive.
    return entries.sort((a, b) => a.atMs - b.atMs).map((entry) => entry.fields);
  }

  #maybeMalformSecurity(fields: FieldList): FieldList {
    if (!this.#random.chance(MALFORMED_SHARE)) return fields;
    this.#malformed++;
    return malformSecurityEntry(fields, this.#random);
  }
}
