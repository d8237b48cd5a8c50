/**
 * Alerting at run time: feeds the rule engine with what the reader applied and with
 * completed minutes, runs the lifecycle (AlertBook), persists state and transitions
 * through the AlertStore (one save at a time, in order), audits human actions, and tells
 * listeners (the `alerts` channel, notifiers) about every saved transition.
 *
 * One instance evaluates the rules over the entries it applies: with several instances
 * in one consumer group each sees its share, so rate and baseline rules need a single
 * evaluating instance (see the README's scale-out note).
 */
import type { Alert, AlertEvent, Silence } from '../../shared/alerts.js';
import type { AuditLog } from '../audit/audit-log.js';
import { AlertBook, type NewAlertEvent } from '../alerts/alert-book.js';
import { inputsFromClassified, type RuleInput } from '../alerts/inputs.js';
import { MinuteAggregator } from '../alerts/minute-aggregator.js';
import { RuleEngine } from '../alerts/rule-engine.js';
import type { AlertSettings } from '../alerts/settings.js';
import type { AlertSignal } from '../alerts/signal.js';
import type { ClassifiedEntry } from '../ingest/classify.js';
import type { AlertStore } from './alert-store.js';

export interface AlertCenterOptions {
  store: AlertStore;
  audit: AuditLog;
  prefix: string;
  latenessMs: number;
  settings: AlertSettings;
  /** Arrival time through which the source has been read: minutes before it (less the lateness) are complete. */
  watermarkMs: () => number | null;
  /** Minutes during which the source was not read: judged by no rule (a collector absent then is not silent). */
  gapMinutes?: () => ReadonlySet<number>;
  onError: (error: Error) => void;
  /** Maps event time to the wall clock that decides working hours (the embedded simulator's day). */
  wallClockOf?: (ms: number) => number;
  now?: () => number;
}

type Listener = (events: readonly AlertEvent[]) => void;

/** Rule and book state are saved at least this often, even with no transition (baselines learn). */
const STATE_SAVE_MS = 60_000;

export class AlertCenter {
  readonly #options: AlertCenterOptions;
  readonly #now: () => number;
  readonly #engine: RuleEngine;
  readonly #book: AlertBook;
  readonly #minutes = new MinuteAggregator();
  readonly #listeners = new Set<Listener>();
  /** Saves run one after another, so events reach the stream and the listeners in order. */
  #saving: Promise<unknown> = Promise.resolve();
  /** The save waiting for the one in flight: transitions that come meanwhile join it (group commit). */
  #nextSave: { events: NewAlertEvent[]; done: Promise<void> } | null = null;
  #savedAt = 0;

  constructor(options: AlertCenterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#engine = new RuleEngine(options.settings.rules, options.wallClockOf ? { wallClockOf: options.wallClockOf } : {});
    this.#book = new AlertBook({ now: this.#now, settings: options.settings.lifecycle, alertId: () => newAlertId() });
  }

  /** Restores the saved state (alerts, acks, silences, learned baselines). */
  async load(): Promise<void> {
    const saved = await this.#options.store.load();
    if (!saved) return;
    this.#book.load(saved.book);
    this.#engine.load(saved.engine);
  }

  /** Listens to every saved transition; returns the unsubscribe function. */
  onEvents(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Feeds the entries of an applied batch to the rules. */
  consume(entries: readonly ClassifiedEntry[]): void {
    const inputs: RuleInput[] = [];
    for (const entry of entries) {
      inputs.push(...inputsFromClassified(entry, this.#options.prefix));
      if (entry.kind === 'point') this.#minutes.add(entry.entry, entry.second);
    }
    if (inputs.length === 0) return;
    const events = this.#book.signals(this.#engine.applyAll(inputs));
    // What the rules learned from a batch without transitions is saved by the tick, at least every STATE_SAVE_MS.
    if (events.length > 0) this.#commit(events);
  }

  /** The passage of time: completed minutes, quiet periods, auto-resolves, silence expiry, escalation. */
  tick(): void {
    const watermark = this.#options.watermarkMs();
    const inputs: RuleInput[] = watermark === null ? [] : this.#minutes.takeCompleted(watermark - this.#options.latenessMs, this.#options.gapMinutes?.());
    inputs.push({ type: 'tick', nowMs: this.#now() });
    const events = [...this.#book.signals(this.#engine.applyAll(inputs)), ...this.#book.tick()];
    if (events.length > 0 || this.#now() - this.#savedAt >= STATE_SAVE_MS) this.#commit(events);
  }

  /** Applies signals from outside the rule engine (Keywatch's own pipeline rules). */
  signal(signals: readonly AlertSignal[]): void {
    if (signals.length > 0) this.#commit(this.#book.signals(signals));
  }

  async acknowledge(id: string, by: string, note: string): Promise<Alert> {
    const result = this.#book.acknowledge(id, { by, note });
    await this.#commit(result.events);
    await this.#options.audit.append({ user: by, action: 'alert_ack', target: id });
    return result.value;
  }

  async resolve(id: string, by: string, note: string): Promise<Alert> {
    const result = this.#book.resolve(id, { by, note });
    await this.#commit(result.events);
    await this.#options.audit.append({ user: by, action: 'alert_resolve', target: id });
    return result.value;
  }

  async addSilence(by: string, matchers: Record<string, string>, durationMs: number, comment: string): Promise<Silence> {
    const result = this.#book.addSilence({ by, matchers, durationMs, comment });
    await this.#commit(result.events);
    await this.#options.audit.append({ user: by, action: 'silence_create', target: result.value.id });
    return result.value;
  }

  async removeSilence(by: string, id: string): Promise<Silence> {
    const result = this.#book.removeSilence(id);
    await this.#commit(result.events);
    await this.#options.audit.append({ user: by, action: 'silence_delete', target: id });
    return result.value;
  }

  previewSilence(matchers: Readonly<Record<string, string>>): Alert[] {
    return this.#book.previewSilence(matchers);
  }

  get(id: string): Alert | undefined {
    return this.#book.get(id);
  }

  openAlerts(): Alert[] {
    return this.#book.openAlerts();
  }

  alerts(): Alert[] {
    return this.#book.alerts();
  }

  openCounts(): ReturnType<AlertBook['openCounts']> {
    return this.#book.openCounts();
  }

  silences(): Silence[] {
    return this.#book.silences();
  }

  eventsAfter(id: string): Promise<AlertEvent[] | null> {
    return this.#options.store.eventsAfter(id);
  }

  lastEventId(): Promise<string | null> {
    return this.#options.store.lastEventId();
  }

  /** Resolves once every save queued so far is done. */
  async settled(): Promise<void> {
    await this.#saving;
  }

  /**
   * Queues a save of the state with `events`; listeners hear the events once saved.
   * Group commit: while a save is in flight, every transition that comes joins the one
   * next save, which writes the state as it is when it starts — under a burst of alerts
   * that is one write of the whole state per round trip, not one per transition.
   */
  #commit(events: readonly NewAlertEvent[]): Promise<void> {
    this.#savedAt = this.#now();
    if (this.#nextSave === null) {
      const batch: { events: NewAlertEvent[]; done: Promise<void> } = { events: [], done: Promise.resolve() };
      batch.done = this.#saving.then(async () => {
        this.#nextSave = null;
        const state = { book: this.#book.snapshot(), engine: this.#engine.snapshot() };
        const saved = await this.#options.store.save(state, batch.events);
        if (saved.length > 0) for (const listener of this.#listeners) listener(saved);
      });
      // A failed save is reported, and the next one saves the whole state again.
      this.#saving = batch.done.catch((error: Error) => this.#options.onError(error));
      this.#nextSave = batch;
    }
    this.#nextSave.events.push(...events);
    return this.#nextSave.done;
  }
}

/** Alert ids are random, so that ids from two instances or before a restart never collide. */
function newAlertId(): string {
  return `a-${crypto.randomUUID().slice(0, 18)}`;
}
