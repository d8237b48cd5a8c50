/**
 * The replay's progress bar: on a terminal one line rewritten in place, otherwise (a log
 * file, CI) a plain line at every tenth of the file and at least every few seconds. The
 * terminal handling and the rate are `cli/progress-line.ts`'s, shared with `keywatch simulate`.
 */
import { LOG_EVERY_MS, ProgressLine, RateWindow, TTY_REFRESH_MS } from '../cli/progress-line.js';
import type { ReplayStats } from './replayer.js';

const BAR_WIDTH = 20;
// The rate shown is averaged over this window, so that batches do not make it jump.
const RATE_WINDOW_MS = 5_000;

/** `[#########-----------]  45%`, or '' when the size is unknown (standard input). */
export function formatBar(bytesDone: number, totalBytes: number | undefined): string {
  if (totalBytes === undefined) return '';
  const fraction = totalBytes === 0 ? 1 : Math.min(bytesDone / totalBytes, 1);
  const filled = Math.floor(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}

/** Formats one progress line (no newline); `verb` is "written" or "checked". Counts and line numbers only. */
export function formatReplayProgress(stats: ReplayStats, entriesPerSecond: number, totalBytes: number | undefined, verb: string): string {
  const bar = formatBar(stats.bytesDone, totalBytes);
  return [
    ...(bar === '' ? [] : [bar]),
    `line ${stats.lines}`,
    `${verb} ${stats.entries} (${Math.round(entriesPerSecond)}/s)`,
    `collect ${stats.byStream.collect}`,
    `security ${stats.byStream.security}`,
    `bad lines ${stats.badLines}`,
  ].join(' | ');
}

/** Writes the progress line periodically while a replay lasts. */
export class ReplayProgress {
  readonly #line: ProgressLine;
  readonly #read: () => ReplayStats;
  readonly #totalBytes: number | undefined;
  readonly #verb: string;
  /** Entries per second, for the line. */
  readonly #rate = new RateWindow(RATE_WINDOW_MS);
  #timer: NodeJS.Timeout | undefined;
  #lastLoggedMs = Date.now();
  #lastLoggedTenth = 0;

  /** `read` returns the current totals; `totalBytes` is the file's size (undefined for standard input). */
  constructor(out: NodeJS.WritableStream, read: () => ReplayStats, totalBytes: number | undefined, verb: string) {
    this.#line = new ProgressLine(out);
    this.#read = read;
    this.#totalBytes = totalBytes;
    this.#verb = verb;
  }

  /** Starts refreshing the line. */
  start(): void {
    // Terminal refresh period even for a log: the tenths of the file are checked that often.
    this.#timer = setInterval(() => this.#tick(), TTY_REFRESH_MS);
    this.#timer.unref();
  }

  /** Ends a line left in place on a terminal, so that a message can follow on its own line. */
  breakLine(): void {
    this.#line.breakLine();
  }

  /** Stops refreshing and writes the final line: `keywatch replay: <how> after 2.5 s: <progress>`. */
  finish(how: string): void {
    clearInterval(this.#timer);
    const stats = this.#read();
    const seconds = this.#rate.elapsedSeconds();
    this.#line.finish(`keywatch replay: ${how} after ${seconds.toFixed(1)} s: ${formatReplayProgress(stats, stats.entries / seconds, this.#totalBytes, this.#verb)}`);
  }

  #tick(): void {
    const stats = this.#read();
    const nowMs = Date.now();
    // Sampled on every tick, logged or not, so the rate covers the whole window.
    const perSecond = this.#rate.add(stats.entries, nowMs);
    if (!this.#line.isTTY && !this.#dueInLog(stats.bytesDone, nowMs)) return;
    this.#line.write(`keywatch replay: ${formatReplayProgress(stats, perSecond, this.#totalBytes, this.#verb)}`);
  }

  /** In a log, a line at every tenth of the file and at least every LOG_EVERY_MS; records it as written. */
  #dueInLog(bytesDone: number, nowMs: number): boolean {
    const tenth = this.#totalBytes ? Math.floor((bytesDone / this.#totalBytes) * 10) : 0;
    if (tenth <= this.#lastLoggedTenth && nowMs - this.#lastLoggedMs < LOG_EVERY_MS) return false;
    this.#lastLoggedTenth = tenth;
    this.#lastLoggedMs = nowMs;
    return true;
  }
}
