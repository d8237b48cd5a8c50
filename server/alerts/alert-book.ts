/**
 * The alert lifecycle: applies rule signals and people's actions to alerts of the spec's
 * shape and says, as alert events, what changed. Pure and deterministic: the clock is
 * injected, nothing is sent or stored here, and the whole state is a JSON-able snapshot.
 *
 * - Dedupe: a raise with the rule and labels of an alert that is not resolved updates it
 *   (`count`, `lastSeen`, `summary`) and keeps its state; after it was resolved, a raise
 *   opens a new alert with a new id.
 * - Condition alerts resolve themselves once the condition has been cleared for
 *   `autoResolveMs` (hysteresis: doubled for each automatic resolve of the same rule and
 *   labels within `flapWindowMs`, up to `maxAutoResolveMs`), or after `staleAfterMs`
 *   without any signal. Event alerts wait for a person.
 * - Coalescing: at most one event per alert per `coalesceMs` (one second), and a mere
 *   repeat at most one per `repeatCoalesceMs`; what is held back is sent by `tick` with
 *   the alert's latest state, under the weightiest transition held.
 * - Silences mark matching alerts `silenced`; escalation fires once for a critical alert
 *   still firing and not silenced `escalateAfterMs` after it opened.
 *
 * Usage: call `signal` for each rule signal, the action methods for people, and `tick`
 * every few hundred ms. Each call returns the events to append to the alert event stream
 * (the store assigns their ids) and then persist `snapshot()` with them.
 */
import { Value } from '@sinclair/typebox/value';
import type { Alert, AlertEvent, AlertSeverity, AlertTransition, Silence } from '../../shared/alerts.js';
import { AlertError } from './alert-error.js';
import { ALERT_BOOK_STATE_VERSION, AlertBookState, type AlertRecord } from './alert-book-state.js';
import { RULE_CATALOG } from './catalog.js';
import { defaultLifecycleSettings, type LifecycleSettings } from './settings.js';
import { alertKey, type AlertSignal } from './signal.js';
import { checkMatchers, createSilence, matchesSilence, type SilenceRequestBy } from './silences.js';

/** An alert event before the store has given it its id (its position in the event stream). */
export type NewAlertEvent = Omit<AlertEvent, 'id'>;

/** Who acts on an alert, and their note. */
export interface AlertAction {
  by: string;
  note: string;
}

/** The result of an action: the alert as it now is, and the events to append. */
export interface ActionResult<T> {
  value: T;
  events: NewAlertEvent[];
}

export interface AlertBookOptions {
  /** The clock (ms since the epoch); the embedded simulator and tests pass a fake one. */
  now: () => number;
  settings?: Partial<LifecycleSettings>;
  /** Id of the n-th alert (1-based); default `alert-<n>`. */
  alertId?: (seq: number) => string;
  /** Id of the n-th silence; default `silence-<n>`. */
  silenceId?: (seq: number) => string;
}

/** Who resolves alerts whose condition cleared. */
export const SYSTEM_ACTOR = 'keywatch';

// When several transitions are held back, the event carries the weightiest.
const TRANSITION_WEIGHT: Readonly<Record<AlertTransition, number>> = {
  repeated: 0, silenced: 1, unsilenced: 1, escalated: 2, acknowledged: 3, opened: 4, resolved: 5, auto_resolved: 5,
};

const SEVERITY_ORDER: readonly AlertSeverity[] = ['critical', 'high', 'warning', 'info'];

function checkAction(action: AlertAction): AlertAction {
  const by = typeof action.by === 'string' ? action.by.trim() : '';
  if (by === '' || by.length > 64) throw new AlertError('bad_request', 'an action on an alert needs the user who takes it');
  const note = typeof action.note === 'string' ? action.note : '';
  if (note.length > 1000) throw new AlertError('bad_request', 'a note may hold at most 1000 characters');
  return { by, note };
}

/** The alerts, their lifecycle and the silences. */
export class AlertBook {
  readonly #now: () => number;
  readonly #settings: LifecycleSettings;
  readonly #alertId: (seq: number) => string;
  readonly #silenceId: (seq: number) => string;
  #alertSeq = 0;
  #silenceSeq = 0;
  /** Every record kept, by alert id, in the order they opened. */
  #records = new Map<string, AlertRecord>();
  /** Alerts not resolved, by deduplication key. */
  #open = new Map<string, AlertRecord>();
  #silences = new Map<string, Silence>();
  #autoResolves = new Map<string, number[]>();
  #resolvedKept = 0;

  constructor(options: AlertBookOptions) {
    this.#now = options.now;
    this.#settings = { ...defaultLifecycleSettings(), ...options.settings };
    this.#alertId = options.alertId ?? ((seq) => `alert-${seq}`);
    this.#silenceId = options.silenceId ?? ((seq) => `silence-${seq}`);
  }

  /** The lifecycle settings in force. */
  get settings(): Readonly<LifecycleSettings> {
    return this.#settings;
  }

  /** Applies one rule signal. */
  signal(signal: AlertSignal): NewAlertEvent[] {
    const events: NewAlertEvent[] = [];
    const now = this.#now();
    const key = alertKey(signal.rule, signal.labels);
    const open = this.#open.get(key);
    if (signal.kind === 'clear') {
      if (open && open.lifecycle === 'condition' && open.clearedAt === null) open.clearedAt = now;
      return events;
    }
    if (open) {
      const { alert } = open;
      alert.count++;
      // A backlog read after an outage may bring older evidence after newer.
      alert.firstSeen = Math.min(alert.firstSeen, signal.at);
      alert.lastSeen = Math.max(alert.lastSeen, signal.at);
      alert.summary = signal.summary;
      alert.severity = signal.severity;
      open.lastRaisedAt = now;
      open.clearedAt = null;
      if (signal.waitsForPerson) open.lifecycle = 'event';
      this.#emit(open, 'repeated', now, events);
      return events;
    }
    const alert: Alert = {
      id: this.#alertId(++this.#alertSeq),
      rule: signal.rule,
      severity: signal.severity,
      state: 'firing',
      summary: signal.summary,
      labels: { ...signal.labels },
      firstSeen: signal.at,
      lastSeen: signal.at,
      count: 1,
      ack: null,
      resolved: null,
      silenced: false,
    };
    alert.silenced = this.#isSilenced(alert);
    const record: AlertRecord = {
      alert, key, lifecycle: signal.waitsForPerson ? 'event' : RULE_CATALOG[signal.rule].lifecycle, openedAt: now, lastRaisedAt: now, clearedAt: null,
      escalated: false, lastEmittedAt: null, pending: null,
    };
    this.#records.set(alert.id, record);
    this.#open.set(key, record);
    this.#emit(record, 'opened', now, events);
    return events;
  }

  /** Applies several signals in order. */
  signals(signals: Iterable<AlertSignal>): NewAlertEvent[] {
    const events: NewAlertEvent[] = [];
    for (const signal of signals) events.push(...this.signal(signal));
    return events;
  }

  /** Acknowledges an alert. `not_found` if unknown, `conflict` if resolved; acknowledging twice changes nothing. */
  acknowledge(id: string, action: AlertAction): ActionResult<Alert> {
    const { by, note } = checkAction(action);
    const record = this.#record(id);
    const events: NewAlertEvent[] = [];
    if (record.alert.state === 'resolved') throw new AlertError('conflict', `alert ${id} is already resolved`);
    if (record.alert.state === 'firing') {
      const now = this.#now();
      record.alert.state = 'acknowledged';
      record.alert.ack = { by, at: now, note };
      this.#emit(record, 'acknowledged', now, events);
    }
    return { value: structuredClone(record.alert), events };
  }

  /** Resolves an alert for a person. `not_found` if unknown; resolving a resolved alert changes nothing. */
  resolve(id: string, action: AlertAction): ActionResult<Alert> {
    const { by, note } = checkAction(action);
    const record = this.#record(id);
    const events: NewAlertEvent[] = [];
    if (record.alert.state !== 'resolved') this.#resolve(record, 'resolved', { by, at: this.#now(), note }, events);
    return { value: structuredClone(record.alert), events };
  }

  /** Creates a silence; matching open alerts become silenced. `bad_request` names a bad field. */
  addSilence(request: SilenceRequestBy): ActionResult<Silence> {
    const now = this.#now();
    const silence = createSilence(request, this.#silenceId(this.#silenceSeq + 1), now, this.#settings.maxSilenceMs);
    this.#silenceSeq++;
    this.#silences.set(silence.id, silence);
    const events: NewAlertEvent[] = [];
    this.#updateSilenced(now, events);
    return { value: structuredClone(silence), events };
  }

  /** Deletes a silence; alerts no other silence matches are no longer silenced. `not_found` if unknown. */
  removeSilence(id: string): ActionResult<Silence> {
    const silence = this.#silences.get(id);
    if (!silence) throw new AlertError('not_found', `no active silence ${id}`);
    this.#silences.delete(id);
    const events: NewAlertEvent[] = [];
    this.#updateSilenced(this.#now(), events);
    return { value: silence, events };
  }

  /** The open alerts a silence with these matchers would silence now, newest first. `bad_request` for bad matchers. */
  previewSilence(matchers: Readonly<Record<string, string>>): Alert[] {
    const checked = checkMatchers(matchers);
    return [...this.#open.values()].reverse().filter((record) => matchesSilence(checked, record.alert)).map((record) => structuredClone(record.alert));
  }

  /**
   * The passage of time: ends expired silences, resolves condition alerts whose condition
   * stayed cleared, escalates, and sends what coalescing held back.
   */
  tick(): NewAlertEvent[] {
    const now = this.#now();
    const events: NewAlertEvent[] = [];
    let expired = false;
    for (const [id, silence] of this.#silences) {
      if (silence.endsAt > now) continue;
      this.#silences.delete(id);
      expired = true;
    }
    if (expired) this.#updateSilenced(now, events);
    for (const record of [...this.#open.values()]) {
      if (record.lifecycle !== 'condition') continue;
      if (record.clearedAt !== null && now - record.clearedAt >= this.#holdMs(record.key, now)) {
        const minutes = Math.round((now - record.clearedAt) / 60_000);
        this.#resolve(record, 'auto_resolved', { by: SYSTEM_ACTOR, at: now, note: `condition cleared for ${minutes} min` }, events);
      } else if (record.clearedAt === null && now - record.lastRaisedAt >= this.#settings.staleAfterMs) {
        const minutes = Math.round((now - record.lastRaisedAt) / 60_000);
        this.#resolve(record, 'auto_resolved', { by: SYSTEM_ACTOR, at: now, note: `no report of the condition for ${minutes} min` }, events);
      }
    }
    for (const record of this.#open.values()) {
      const { alert } = record;
      if (alert.severity !== 'critical' || alert.state !== 'firing' || alert.silenced || record.escalated) continue;
      if (now - record.openedAt < this.#settings.escalateAfterMs) continue;
      record.escalated = true;
      this.#emit(record, 'escalated', now, events);
    }
    for (const record of this.#records.values()) {
      if (record.pending !== null && now - (record.lastEmittedAt ?? 0) >= this.#holdBackMs(record.pending)) this.#send(record, record.pending, now, events);
    }
    this.#pruneResolved();
    for (const [key, times] of this.#autoResolves) {
      if ((times[times.length - 1] ?? 0) <= now - this.#settings.flapWindowMs) this.#autoResolves.delete(key);
    }
    return events;
  }

  /** An alert by id (open or recently resolved), or undefined. */
  get(id: string): Alert | undefined {
    const record = this.#records.get(id);
    return record ? structuredClone(record.alert) : undefined;
  }

  /** Every alert not resolved, newest first (the `alerts` snapshot). */
  openAlerts(): Alert[] {
    return [...this.#open.values()].reverse().map((record) => structuredClone(record.alert));
  }

  /** Every alert kept (open and recently resolved), newest first. */
  alerts(): Alert[] {
    return [...this.#records.values()].reverse().map((record) => structuredClone(record.alert));
  }

  /** Open alerts by severity (the `overview` channel's `openAlerts`). */
  openCounts(): Record<AlertSeverity, number> {
    const counts = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, 0])) as Record<AlertSeverity, number>;
    for (const record of this.#open.values()) counts[record.alert.severity]++;
    return counts;
  }

  /** Active silences, soonest ending first. */
  silences(): Silence[] {
    return [...this.#silences.values()].sort((a, b) => a.endsAt - b.endsAt).map((silence) => structuredClone(silence));
  }

  /** A JSON-able copy of the whole state. */
  snapshot(): AlertBookState {
    return structuredClone({
      version: ALERT_BOOK_STATE_VERSION,
      alertSeq: this.#alertSeq,
      silenceSeq: this.#silenceSeq,
      records: [...this.#records.values()],
      silences: [...this.#silences.values()],
      autoResolves: Object.fromEntries(this.#autoResolves),
    });
  }

  /** Replaces the state with a snapshot; throws a TypeError naming the problem (and changes nothing) when it is not valid. */
  load(state: unknown): void {
    if (!Value.Check(AlertBookState, state)) {
      const first = Value.Errors(AlertBookState, state).First();
      throw new TypeError(`alert book state is not valid at ${first?.path || '/'}: ${first?.message ?? 'unknown'}`);
    }
    const copy = structuredClone(state);
    const records = new Map<string, AlertRecord>();
    const open = new Map<string, AlertRecord>();
    for (const record of copy.records) {
      if (records.has(record.alert.id)) throw new TypeError(`alert book state holds alert ${record.alert.id} twice`);
      records.set(record.alert.id, record);
      if (record.alert.state === 'resolved') continue;
      if (open.has(record.key)) throw new TypeError(`alert book state holds two open alerts for ${record.key}`);
      open.set(record.key, record);
    }
    this.#alertSeq = copy.alertSeq;
    this.#silenceSeq = copy.silenceSeq;
    this.#records = records;
    this.#open = open;
    this.#silences = new Map(copy.silences.map((silence) => [silence.id, silence]));
    this.#autoResolves = new Map(Object.entries(copy.autoResolves));
    this.#resolvedKept = records.size - open.size;
  }

  #record(id: string): AlertRecord {
    const record = this.#records.get(id);
    if (!record) throw new AlertError('not_found', `no alert ${id}`);
    return record;
  }

  #isSilenced(alert: Alert): boolean {
    for (const silence of this.#silences.values()) if (matchesSilence(silence.matchers, alert)) return true;
    return false;
  }

  #updateSilenced(now: number, events: NewAlertEvent[]): void {
    for (const record of this.#open.values()) {
      const silenced = this.#isSilenced(record.alert);
      if (silenced === record.alert.silenced) continue;
      record.alert.silenced = silenced;
      this.#emit(record, silenced ? 'silenced' : 'unsilenced', now, events);
    }
  }

  /** The auto-resolve hold of a key: doubled for each automatic resolve within the flap window. */
  #holdMs(key: string, now: number): number {
    const recent = (this.#autoResolves.get(key) ?? []).filter((at) => at > now - this.#settings.flapWindowMs).length;
    return Math.min(Math.max(this.#settings.maxAutoResolveMs, this.#settings.autoResolveMs), this.#settings.autoResolveMs * 2 ** recent);
  }

  #resolve(record: AlertRecord, transition: 'resolved' | 'auto_resolved', note: NonNullable<Alert['resolved']>, events: NewAlertEvent[]): void {
    record.alert.state = 'resolved';
    record.alert.resolved = note;
    this.#open.delete(record.key);
    this.#resolvedKept++;
    if (transition === 'auto_resolved') {
      const times = (this.#autoResolves.get(record.key) ?? []).filter((at) => at > note.at - this.#settings.flapWindowMs);
      times.push(note.at);
      this.#autoResolves.set(record.key, times);
    }
    this.#emit(record, transition, note.at, events);
  }

  /** How long after an alert's previous event one with this transition may follow. */
  #holdBackMs(transition: AlertTransition): number {
    return transition === 'repeated' ? Math.max(this.#settings.coalesceMs, this.#settings.repeatCoalesceMs) : this.#settings.coalesceMs;
  }

  /** Sends an event now, or holds it back if the alert had one too recently (see `#holdBackMs`). */
  #emit(record: AlertRecord, transition: AlertTransition, now: number, events: NewAlertEvent[]): void {
    const held = record.pending;
    const weightiest = held !== null && TRANSITION_WEIGHT[held] > TRANSITION_WEIGHT[transition] ? held : transition;
    if (record.lastEmittedAt !== null && now - record.lastEmittedAt < this.#holdBackMs(weightiest)) {
      record.pending = weightiest;
      return;
    }
    this.#send(record, weightiest, now, events);
  }

  #send(record: AlertRecord, transition: AlertTransition, now: number, events: NewAlertEvent[]): void {
    record.pending = null;
    record.lastEmittedAt = now;
    events.push({ alert: structuredClone(record.alert), at: now, transition });
  }

  /** Forgets the oldest resolved alerts beyond `maxResolvedKept` (the event stream still has them). */
  #pruneResolved(): void {
    if (this.#resolvedKept <= this.#settings.maxResolvedKept) return;
    for (const [id, record] of this.#records) {
      if (this.#resolvedKept <= this.#settings.maxResolvedKept) break;
      if (record.alert.state !== 'resolved' || record.pending !== null) continue;
      this.#records.delete(id);
      this.#resolvedKept--;
    }
  }
}
