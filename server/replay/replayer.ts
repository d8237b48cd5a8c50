/**
 * The replay loop: reads lines, parses them, paces them and writes them in batches
 * through a `StreamWriter`. One batch is in flight at a time, so however large the file,
 * memory holds at most one batch and the line being read.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import type { InputStream } from '../ingest/stream-source.js';
import type { InputLine } from './line-reader.js';
import { MAX_LINE_BYTES, parseReplayLine, shiftTimestamps, type ReplayEntry } from './replay-file.js';

/** How entries are spread over time. */
export type ReplayPace =
  | { readonly kind: 'fast' }
  /** The recorded gaps divided by `factor` (2: twice as fast). */
  | { readonly kind: 'speed'; readonly factor: number }
  | { readonly kind: 'rate'; readonly perSecond: number };

export interface ReplaySettings {
  readonly prefix: string;
  readonly maxLength: number;
  readonly batchSize: number;
  readonly pace: ReplayPace;
  /** Shift every `ts` by one offset, so that the first recorded time becomes now. */
  readonly retime: boolean;
}

/** Running totals, read by the progress line. */
export interface ReplayStats {
  /** Lines handled (written, skipped or blank). */
  lines: number;
  /** Entries written (with a writer) or found good (a check). */
  entries: number;
  byStream: Record<InputStream, number>;
  badLines: number;
  /** Byte offset just past the last line handled. */
  bytesDone: number;
}

/** How a run ended. Every kind but `done` leaves lines of the file unwritten. */
export type ReplayOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'interrupted'; readonly afterLine: number }
  | { readonly kind: 'write_failed'; readonly fromLine: number; readonly toLine: number; readonly error: unknown }
  | { readonly kind: 'not_a_replay_file'; readonly badLines: number };

export interface ReplayHooks {
  /** Called for each bad line, which is then skipped. */
  onBadLine(lineNumber: number, problem: string): void;
  now?: () => number;
  /** Waits `ms`; rejects or resolves early when `signal` aborts. */
  wait?: (ms: number, signal: AbortSignal) => Promise<unknown>;
}

/** With this many bad lines and not one good one, the input is not a replay file: stop rather than report each. */
export const GIVE_UP_AFTER_BAD_LINES = 100;
// Entries due within this much of now go into the current batch instead of waiting alone:
// timers are not finer than a few ms, and a rate holds on average.
const PACE_SLACK_MS = 20;

interface PendingEntry {
  readonly lineNumber: number;
  readonly stream: InputStream;
  readonly fields: FieldList;
}

/** Replays a file's lines into `writer` (null: only check them). */
export class Replayer {
  readonly stats: ReplayStats = { lines: 0, entries: 0, byStream: { collect: 0, security: 0 }, badLines: 0, bytesDone: 0 };
  readonly #writer: StreamWriter | null;
  readonly #settings: ReplaySettings;
  readonly #hooks: ReplayHooks;
  readonly #now: () => number;
  #batch: PendingEntry[] = [];
  #batchBytesDone = 0;
  #batchLines = 0;
  /** Recorded time of the first timed entry, and when it was sent: the pace's and `--retime`'s anchor. */
  #anchor: { recordedMs: number; sentMs: number } | undefined;
  #rateStartMs: number | undefined;
  #paced = 0;

  constructor(writer: StreamWriter | null, settings: ReplaySettings, hooks: ReplayHooks) {
    this.#writer = writer;
    this.#settings = settings;
    this.#hooks = hooks;
    this.#now = hooks.now ?? Date.now;
  }

  /** Replays every line of `lines`; resolves to how it ended. A read error of the input rejects. */
  async run(lines: AsyncIterable<InputLine>, signal: AbortSignal): Promise<ReplayOutcome> {
    for await (const line of lines) {
      if (signal.aborted) return this.#stop();
      const entry = this.#entryOf(line);
      if (entry !== undefined) {
        const dueMs = this.#dueMs(entry);
        if (dueMs !== undefined && dueMs > this.#now() + PACE_SLACK_MS) {
          const failed = await this.#flush();
          if (failed) return failed;
          await this.#wait(dueMs - this.#now(), signal);
          if (signal.aborted) return this.#stop();
        }
        this.#batch.push({ lineNumber: line.lineNumber, stream: entry.stream, fields: this.#retimed(entry) });
      } else if (this.stats.entries === 0 && this.#batch.length === 0 && this.stats.badLines >= GIVE_UP_AFTER_BAD_LINES) {
        return { kind: 'not_a_replay_file', badLines: this.stats.badLines };
      }
      this.#batchLines += 1;
      this.#batchBytesDone = line.endOffset;
      if (this.#batch.length >= this.#settings.batchSize) {
        const failed = await this.#flush();
        if (failed) return failed;
      }
    }
    return (await this.#flush()) ?? { kind: 'done' };
  }

  /** The entry a line holds, or undefined for a blank or bad line (a bad one is reported). */
  #entryOf(line: InputLine): ReplayEntry | undefined {
    if (line.kind === 'too_long') {
      this.#badLine(line.lineNumber, `${line.bytes} bytes long, more than the ${MAX_LINE_BYTES} allowed`);
      return undefined;
    }
    if (line.kind === 'not_utf8') {
      this.#badLine(line.lineNumber, 'not UTF-8 text');
      return undefined;
    }
    if (line.text.trim() === '') return undefined;
    const parsed = parseReplayLine(line.text);
    if (!parsed.ok) {
      this.#badLine(line.lineNumber, parsed.problem);
      return undefined;
    }
    return parsed.entry;
  }

  #badLine(lineNumber: number, problem: string): void {
    this.stats.badLines += 1;
    this.#hooks.onBadLine(lineNumber, problem);
  }

  /** When `entry` should be written, or undefined for "now". Sets the anchor at the first timed entry. */
  #dueMs(entry: ReplayEntry): number | undefined {
    const { pace } = this.#settings;
    if (entry.recordedMs !== undefined && this.#anchor === undefined && (pace.kind === 'speed' || this.#settings.retime)) {
      this.#anchor = { recordedMs: entry.recordedMs, sentMs: this.#now() };
    }
    if (pace.kind === 'rate') {
      this.#rateStartMs ??= this.#now();
      const dueMs = this.#rateStartMs + (this.#paced * 1000) / pace.perSecond;
      this.#paced += 1;
      return dueMs;
    }
    if (pace.kind === 'speed' && entry.recordedMs !== undefined && this.#anchor !== undefined) {
      // A recorded time before the anchor (an out-of-order recording) is due at once.
      return this.#anchor.sentMs + (entry.recordedMs - this.#anchor.recordedMs) / pace.factor;
    }
    return undefined;
  }

  #retimed(entry: ReplayEntry): FieldList {
    if (!this.#settings.retime || this.#anchor === undefined) return entry.fields;
    return shiftTimestamps(entry.fields, this.#anchor.sentMs - this.#anchor.recordedMs);
  }

  async #wait(ms: number, signal: AbortSignal): Promise<void> {
    const wait = this.#hooks.wait ?? ((delayMs: number, abort: AbortSignal) => sleep(delayMs, undefined, { signal: abort }));
    try {
      await wait(ms, signal);
    } catch {
      // Aborted: the caller checks the signal.
    }
  }

  /** Writes the batch: consecutive entries of one stream go as one append, all issued at once so they keep file order. */
  async #flush(): Promise<ReplayOutcome | undefined> {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length > 0 && this.#writer !== null) {
      const runs: PendingEntry[][] = [];
      for (const entry of batch) {
        const run = runs[runs.length - 1];
        if (run !== undefined && run[0]?.stream === entry.stream) run.push(entry);
        else runs.push([entry]);
      }
      const writer = this.#writer;
      // allSettled: every command has answered before we go on or report, so none is left unobserved.
      const results = await Promise.allSettled(
        runs.map((run) => writer.append(this.#settings.prefix + (run[0] as PendingEntry).stream, run.map((entry) => entry.fields), this.#settings.maxLength)),
      );
      const failedAt = results.findIndex((result) => result.status === 'rejected');
      if (failedAt !== -1) {
        for (const run of runs.slice(0, failedAt)) this.#count(run);
        const failedRun = runs[failedAt] as PendingEntry[];
        const rejected = results[failedAt] as PromiseRejectedResult;
        return {
          kind: 'write_failed',
          fromLine: (failedRun[0] as PendingEntry).lineNumber,
          toLine: (batch[batch.length - 1] as PendingEntry).lineNumber,
          error: rejected.reason,
        };
      }
      for (const run of runs) this.#count(run);
    } else {
      for (const entry of batch) this.#countEntry(entry.stream);
    }
    this.stats.lines += this.#batchLines;
    this.stats.bytesDone = this.#batchBytesDone;
    this.#batchLines = 0;
    return undefined;
  }

  #count(run: readonly PendingEntry[]): void {
    for (const entry of run) this.#countEntry(entry.stream);
  }

  #countEntry(stream: InputStream): void {
    this.stats.entries += 1;
    this.stats.byStream[stream] += 1;
  }

  async #stop(): Promise<ReplayOutcome> {
    // What was read before the interrupt is written, so "after line N" is exact.
    return (await this.#flush()) ?? { kind: 'interrupted', afterLine: this.stats.lines };
  }
}
