/**
 * The simulated-day measurement: drives the traffic simulator with a fake clock over a
 * whole simulated day, classifies and parses every entry as the reader does, feeds the
 * rules (per-minute aggregates built directly, faster than real time) and the alert book,
 * and reports the alerts opened and, with anomalies on, the detection delay of each
 * injected case (ground truth: the simulator's `recentAnomalies`).
 */
import { classifyEntry } from '../ingest/classify.js';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import type { AnomalyCase, AnomalyRecord } from '../simulate/anomalies.js';
import { formatClock } from '../simulate/day-rhythm.js';
import { Simulator } from '../simulate/simulator.js';
import { AlertBook, type NewAlertEvent } from './alert-book.js';
import { STREAM_RULE_NAMES } from './catalog.js';
import { inputsFromClassified, type RuleInput } from './inputs.js';
import { MinuteAggregator } from './minute-aggregator.js';
import { RuleEngine } from './rule-engine.js';
import { defaultRuleSettings, type LifecycleSettings, type RuleSettings } from './settings.js';
import { WorkingCalendar } from './working-hours.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** How long after a case ends an alert still counts as its detection: minutes for the minute-judged rules, else seconds. */
const MINUTE_RULE_HORIZON_MS = 10 * MINUTE_MS;
const ENTRY_RULE_HORIZON_MS = 30_000;
const MINUTE_JUDGED: readonly AnomalyCase[] = ['volume_spike', 'redaction_rate_drop', 'collector_silent'];
/** A collector that stops within this long after a case kept it busy stopped because the case ended. */
const SIDE_EFFECT_WINDOW_MS = 5 * MINUTE_MS;
/** How long the injector keeps a collector busy before silencing it when nobody is at work. */
const SILENCE_LEAD_MS = 2 * MINUTE_MS;

/** A raise of the same rule and labels within this long of the last one recorded adds nothing to the measurement. */
const RAISE_RECORD_EVERY_MS = 5_000;

function horizonOf(anomaly: AnomalyCase): number {
  return MINUTE_JUDGED.includes(anomaly) ? MINUTE_RULE_HORIZON_MS : ENTRY_RULE_HORIZON_MS;
}

export interface SimulatedDayOptions {
  collectors: number;
  seed: number;
  anomalies: boolean;
  /** Simulated time measured, default 24 h. */
  durationMs?: number;
  /** Simulated time of day at the start (`--clock`), default `00:00`. */
  startClock?: string;
  /** Real (event) time at the start; default a Monday morning, so the simulated day is a weekday. */
  realStartMs?: number;
  /** Simulator step, default 1000 ms. */
  stepMs?: number;
  latenessMs?: number;
  rules?: RuleSettings;
  lifecycle?: Partial<LifecycleSettings>;
}

/** One injected case and how long it took to be detected. */
export interface CaseOutcome {
  readonly anomaly: AnomalyCase;
  readonly startedAt: number;
  /** Simulated time of day it started, `HH:MM`. */
  readonly clock: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * False when the rule cannot see it: off-hours collection within working hours, or a
   * case masked by an overlapping injected silence of its collector (or, for the
   * team-and-app cases, of a collector sending in that team and app as the case began:
   * a silenced collector sends nothing).
   */
  readonly applicable: boolean;
  /** Baseline cases: whether the team's baseline in the app had finished its warm-up when the case began. */
  readonly baselineWarm: boolean | null;
  /** From the start of the case to the first matching raise (null: not detected). */
  readonly detectedAfterMs: number | null;
}

/** An alert that opened, by rule, labels and simulated time. */
export interface OpenedAlert {
  readonly rule: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly openedAt: number;
  readonly clock: string;
}

export interface SimulatedDayReport {
  readonly collectors: number;
  readonly simulatedMs: number;
  readonly collectEntries: number;
  readonly securityEntries: number;
  readonly runtimeMs: number;
  /** Alerts opened per rule (stream rules, all listed). */
  readonly opened: Readonly<Record<string, number>>;
  readonly openedAlerts: readonly OpenedAlert[];
  readonly cases: readonly CaseOutcome[];
  /**
   * Alerts opened as a side effect of an injected case rather than for it: a collector
   * the case kept busy stopped mid-activity when it ended (`collector_silent`), or a case
   * made an off-duty collector send outside working hours (`off_hours_collection`).
   */
  readonly sideEffects: readonly OpenedAlert[];
  /** Alerts opened that no injected case explains (with anomalies off: every alert). */
  readonly unexplained: readonly OpenedAlert[];
}

interface RaiseRecord {
  labels: Readonly<Record<string, string>>;
  atMs: number;
}

/** Whether an alert's labels point at the subject of an injected case. */
function labelsMatch(anomaly: AnomalyCase, alertLabels: Readonly<Record<string, string>>, caseLabels: Readonly<Record<string, string>>): boolean {
  const same = (name: string) => alertLabels[name] !== undefined && alertLabels[name] === caseLabels[name];
  switch (anomaly) {
    case 'raw_content_in_stream':
    case 'consent_revoked_collection':
    case 'unencrypted_collection':
    case 'dropped_events':
    case 'collector_silent':
      return same('collector');
    case 'off_hours_collection':
      return same('team');
    case 'volume_spike':
    case 'redaction_rate_drop':
      return same('team') && same('app');
    case 'raw_access_denied_burst':
      return same('actor');
    case 'auth_failure_burst':
      return same('actor') || same('source');
    case 'redaction_policy_weakened':
      return same('actor') && same('detail');
    default:
      return same('actor') && same('resource');
  }
}

/** Runs the simulated day and measures what the rules and the lifecycle make of it. */
export async function simulateAlertDay(options: SimulatedDayOptions): Promise<SimulatedDayReport> {
  const started = performance.now();
  const durationMs = options.durationMs ?? DAY_MS;
  const stepMs = options.stepMs ?? 1000;
  const latenessMs = options.latenessMs ?? 10_000;
  const rules = options.rules ?? defaultRuleSettings();
  // 2025-03-03 is a Monday; with the default clock the simulated day is that Monday.
  const realStartMs = options.realStartMs ?? Date.UTC(2025, 2, 3, 5, 17, 0);
  let nowMs = realStartMs;
  const prefix = 'kw:';

  const handle = (input: RuleInput): void => {
    for (const signal of engine.apply(input)) {
      if (signal.kind === 'raise') {
        const list = raises.get(signal.rule) ?? [];
        raises.set(signal.rule, list);
        const key = JSON.stringify(signal.labels);
        const last = lastRecorded.get(`${signal.rule}${key}`);
        if (last === undefined || nowMs - last >= RAISE_RECORD_EVERY_MS) {
          list.push({ labels: signal.labels, atMs: nowMs });
          lastRecorded.set(`${signal.rule}${key}`, nowMs);
        }
      }
      record(book.signal(signal));
    }
  };
  const record = (events: readonly NewAlertEvent[]): void => {
    for (const event of events) {
      if (event.transition !== 'opened') continue;
      openedAlerts.push({ rule: event.alert.rule, labels: event.alert.labels, openedAt: nowMs, clock: clockAt(nowMs) });
    }
  };
  let collectEntries = 0;
  let securityEntries = 0;
  const writer: StreamWriter = {
    async append(stream: string, entries: readonly FieldList[]): Promise<string[]> {
      const short = stream === `${prefix}security` ? 'security' : 'collect';
      for (const fields of entries) {
        if (short === 'collect') collectEntries++;
        else securityEntries++;
        const classified = classifyEntry({ stream: short, id: `${nowMs}-0`, arrivalMs: nowMs, fields: [...fields] }, latenessMs);
        if (classified.kind === 'point') {
          aggregator.add(classified.entry, classified.second);
          const { collector, team, app } = classified.entry;
          whereNow.set(collector, { team, app, atMs: nowMs });
        }
        for (const input of inputsFromClassified(classified, prefix)) handle(input);
      }
      return [];
    },
  };

  const simulator = new Simulator(writer, {
    collectors: options.collectors, anomalies: options.anomalies, clock: options.startClock ?? '00:00', seed: options.seed,
    now: () => nowMs, prefix,
  });
  const offsetMs = simulator.clock.offsetFromUtcMs();
  const wallClockOf = (ms: number): number => ms + offsetMs;
  const clockAt = (ms: number): string => formatClock(simulator.clock.msOfDay(ms));
  const engine = new RuleEngine(rules, { wallClockOf });
  const book = new AlertBook({ now: () => nowMs, settings: options.lifecycle });
  const aggregator = new MinuteAggregator();
  const calendar = new WorkingCalendar(rules.offHours.timeZone, wallClockOf);
  const raises = new Map<string, RaiseRecord[]>();
  const lastRecorded = new Map<string, number>();
  const openedAlerts: OpenedAlert[] = [];
  const seenCases = new WeakSet<AnomalyRecord>();
  const cases: { record: AnomalyRecord; baselineWarm: boolean | null; members: ReadonlySet<string> }[] = [];
  /** Each collector's team and app as of its last entry. */
  const whereNow = new Map<string, { team: string; app: string; atMs: number }>();
  /** Collectors sending in the case's team and app as it starts. */
  const membersOf = (record: AnomalyRecord): ReadonlySet<string> => {
    const members = new Set<string>();
    for (const [collector, where] of whereNow) {
      if (where.team === record.labels.team && where.app === record.labels.app && nowMs - where.atMs <= 5_000) members.add(collector);
    }
    return members;
  };

  const baselineWarm = (record: AnomalyRecord): boolean | null => {
    if (record.anomaly !== 'volume_spike' && record.anomaly !== 'redaction_rate_drop') return null;
    return engine.isBaselineWarm(record.anomaly, record.labels.team ?? '', record.labels.app ?? '');
  };

  const endMs = realStartMs + durationMs;
  while (nowMs < endMs) {
    nowMs += stepMs;
    await simulator.step(nowMs);
    for (const minute of aggregator.takeCompleted(nowMs - latenessMs)) handle(minute);
    handle({ type: 'tick', nowMs });
    record(book.tick());
    for (const anomaly of simulator.recentAnomalies) {
      if (seenCases.has(anomaly)) continue;
      seenCases.add(anomaly);
      cases.push({ record: anomaly, baselineWarm: baselineWarm(anomaly), members: membersOf(anomaly) });
    }
  }

  const silences = cases.map(({ record: anomaly }) => anomaly).filter((anomaly) => anomaly.anomaly === 'collector_silent');
  const overlaps = (a: AnomalyRecord, b: AnomalyRecord) => a.atMs < b.atMs + b.durationMs && b.atMs < a.atMs + Math.max(a.durationMs, 1000);
  const masked = (anomaly: AnomalyRecord, members: ReadonlySet<string>): boolean => {
    if (anomaly.anomaly === 'collector_silent' || anomaly.anomaly === 'off_hours_collection') return false;
    const byTeamApp = anomaly.anomaly === 'volume_spike' || anomaly.anomaly === 'redaction_rate_drop';
    return silences.some((silence) => overlaps(anomaly, silence)
      && (byTeamApp ? members.has(silence.labels.collector ?? '') : silence.labels.collector === anomaly.labels.collector));
  };
  const outcomes: CaseOutcome[] = cases.map(({ record: anomaly, baselineWarm: warm, members }) => {
    const until = anomaly.atMs + anomaly.durationMs + horizonOf(anomaly.anomaly);
    const first = (raises.get(anomaly.anomaly) ?? [])
      .find((raise) => raise.atMs >= anomaly.atMs && raise.atMs <= until && labelsMatch(anomaly.anomaly, raise.labels, anomaly.labels));
    let applicable = !masked(anomaly, members);
    if (anomaly.anomaly === 'off_hours_collection') {
      const team = anomaly.labels.team ?? '';
      applicable = !calendar.isWithin(rules.offHours.teamHours[team] ?? rules.offHours.workingHours, anomaly.atMs);
    }
    return {
      anomaly: anomaly.anomaly, startedAt: anomaly.atMs, clock: clockAt(anomaly.atMs), labels: anomaly.labels, applicable,
      baselineWarm: warm, detectedAfterMs: first === undefined ? null : first.atMs - anomaly.atMs,
    };
  });
  const explained = (alert: OpenedAlert): boolean => cases.some(({ record: anomaly }) =>
    (anomaly.anomaly as string) === alert.rule
    && alert.openedAt >= anomaly.atMs
    && alert.openedAt <= anomaly.atMs + anomaly.durationMs + horizonOf(anomaly.anomaly)
    && labelsMatch(anomaly.anomaly, alert.labels, anomaly.labels));
  const sideEffect = (alert: OpenedAlert): boolean => cases.some(({ record: anomaly }) => {
    if (anomaly.anomaly === 'collector_silent') {
      // With nobody at work, the injector first keeps the collector busy (its team sends off hours).
      return alert.rule === 'off_hours_collection' && anomaly.labels.team === alert.labels.team
        && alert.openedAt >= anomaly.atMs - SILENCE_LEAD_MS && alert.openedAt <= anomaly.atMs;
    }
    const endsAt = anomaly.atMs + anomaly.durationMs;
    if (alert.rule === 'collector_silent') {
      const collector = alert.labels.collector ?? '';
      const involved = anomaly.labels.collector === collector || (anomaly.labels.collectors ?? '').split(',').includes(collector)
        || ((anomaly.anomaly === 'volume_spike' || anomaly.anomaly === 'redaction_rate_drop') && anomaly.labels.team === alert.labels.team);
      return involved && alert.openedAt >= endsAt && alert.openedAt <= endsAt + SIDE_EFFECT_WINDOW_MS;
    }
    if (alert.rule === 'off_hours_collection') {
      return anomaly.labels.team === alert.labels.team && alert.openedAt >= anomaly.atMs && alert.openedAt <= endsAt + ENTRY_RULE_HORIZON_MS;
    }
    return false;
  });
  const unattributed = openedAlerts.filter((alert) => !explained(alert));
  const sideEffects = unattributed.filter(sideEffect);
  const unexplained = unattributed.filter((alert) => !sideEffect(alert));
  const opened = Object.fromEntries(STREAM_RULE_NAMES.map((rule) => [rule, 0])) as Record<string, number>;
  for (const alert of openedAlerts) opened[alert.rule] = (opened[alert.rule] ?? 0) + 1;
  return {
    collectors: options.collectors, simulatedMs: durationMs, collectEntries, securityEntries,
    runtimeMs: Math.round(performance.now() - started), opened, openedAlerts, cases: outcomes, sideEffects, unexplained,
  };
}
