/**
 * Coalesces any number of "something changed" signals into one callback per animation
 * frame: data rate is not render rate.
 */

/** Runs a callback before the next repaint (`requestAnimationFrame` in the browser). */
export type FrameScheduler = (callback: () => void) => void;

/** Calls `flush` once in the next frame, however often `request()` was called before it. */
export class FrameBatcher {
  #pending = false;
  readonly #schedule: FrameScheduler;
  readonly #flush: () => void;

  constructor(flush: () => void, schedule: FrameScheduler = (callback) => requestAnimationFrame(callback)) {
    this.#flush = flush;
    this.#schedule = schedule;
  }

  /** Asks for a flush in the next frame; a no-op if one is already pending. */
  request(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#schedule(() => {
      this.#pending = false;
      this.#flush();
    });
  }
}
