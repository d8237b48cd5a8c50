/**
 * The reader: reads batches from the StreamSource, classifies them, and commits each
 * batch to the OverviewStore (apply + acknowledge in one step). It never stops for a bad
 * entry, and when the source fails it reports `down` and retries with jittered backoff.
 */
import type { FastifyBaseLogger } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import { ApplyError, FINALIZE_MARGIN_MS, type IngestCommit, type OverviewStore } from '../overview/overview-store.js';
import { buildCommit } from './batch-commit.js';
import { classifyEntry, type ClassifiedEntry } from './classify.js';
import { reconnectDelayMs } from './redis-connection.js';
import type { SourceRead, StreamSource, TrimmedUnread } from './stream-source.js';

/** Whether the source is being read, since when, and how far behind the reader is. */
export interface SourceStatus {
  source: 'up' | 'down';
  sinceMs: number;
  lagMs: number;
  /** Why the source is down (an error code or message about the connection, never entry content). */
  reason: string | null;
}

export interface IngestLoopOptions {
  source: StreamSource;
  store: OverviewStore;
  prefix: string;
  latenessMs: number;
  log: FastifyBaseLogger;
  batchSize?: number;
  blockMs?: number;
  /** Called with the entries of every applied batch (alert rules hook in here). */
  onApplied?: (entries: readonly ClassifiedEntry[]) => void;
  now?: () => number;
}

/** Commits per batch before giving up on entries another reader keeps claiming. */
const COMMIT_ATTEMPTS = 3;

/** Attempts to apply an entry the store refuses before it goes to the dead letters (`delivery_limit`). */
export const MAX_DELIVERIES = 3;

export class IngestLoop {
  readonly #options: IngestLoopOptions;
  readonly #now: () => number;
  readonly #listeners = new Set<(status: SourceStatus) => void>();
  #status: SourceStatus;
  /** Start of the arrival-time span read without interruption, not yet committed as coverage. */
  #coverageFromMs: number | null = null;
  /** Entries the source lost before they were read (trimmed by producers), since start. */
  readonly trimmed = { incidents: 0, entries: 0, last: null as TrimmedUnread | null };

  constructor(options: IngestLoopOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#status = { source: 'down', sinceMs: this.#now(), lagMs: 0, reason: 'starting' };
  }

  get status(): SourceStatus {
    return this.#status;
  }

  /** Arrival time (source clock) through which the source has been read without interruption; null before the first read. */
  get watermarkMs(): number | null {
    return this.#coverageFromMs;
  }

  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: SourceStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { source, batchSize = 1000, blockMs = 1000, log } = this.#options;
    let opened = false;
    let failures = 0;
    /** The next batch, asked for while the current one commits (see below). */
    let next: Promise<SourceRead> | null = null;
    while (!signal.aborted) {
      try {
        if (!opened) {
          this.#coverageFromMs = (await source.open()).resumeFromMs;
          opened = true;
        }
        const read = await (next ?? source.read(batchSize, blockMs));
        next = null;
        // After an abort the batch stays pending and is re-read on the next start: nothing is lost.
        if (signal.aborted) break;
        // Read ahead: Redis serves batch n+1 while batch n is classified and committed, so
        // neither side waits for the other. Batches are still applied one at a time, in
        // order; entries read ahead stay pending to this consumer until their own commit.
        next = source.read(batchSize, blockMs);
        next.catch(() => {}); // settled (and its error handled) where it is awaited
        await this.#apply(read);
        failures = 0;
      } catch (error) {
        // A read-ahead still in flight must settle before re-opening: entries it receives are
        // pending to us, and only a pending re-read that starts after it will find them.
        if (next) await next.then(() => {}, () => {});
        next = null;
        if (signal.aborted) break;
        const reason = describeFailure(error);
        if (this.#status.source === 'up') log.warn({ err: reason }, 'stream source unavailable; retrying');
        this.#setStatus({ source: 'down', sinceMs: this.#status.source === 'down' ? this.#status.sinceMs : this.#now(), lagMs: this.#status.lagMs, reason });
        // Re-open on recovery: pending entries are re-read and groups recreated where Redis lost them.
        opened = false;
        await sleep(reconnectDelayMs(failures++), signal);
      }
    }
  }

  async #apply(read: SourceRead): Promise<void> {
    const { latenessMs } = this.#options;
    for (const loss of read.trimmedUnread ?? []) this.#reportTrimmed(loss);
    const classified = read.entries.map((entry) => classifyEntry(entry, latenessMs));
    // Entries taken over from a stopped consumer are old: they say nothing about how far reading got.
    const collectArrivals = read.reclaimed ? [] : read.entries.filter((entry) => entry.stream === 'collect').map((entry) => entry.arrivalMs);
    const watermark = read.caughtUpAtMs ?? (collectArrivals.length > 0 ? Math.max(...collectArrivals) : null);
    if (this.#coverageFromMs === null && watermark !== null) {
      this.#coverageFromMs = collectArrivals.length > 0 ? Math.min(...collectArrivals) : watermark;
    }
    const coverage = this.#coverageFromMs !== null && watermark !== null && watermark >= this.#coverageFromMs
      ? { fromMs: this.#coverageFromMs, toMs: watermark }
      : null;
    if (classified.length > 0 || coverage) {
      const finalBeforeMs = watermark === null ? 0 : watermark - 1000 - latenessMs - FINALIZE_MARGIN_MS;
      await this.#commit(classified, coverage, finalBeforeMs);
    }
    if (coverage) this.#coverageFromMs = coverage.toMs;
    const lagMs = read.caughtUpAtMs !== null || watermark === null ? 0 : Math.max(0, this.#now() - watermark);
    if (this.#status.source === 'down') {
      this.#options.log.info('stream source is being read');
      this.#setStatus({ source: 'up', sinceMs: this.#now(), lagMs, reason: null });
    } else {
      this.#status = { ...this.#status, lagMs };
    }
  }

  #reportTrimmed(loss: TrimmedUnread): void {
    this.trimmed.incidents += 1;
    this.trimmed.entries += loss.entries ?? 0;
    this.trimmed.last = loss;
    this.#options.log.warn(
      { stream: loss.stream, entries: loss.entries, afterMs: loss.afterMs, throughMs: loss.throughMs },
      'entries were trimmed from the stream before Keywatch read them: the figures of that span are incomplete (the producer\'s MAXLEN is too small for the backlog)',
    );
  }

  /**
   * Commits a batch; when the store refuses its data (ApplyError), finds the entries at
   * fault by halving the batch, so one poison entry never stalls the ones around it.
   */
  async #commit(entries: ClassifiedEntry[], coverage: IngestCommit['coverage'], finalBeforeMs: number): Promise<void> {
    try {
      await this.#commitOnce(entries, coverage, finalBeforeMs);
    } catch (error) {
      if (!(error instanceof ApplyError)) throw error;
      if (entries.length <= 1) {
        await this.#retryOrDeadLetter(entries[0], coverage, finalBeforeMs, error);
        return;
      }
      const middle = Math.ceil(entries.length / 2);
      await this.#commit(entries.slice(0, middle), null, finalBeforeMs);
      await this.#commit(entries.slice(middle), coverage, finalBeforeMs);
    }
  }

  /** Tries a refused entry again a bounded number of times, then lists it in the dead letters as `delivery_limit`. */
  async #retryOrDeadLetter(entry: ClassifiedEntry | undefined, coverage: IngestCommit['coverage'], finalBeforeMs: number, error: ApplyError): Promise<void> {
    const { log } = this.#options;
    if (!entry) {
      log.error({ err: error.message }, 'the store refused a commit with no entries; coverage skipped');
      return;
    }
    for (let delivery = 2; delivery <= MAX_DELIVERIES; delivery++) {
      try {
        await this.#commitOnce([entry], coverage, finalBeforeMs);
        return;
      } catch (retryError) {
        if (!(retryError instanceof ApplyError)) throw retryError;
      }
    }
    log.warn({ stream: this.#options.prefix + entry.source.stream, id: entry.source.id, err: error.message }, 'entry failed to apply too many times; dead-lettered');
    const deadLetter: ClassifiedEntry = {
      kind: 'rejected', source: entry.source, reason: 'delivery_limit', field: null, collector: null, unknownFields: entry.unknownFields,
    };
    await this.#commitOnce([deadLetter], coverage, finalBeforeMs);
  }

  async #commitOnce(entries: ClassifiedEntry[], coverage: IngestCommit['coverage'], finalBeforeMs: number): Promise<void> {
    const { store, prefix, onApplied, log } = this.#options;
    let remaining = entries;
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      const outcome = await store.commit(buildCommit(remaining, prefix, coverage, finalBeforeMs));
      if (outcome.applied) {
        this.#report(remaining);
        onApplied?.(remaining);
        return;
      }
      // Another reader claimed some entries: it applies those; we apply what is still ours.
      remaining = remaining.filter((entry) => outcome.stillPending[entry.source.stream].has(entry.source.id));
    }
    log.warn({ entries: remaining.length }, 'entries kept being claimed by another reader; leaving them to it');
  }

  /** Logs unknown fields by their safe names only — never a value. */
  #report(entries: readonly ClassifiedEntry[]): void {
    for (const entry of entries) {
      for (const field of entry.unknownFields) {
        if (!field.rawLooking) continue;
        const collector = entry.kind === 'security' ? null : entry.kind === 'point' ? entry.entry.collector : entry.collector;
        this.#options.log.warn({ stream: this.#options.prefix + entry.source.stream, collector, field: field.name }, 'raw-looking field in stream');
      }
    }
  }

  #setStatus(status: SourceStatus): void {
    this.#status = status;
    for (const listener of this.#listeners) listener(status);
  }
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 200);
}

/** Waits `ms`, or less when `signal` aborts (the rejection an abort causes only ends the wait). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => {});
}
