/**
 * Keywatch watching itself: `source_down` (the source not read for a while),
 * `ingest_stalled` (entries wait in the group's backlog but nothing is applied),
 * `ingest_lag_high` (the reader far behind the newest entry) and `reject_rate_high` (a
 * high share of entries rejected over the last minute). Condition rules: they clear, and
 * auto-resolve, when the condition goes away.
 */
import { clear, raise, type AlertSignal } from '../alerts/signal.js';
import type { SourceStatus } from '../ingest/ingest-loop.js';

export interface PipelineRuleSettings {
  /** Down for this long raises `source_down`. */
  sourceDownMs: number;
  /** A backlog with nothing applied for this long raises `ingest_stalled`. */
  stalledMs: number;
  /** A reader lag above this raises `ingest_lag_high`. */
  lagHighMs: number;
  /** A rejected share above this over a minute (with at least `rejectMinEntries` entries) raises `reject_rate_high`. */
  rejectShare: number;
  rejectMinEntries: number;
}

export const DEFAULT_PIPELINE_RULES: PipelineRuleSettings = { sourceDownMs: 10_000, stalledMs: 30_000, lagHighMs: 30_000, rejectShare: 0.05, rejectMinEntries: 100 };

/** What the rules look at, once a second. */
export interface PipelineObservation {
  now: number;
  status: SourceStatus;
  /** Entries waiting in the group (not yet delivered) over both streams, when known. */
  backlog: number | null;
  /** Totals since start: entries applied and entries rejected. */
  applied: number;
  rejected: number;
}

export class PipelineRules {
  readonly #settings: PipelineRuleSettings;
  readonly #labels: { stream: string };
  readonly #raised = new Set<string>();
  #lastProgress: { at: number; applied: number } | null = null;
  readonly #minute: { at: number; applied: number; rejected: number }[] = [];

  constructor(streamsLabel: string, settings: PipelineRuleSettings = DEFAULT_PIPELINE_RULES) {
    this.#settings = settings;
    this.#labels = { stream: streamsLabel };
  }

  /** The signals of one observation: raises for conditions that now hold, clears for those that stopped. */
  observe(observation: PipelineObservation): AlertSignal[] {
    const { now, status, backlog, applied, rejected } = observation;
    const signals: AlertSignal[] = [];
    const set = (rule: 'source_down' | 'ingest_stalled' | 'ingest_lag_high' | 'reject_rate_high', holds: boolean, summary: string): void => {
      if (holds) {
        if (!this.#raised.has(rule)) signals.push(raise(rule, this.#labels, summary, now));
        this.#raised.add(rule);
      } else if (this.#raised.delete(rule)) {
        signals.push(clear(rule, this.#labels, summary, now));
      }
    };
    const downForMs = status.source === 'down' ? now - status.sinceMs : 0;
    set('source_down', downForMs >= this.#settings.sourceDownMs, `the stream source has not been read for ${Math.round(downForMs / 1000)} s (${status.reason ?? 'no reason given'})`);

    if (this.#lastProgress === null || applied > this.#lastProgress.applied) this.#lastProgress = { at: now, applied };
    const stalledForMs = now - this.#lastProgress.at;
    set('ingest_stalled', status.source === 'up' && (backlog ?? 0) > 0 && stalledForMs >= this.#settings.stalledMs,
      `${backlog ?? 0} entries wait in the backlog and nothing was applied for ${Math.round(stalledForMs / 1000)} s`);

    set('ingest_lag_high', status.source === 'up' && status.lagMs >= this.#settings.lagHighMs, `the reader is ${Math.round(status.lagMs / 1000)} s behind the newest entry`);

    this.#minute.push({ at: now, applied, rejected });
    while (this.#minute.length > 1 && this.#minute[0]!.at < now - 60_000) this.#minute.shift();
    const first = this.#minute[0]!;
    const entries = applied - first.applied;
    const share = entries === 0 ? 0 : (rejected - first.rejected) / entries;
    set('reject_rate_high', entries >= this.#settings.rejectMinEntries && share >= this.#settings.rejectShare,
      `${Math.round(share * 1000) / 10} % of the last minute's ${entries} entries were rejected`);
    return signals;
  }
}
