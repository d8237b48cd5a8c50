/**
 * What every CLI progress report shares (`keywatch simulate`, `keywatch replay`): one
 * line rewritten in place on a terminal, plain lines when the output is a log file or
 * CI, and a rate averaged over a few seconds. What goes on the line, and how often, is
 * the caller's.
 */

/** How often a progress line is refreshed on a terminal. */
export const TTY_REFRESH_MS = 500;
/** How often a progress line is written at the latest when the output is not a terminal. */
export const LOG_EVERY_MS = 5_000;

/** One progress line on `out`: in place on a terminal, a line of its own otherwise. */
export class ProgressLine {
  /** Whether `out` is a terminal, where the line is rewritten in place. */
  readonly isTTY: boolean;
  readonly #out: NodeJS.WritableStream;
  // True while the terminal's cursor sits at the end of our line, with no newline yet.
  #inPlace = false;

  /** Nothing is written until `write()` or `finish()`. */
  constructor(out: NodeJS.WritableStream) {
    this.#out = out;
    this.isTTY = (out as Partial<NodeJS.WriteStream>).isTTY === true;
  }

  /** Shows `line` (no newline): replaces the previous one on a terminal, else appends it as a log line. */
  write(line: string): void {
    if (this.isTTY) {
      // \x1b[K clears what a longer previous line left behind.
      this.#out.write(`\r${line}\x1b[K`);
      this.#inPlace = true;
    } else {
      this.#out.write(`${line}\n`);
    }
  }

  /** Ends a line left in place on a terminal, so that a message can follow on its own line. */
  breakLine(): void {
    if (!this.#inPlace) return;
    this.#out.write('\n');
    this.#inPlace = false;
  }

  /** Writes the final `line` on a line of its own, below the last in-place one, which stays visible. */
  finish(line: string): void {
    this.breakLine();
    this.#out.write(`${line}\n`);
  }
}

/** Turns a growing count sampled now and then into a per-second rate over the last `windowMs`. */
export class RateWindow {
  readonly #windowMs: number;
  readonly #startedMs: number;
  // Oldest first. The first one is kept as long as the next is still inside the window,
  // so the rate always spans at least the window (or everything since the start).
  #samples: { atMs: number; count: number }[];

  /** Counting starts at 0 at `startedMs`. */
  constructor(windowMs: number, startedMs = Date.now()) {
    this.#windowMs = windowMs;
    this.#startedMs = startedMs;
    this.#samples = [{ atMs: startedMs, count: 0 }];
  }

  /** Records `count` at `nowMs` and returns the rate per second over the window. */
  add(count: number, nowMs = Date.now()): number {
    this.#samples.push({ atMs: nowMs, count });
    while (this.#samples.length > 2 && this.#samples[1]!.atMs <= nowMs - this.#windowMs) this.#samples.shift();
    const oldest = this.#samples[0]!;
    // At least 1 ms: two samples in the same millisecond must not divide by zero.
    return ((count - oldest.count) * 1000) / Math.max(nowMs - oldest.atMs, 1);
  }

  /** Seconds since counting started, at least 0.001 so that a whole-run average never divides by zero. */
  elapsedSeconds(nowMs = Date.now()): number {
    return Math.max((nowMs - this.#startedMs) / 1000, 0.001);
  }
}
