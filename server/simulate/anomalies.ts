/**
 * `--anomalies`: injects, now and then, each alert case the streams can cause. Cases run
 * in shuffled rounds, one starting every half minute; those judged against a learned
 * baseline (volume, redaction rate, a silent collector) come last in a round so the
 * reader has had time to learn. Each case is named after the alert rule it should raise.
 */
import { NORMAL_CONDITIONS, type BatchConditions } from './collect-batch.js';
import type { App, Collector, Population } from './population.js';
import type { Random } from './random.js';
import { randomSource, securityEntry, type Actors, type SecurityEvent, type TimedEntry } from './security-events.js';

/** Cases that change collect entries. */
export const COLLECT_ANOMALIES = [
  'raw_content_in_stream', 'consent_revoked_collection', 'unencrypted_collection', 'dropped_events',
  'off_hours_collection', 'volume_spike', 'redaction_rate_drop', 'collector_silent',
] as const;
/** Cases that are `kw:security` events. */
export const SECURITY_ANOMALIES = [
  'unauthorized_raw_access', 'raw_access_denied_burst', 'bulk_export', 'auth_failure_burst',
  'redaction_policy_weakened', 'collector_tamper', 'retention_breach',
] as const;
/** Every case, named after the alert rule it should raise. */
export const ANOMALY_CASES = [...COLLECT_ANOMALIES, ...SECURITY_ANOMALIES] as const;
export type AnomalyCase = (typeof ANOMALY_CASES)[number];

// Cases a reader detects against a learned baseline: give it time first.
const BASELINE_CASES: readonly AnomalyCase[] = ['volume_spike', 'redaction_rate_drop', 'collector_silent'];

/** When the first case starts after the run begins, and the spacing between cases. */
export const FIRST_ANOMALY_AFTER_MS = 60_000;
export const ANOMALY_EVERY_MS = 30_000;
const SILENCE_MS = 5 * 60_000;
// With nobody at work, a collector is first kept busy for this long so that it can fall silent mid-activity.
const SILENCE_LEAD_MS = 120_000;
/** Upper bound of the simulated time until every case has started (a silence: has begun) at least once. */
export const ALL_ANOMALIES_WITHIN_MS = FIRST_ANOMALY_AFTER_MS + (ANOMALY_CASES.length - 1) * ANOMALY_EVERY_MS + SILENCE_LEAD_MS;

const NOT_NEAR_END_MS = 60 * 60_000;
/** Obviously fake content for the raw-looking field: never anything that could be real. */
export const FAKE_RAW_MARKER = 'KW-SIMULATED-RAW-CONTENT-MARKER (not real data)';
// Raw-looking by name, or (`note`) by a value longer than 64 characters.
const RAW_FIELDS: readonly (readonly [name: string, value: string])[] = [
  ['text', FAKE_RAW_MARKER], ['clipboard', FAKE_RAW_MARKER], ['keystrokes', FAKE_RAW_MARKER], ['payload', FAKE_RAW_MARKER],
  ['note', `${FAKE_RAW_MARKER} ${FAKE_RAW_MARKER}`],
];

/** One started case, with the labels the alert it should raise would carry. */
export interface AnomalyRecord {
  readonly anomaly: AnomalyCase;
  /** Real time the case started. */
  readonly atMs: number;
  /** How long its effect lasts (0 for a single event). */
  readonly durationMs: number;
  readonly labels: Readonly<Record<string, string>>;
}

const RECENT_RECORDS = 100;

/** What the traffic loop tells the injector about its collectors right now. */
export interface TrafficView {
  readonly collectors: readonly Collector[];
  /** On by its own working day (ignoring anomalies). */
  isWorking(index: number): boolean;
  isEngaged(index: number): boolean;
  appOf(index: number): App;
  /** Within `withinMs` of the end of its working day. */
  isNearEndOfDay(index: number, withinMs: number): boolean;
  /** Current flush interval of a collector, ms: effects last at least a few of them. */
  readonly flushIntervalMs: number;
}

/** What an anomaly forces on a collector's state. */
export interface CollectorOverride {
  readonly online?: boolean;
  readonly engaged?: boolean;
  readonly app?: App;
}

interface Effect {
  readonly anomaly: AnomalyCase;
  readonly fromMs: number;
  untilMs: number;
  /** Collectors whose state is forced. */
  readonly collectors: ReadonlySet<number>;
  readonly override: CollectorOverride;
  /** Team and app whose batches the conditions apply to (else: the collectors above). */
  readonly team?: string;
  readonly app?: App;
  readonly conditions?: Partial<BatchConditions>;
  /** The effect ends after this many entries carried its conditions. */
  remainingEntries?: number;
}

/** Schedules the anomaly cases and answers how they change collectors and batches. */
export class AnomalyInjector {
  readonly #population: Population;
  readonly #actors: Actors;
  readonly #random: Random;
  #nextAtMs: number;
  #queue: AnomalyCase[] = [];
  #effects: Effect[] = [];
  #pending: TimedEntry[] = [];
  #recent: AnomalyRecord[] = [];
  readonly #injected = Object.fromEntries(ANOMALY_CASES.map((name) => [name, 0])) as Record<AnomalyCase, number>;

  /** Creates an injector whose first case starts a minute after `startMs`. */
  constructor(population: Population, actors: Actors, random: Random, startMs: number) {
    this.#population = population;
    this.#actors = actors;
    this.#random = random;
    this.#nextAtMs = startMs + FIRST_ANOMALY_AFTER_MS;
  }

  /** How many times each case has started. */
  get injected(): Readonly<Record<AnomalyCase, number>> {
    return this.#injected;
  }

  /** The last cases started, oldest first (at most 100). */
  get recent(): readonly AnomalyRecord[] {
    return this.#recent;
  }

  /** Starts the cases due by `nowMs` and returns the anomalous security entries now due. */
  advance(nowMs: number, view: TrafficView): TimedEntry[] {
    this.#effects = this.#effects.filter((effect) => effect.untilMs > nowMs);
    while (this.#nextAtMs <= nowMs) {
      if (this.#queue.length === 0) this.#queue = this.#newRound();
      const next = this.#queue.shift();
      if (next !== undefined) this.#start(next, this.#nextAtMs, view);
      this.#nextAtMs += ANOMALY_EVERY_MS;
    }
    const due = this.#pending.filter((entry) => entry.atMs <= nowMs);
    if (due.length > 0) this.#pending = this.#pending.filter((entry) => entry.atMs > nowMs);
    return due;
  }

  /** What anomalies force on collector `index` now, if anything. */
  override(index: number, nowMs: number): CollectorOverride | undefined {
    let merged: CollectorOverride | undefined;
    let silenced = false;
    for (const effect of this.#effects) {
      if (effect.fromMs > nowMs || effect.untilMs <= nowMs || !effect.collectors.has(index)) continue;
      merged = { ...merged, ...effect.override };
      silenced ||= effect.override.online === false;
    }
    // A silenced collector stays silent even if another case wants it busy.
    return silenced ? { ...merged, online: false } : merged;
  }

  /** The conditions for collector `index`'s next batch in `app`; consumes one-shot effects. */
  conditions(index: number, collector: Collector, app: App, nowMs: number): BatchConditions {
    let conditions: BatchConditions = NORMAL_CONDITIONS;
    for (const effect of this.#effects) {
      if (effect.conditions === undefined || effect.fromMs > nowMs || effect.untilMs <= nowMs) continue;
      const applies = effect.team !== undefined
        ? effect.team === collector.team.id && effect.app === app
        : effect.collectors.has(index);
      if (!applies) continue;
      conditions = { ...conditions, ...effect.conditions };
      if (effect.remainingEntries !== undefined && --effect.remainingEntries <= 0) effect.untilMs = nowMs;
    }
    return conditions;
  }

  #newRound(): AnomalyCase[] {
    const shuffle = (items: AnomalyCase[]): AnomalyCase[] => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = this.#random.int(0, i);
        [items[i], items[j]] = [items[j] as AnomalyCase, items[i] as AnomalyCase];
      }
      return items;
    };
    const early = ANOMALY_CASES.filter((name) => !BASELINE_CASES.includes(name));
    return [...shuffle([...early]), ...shuffle([...BASELINE_CASES])];
  }

  /** A collector to act on: preferably one matching `prefer`, else any working, else any. */
  #pickCollector(view: TrafficView, prefer: (index: number) => boolean): number {
    const all = view.collectors.map((_, index) => index);
    const preferred = all.filter(prefer);
    if (preferred.length > 0) return this.#random.pick(preferred);
    const working = all.filter((index) => view.isWorking(index));
    return this.#random.pick(working.length > 0 ? working : all);
  }

  #collectorEffect(anomaly: AnomalyCase, atMs: number, durationMs: number, index: number, view: TrafficView,
    conditions: Partial<BatchConditions>, override: CollectorOverride = { online: true }): Effect {
    const effect: Effect = {
      anomaly, fromMs: atMs, untilMs: atMs + Math.max(durationMs, 3 * view.flushIntervalMs),
      collectors: new Set([index]), override, conditions,
    };
    this.#effects.push(effect);
    const collector = view.collectors[index];
    this.#record(anomaly, atMs, effect.untilMs - atMs, { team: collector?.team.id ?? '', collector: collector?.id ?? '' });
    return effect;
  }

  #record(anomaly: AnomalyCase, atMs: number, durationMs: number, labels: Record<string, string>): void {
    this.#recent.push({ anomaly, atMs, durationMs, labels });
    if (this.#recent.length > RECENT_RECORDS) this.#recent.shift();
  }

  #security(atMs: number, event: SecurityEvent): void {
    this.#pending.push({ atMs, fields: securityEntry(atMs, event) });
  }

  #start(anomaly: AnomalyCase, atMs: number, view: TrafficView): void {
    this.#injected[anomaly]++;
    const random = this.#random;
    const engagedWorker = (index: number): boolean => view.isWorking(index) && view.isEngaged(index);
    switch (anomaly) {
      case 'raw_content_in_stream': {
        const index = this.#pickCollector(view, (i) => view.isWorking(i));
        const effect = this.#collectorEffect(anomaly, atMs, 120_000, index, view, { extraField: random.pick(RAW_FIELDS) });
        effect.remainingEntries = 1;
        return;
      }
      case 'consent_revoked_collection':
        this.#collectorEffect(anomaly, atMs, 30_000, this.#pickCollector(view, (i) => view.isWorking(i)), view, { consent: 'revoked' });
        return;
      case 'unencrypted_collection':
        this.#collectorEffect(anomaly, atMs, 45_000, this.#pickCollector(view, (i) => view.isWorking(i)), view, { tls: '0' });
        return;
      case 'dropped_events':
        this.#collectorEffect(anomaly, atMs, 90_000, this.#pickCollector(view, engagedWorker), view,
          { droppedShare: random.uniform(0.35, 0.6) }, { online: true, engaged: true });
        return;
      case 'off_hours_collection': {
        // Collectors of one team that are off work start collecting as if someone (or
        // something) kept using them. Keywatch judges "off hours" by the real `ts`.
        const team = random.pick(this.#population.teams).id;
        const members = view.collectors.map((_, i) => i).filter((i) => view.collectors[i]?.team.id === team);
        const off = members.filter((i) => !view.isWorking(i));
        const chosen = (off.length > 0 ? off : members).slice(0, 3);
        const durationMs = Math.max(180_000, 3 * view.flushIntervalMs);
        this.#effects.push({
          anomaly, fromMs: atMs, untilMs: atMs + durationMs, collectors: new Set(chosen), override: { online: true, engaged: true },
        });
        this.#record(anomaly, atMs, durationMs, {
          team, collectors: chosen.map((i) => view.collectors[i]?.id ?? '').join(','),
        });
        return;
      }
      case 'volume_spike':
        this.#teamAppEffect(anomaly, atMs, 180_000, view, engagedWorker, { volumeFactor: random.uniform(6, 10) });
        return;
      case 'redaction_rate_drop': {
        const redacting = new Set<App>(['browser', 'email', 'terminal', 'chat']);
        this.#teamAppEffect(anomaly, atMs, 300_000, view, (i) => engagedWorker(i) && redacting.has(view.appOf(i)),
          { redactionFactor: 0.02 });
        return;
      }
      case 'collector_silent': {
        const index = this.#pickCollector(view, (i) => engagedWorker(i) && !view.isNearEndOfDay(i, NOT_NEAR_END_MS));
        // If nobody is at work, first make the collector busy so that it stops mid-activity.
        const leadMs = engagedWorker(index) ? 0 : SILENCE_LEAD_MS;
        if (leadMs > 0) {
          this.#effects.push({ anomaly, fromMs: atMs, untilMs: atMs + leadMs, collectors: new Set([index]), override: { online: true, engaged: true } });
        }
        this.#effects.push({
          anomaly, fromMs: atMs + leadMs, untilMs: atMs + leadMs + SILENCE_MS, collectors: new Set([index]), override: { online: false },
        });
        const collector = view.collectors[index];
        // Recorded from when the silence begins.
        this.#record(anomaly, atMs + leadMs, SILENCE_MS, { team: collector?.team.id ?? '', collector: collector?.id ?? '' });
        return;
      }
      default:
        this.#startSecurity(anomaly, atMs, view);
    }
  }

  /** Applies conditions to one team's batches in one app, keeping its members busy in it. */
  #teamAppEffect(anomaly: AnomalyCase, atMs: number, durationMs: number, view: TrafficView,
    prefer: (index: number) => boolean, conditions: Partial<BatchConditions>): void {
    const seed = this.#pickCollector(view, prefer);
    const collector = view.collectors[seed];
    if (collector === undefined) return;
    const app = view.appOf(seed);
    const members = view.collectors.map((_, i) => i)
      .filter((i) => view.collectors[i]?.team.id === collector.team.id && view.isWorking(i) && view.appOf(i) === app);
    const untilMs = atMs + Math.max(durationMs, 3 * view.flushIntervalMs);
    this.#effects.push({
      anomaly, fromMs: atMs, untilMs, collectors: new Set([seed, ...members]), override: { online: true, engaged: true, app },
      team: collector.team.id, app, conditions,
    });
    this.#record(anomaly, atMs, untilMs - atMs, { team: collector.team.id, app });
  }

  #startSecurity(anomaly: AnomalyCase, atMs: number, view: TrafficView): void {
    const events = this.#securityEvents(anomaly, view);
    let eventAtMs = atMs;
    for (const event of events) {
      this.#security(eventAtMs, event);
      // Bursts: about one attempt a second.
      eventAtMs += this.#random.int(600, 1600);
    }
    const first = events[0];
    if (first === undefined) return;
    const labels: Record<string, string> = { actor: first.actor };
    if (first.resource !== undefined) labels.resource = first.resource;
    if (first.source !== undefined) labels.source = first.source;
    if (first.detail !== undefined) labels.detail = first.detail;
    this.#record(anomaly, atMs, events.length > 1 ? eventAtMs - atMs : 0, labels);
  }

  /** The security events of a case, in order; more than one is a burst. */
  #securityEvents(anomaly: AnomalyCase, view: TrafficView): SecurityEvent[] {
    const random = this.#random;
    const person = random.pick(this.#actors.people);
    switch (anomaly) {
      case 'unauthorized_raw_access':
        return [{
          kind: 'raw_access', actor: random.chance(0.5) ? person : 'svc-adhoc-notebook', resource: 'raw-store',
          outcome: 'allowed', records: random.int(20, 800), source: randomSource(random),
        }];
      case 'raw_access_denied_burst': {
        const source = randomSource(random);
        return Array.from({ length: 15 }, () => ({ kind: 'raw_access', actor: person, resource: 'raw-store', outcome: 'denied', source }) as const);
      }
      case 'bulk_export':
        return [{
          kind: 'export', actor: random.chance(0.5) ? person : 'svc-bi-sync', resource: 'export:all-teams',
          outcome: 'allowed', records: random.int(150_000, 2_000_000), source: randomSource(random),
        }];
      case 'auth_failure_burst': {
        // TEST-NET-2 address (RFC 5737): clearly an example, never a real origin.
        const source = `198.51.100.${random.int(1, 254)}`;
        return Array.from({ length: 25 }, () => ({ kind: 'auth_failure', actor: person, resource: 'console', outcome: 'denied', source }) as const);
      }
      case 'redaction_policy_weakened':
        return [{ kind: 'policy_change', actor: person, resource: 'policy:redaction', outcome: 'allowed', detail: 'redaction_disabled' }];
      case 'collector_tamper': {
        const collector = random.pick(view.collectors);
        return [{
          kind: 'collector_tamper', actor: collector.subjects[0], resource: `collector:${collector.id}`, outcome: 'allowed',
          detail: random.pick(['agent_stopped', 'binary_modified', 'config_tampered']),
        }];
      }
      case 'retention_breach':
        return [{
          kind: 'retention_breach', actor: 'svc-retention', resource: 'raw-store', outcome: 'allowed',
          records: random.int(1_000, 50_000), detail: 'retention_exceeded',
        }];
      default:
        return [];
    }
  }
}
