/**
 * The simulator's progress line: on a terminal one line rewritten in place, otherwise
 * (a log file, CI) a plain line every few seconds.
 */
import { LOG_EVERY_MS, ProgressLine, RateWindow, TTY_REFRESH_MS } from '../cli/progress-line.js';
import type { SimulatorStats } from './simulator.js';

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
  readonly #line: ProgressLine;
  readonly #read: () => SimulatorStats;
  readonly #totalCollectors: number;
  /** Collect entries per second, for the line. */
  readonly #rate = new RateWindow(RATE_WINDOW_MS);
  #timer: NodeJS.Timeout | undefined;

  /** `read` returns the current totals; nothing is written before `start()`. */
  constructor(out: NodeJS.WritableStream, read: () => SimulatorStats, totalCollectors: number) {
    this.#line = new ProgressLine(out);
    this.#read = read;
    this.#totalCollectors = totalCollectors;
  }

  /** Starts refreshing the line. */
  start(): void {
    this.#timer = setInterval(() => this.#tick(), this.#line.isTTY ? TTY_REFRESH_MS : LOG_EVERY_MS);
    this.#timer.unref();
  }

  /** Stops refreshing and writes the final summary line. */
  finish(): void {
    clearInterval(this.#timer);
    const stats = this.#read();
    const seconds = this.#rate.elapsedSeconds();
    this.#line.finish(
      `keywatch simulate: stopped after ${seconds.toFixed(1)} s: ` +
        `${formatProgress(stats, stats.collectEntries / seconds, this.#totalCollectors)}`,
    );
  }

  #tick(): void {
    const stats = this.#read();
    const perSecond = this.#rate.add(stats.collectEntries);
    this.#line.write(`keywatch simulate: ${formatProgress(stats, perSecond, this.#totalCollectors)}`);
  }
}
