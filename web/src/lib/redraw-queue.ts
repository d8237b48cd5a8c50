/**
 * Spreads the redraws of several charts over animation frames, one chart per frame.
 *
 * A software-rendered canvas (no GPU) is rasterised on the page's main thread when the
 * frame is committed, so two 15-minute charts redrawn in the same frame add up to one long
 * task; one per frame keeps each task short and lets input through in between. A chart
 * asked again before its turn keeps its place in line and draws only the newest data.
 */
import type { FrameScheduler } from './frame-batcher.js';

/** Runs at most one queued redraw per animation frame, oldest request first. */
export class RedrawQueue {
  /** Pending redraws by owner, in the order first asked (a Map keeps insertion order). */
  readonly #pending = new Map<object, () => void>();
  readonly #schedule: FrameScheduler;
  #scheduled = false;

  constructor(schedule: FrameScheduler = (callback) => requestAnimationFrame(callback)) {
    this.#schedule = schedule;
  }

  /** Queues `redraw` for `owner`, replacing any redraw of `owner` not yet run. */
  request(owner: object, redraw: () => void): void {
    this.#pending.set(owner, redraw);
    this.#scheduleNext();
  }

  /** Drops `owner`'s queued redraw, if any (call it before the chart is destroyed). */
  cancel(owner: object): void {
    this.#pending.delete(owner);
  }

  #scheduleNext(): void {
    if (this.#scheduled || this.#pending.size === 0) return;
    this.#scheduled = true;
    this.#schedule(() => this.#runOne());
  }

  #runOne(): void {
    this.#scheduled = false;
    const next = this.#pending.entries().next();
    if (next.done === true) return;
    const [owner, redraw] = next.value;
    this.#pending.delete(owner);
    try {
      redraw();
    } finally {
      this.#scheduleNext();
    }
  }
}
