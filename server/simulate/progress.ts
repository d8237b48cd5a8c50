/**
 * The simulator's progress line: on a terminal one line rewritten in place, otherwise
 * (a log file, CI) a plain line every few seconds.
 */
import type { SimulatorStats } from './simulator.js';

/** How often the line is refreshed on a terminal, and written when output is not one. */
export const TTY_REFRESH_MS = 500;
export const LOG_EVERY_MS = 5_000;
// The rate shown is averaged over this window, so that ticks do not make it jump.
const RATE_WINDOW_MS = 5_000;

/** Formats one progress line (no newline). */
export function formatProgress(stats: SimulatorStats, collectPerSecond: number, totalCollectors: number): string {
  return [
    `collect ${stats.collectEntries} (${Math.round(collectPerSecond)}/s)`,
    `security ${stats.securityEntries}`,
    `clock ${stats.simulatedClock}`,
    `collectors ${stats.activeCollectors}/${totalCollectors} on`,
    `anomalies ${stats.anomaliesInjected}${stats.lastAnomaly ? ` (last ${stats.lastAnomaly})` : ''}`,
    `malformed ${stats.malformed}`,
    `late ${stats.late}`,
    ...(stats.writeErrors > 0 ? [`failed writes ${stats.writeErrors}`] : []),
  ].join(' | ');
}

/** Writes the progress line periodically while a run lasts. */
export class ProgressReporter {
  readonly #out: NodeJS.WritableStream;
  readonly #tty: boolean;
  readonly #read: () => SimulatorStats;
  readonly #totalCollectors: number;
  readonly #startedMs = Date.now();
  #timer: NodeJS.Timeout | undefined;
  /** Recent (time, collect entries) samples for the rate. */
  #samples: { atMs: number; count: number }[] = [{ atMs: Date.now(), count: 0 }];
  #wroteInPlace = false;

  /** `read` returns the current totals; nothing is written before `start()`. */
  constructor(out: NodeJS.WritableStream, read: () => SimulatorStats, totalCollectors: number) {
    this.#out = out;
    this.#tty = (out as Partial<NodeJS.WriteStream>).isTTY === true;
    this.#read = read;
    this.#totalCollectors = totalCollectors;
  }

  /** Starts refreshing the line. */
  start(): void {
    this.#timer = setInterval(() => this.#write(), this.#tty ? TTY_REFRESH_MS : LOG_EVERY_MS);
    this.#timer.unref();
  }

  /** Stops refreshing and writes the final summary line. */
  finish(): void {
    clearInterval(this.#timer);
    const stats = this.#read();
    const seconds = Math.max((Date.now() - this.#startedMs) / 1000, 0.001);
    if (this.#wroteInPlace) this.#out.write('\n');
    this.#out.write(
      `keywatch simulate: stopped after ${seconds.toFixed(1)} s: ` +
        `${formatProgress(stats, stats.collectEntries / seconds, this.#totalCollectors)}\n`,
    );
  }

  #write(): void {
    const stats = this.#read();
    const nowMs = Date.now();
    this.#samples.push({ atMs: nowMs, count: stats.collectEntries });
    while (this.#samples.length > 2 && (this.#samples[1] as { atMs: number }).atMs <= nowMs - RATE_WINDOW_MS) this.#samples.shift();
    const oldest = this.#samples[0] as { atMs: number; count: number };
    const perSecond = ((stats.collectEntries - oldest.count) * 1000) / Math.max(nowMs - oldest.atMs, 1);
    const line = `keywatch simulate: ${formatProgress(stats, perSecond, this.#totalCollectors)}`;
    if (this.#tty) {
      // \x1b[K clears what a longer previous line left behind.
      this.#out.write(`\r${line}\x1b[K`);
      this.#wroteInPlace = true;
    } else {
      this.#out.write(`${line}\n`);
    }
  }
}
