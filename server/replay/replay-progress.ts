/**
 * The replay's progress bar: on a terminal one line rewritten in place, otherwise (a log
 * file, CI) a plain line at every tenth of the file and at least every few seconds. Same
 * refresh periods and terminal handling as `keywatch simulate`'s progress line.
 */
import { LOG_EVERY_MS, TTY_REFRESH_MS } from '../simulate/progress.js';
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
  readonly #out: NodeJS.WritableStream;
  readonly #tty: boolean;
  readonly #read: () => ReplayStats;
  readonly #totalBytes: number | undefined;
  readonly #verb: string;
  readonly #startedMs = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #samples: { atMs: number; count: number }[] = [{ atMs: Date.now(), count: 0 }];
  #wroteInPlace = false;
  #lastLoggedMs = Date.now();
  #lastLoggedTenth = 0;

  /** `read` returns the current totals; `totalBytes` is the file's size (undefined for standard input). */
  constructor(out: NodeJS.WritableStream, read: () => ReplayStats, totalBytes: number | undefined, verb: string) {
    this.#out = out;
    this.#tty = (out as Partial<NodeJS.WriteStream>).isTTY === true;
    this.#read = read;
    this.#totalBytes = totalBytes;
    this.#verb = verb;
  }

  /** Starts refreshing the line. */
  start(): void {
    this.#timer = setInterval(() => this.#tick(), TTY_REFRESH_MS);
    this.#timer.unref();
  }

  /** Ends a line left in place on a terminal, so that a message can follow on its own line. */
  breakLine(): void {
    if (!this.#wroteInPlace) return;
    this.#out.write('\n');
    this.#wroteInPlace = false;
  }

  /** Stops refreshing and writes the final line: `keywatch replay: <how> after 2.5 s: <progress>`. */
  finish(how: string): void {
    clearInterval(this.#timer);
    const stats = this.#read();
    const seconds = Math.max((Date.now() - this.#startedMs) / 1000, 0.001);
    this.breakLine();
    this.#out.write(`keywatch replay: ${how} after ${seconds.toFixed(1)} s: ${formatReplayProgress(stats, stats.entries / seconds, this.#totalBytes, this.#verb)}\n`);
  }

  #tick(): void {
    const stats = this.#read();
    const nowMs = Date.now();
    this.#samples.push({ atMs: nowMs, count: stats.entries });
    while (this.#samples.length > 2 && (this.#samples[1] as { atMs: number }).atMs <= nowMs - RATE_WINDOW_MS) this.#samples.shift();
    const oldest = this.#samples[0] as { atMs: number; count: number };
    const perSecond = ((stats.entries - oldest.count) * 1000) / Math.max(nowMs - oldest.atMs, 1);
    const line = `keywatch replay: ${formatReplayProgress(stats, perSecond, this.#totalBytes, this.#verb)}`;
    if (this.#tty) {
      // \x1b[K clears what a longer previous line left behind.
      this.#out.write(`\r${line}\x1b[K`);
      this.#wroteInPlace = true;
      return;
    }
    const tenth = this.#totalBytes ? Math.floor((stats.bytesDone / this.#totalBytes) * 10) : 0;
    if (tenth > this.#lastLoggedTenth || nowMs - this.#lastLoggedMs >= LOG_EVERY_MS) {
      this.#lastLoggedTenth = tenth;
      this.#lastLoggedMs = nowMs;
      this.#out.write(`${line}\n`);
    }
  }
}
