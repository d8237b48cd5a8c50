/**
 * The overview channel's figures as reactive state. Data rate is not render rate: snapshots
 * and updates go into the ring buffer as they arrive, and the charts' data is copied out at
 * most once per animation frame however many messages came in between — and only when the
 * settled seconds changed: updates arrive every tick, but most touch only the newest,
 * still-filling seconds, which are not drawn. Redrawing two 15-minute charts is the
 * costliest thing the page does, so it happens about once a second, not once per tick.
 */
import type { OpenAlertCounts, OverviewData } from '../../../shared/overview.js';
import { DEFAULT_RANGE_SECONDS, settledFrame, type RangeSeconds } from './chart-data.js';
import { FrameBatcher, type FrameScheduler } from './frame-batcher.js';
import { headlineOf } from './headline.js';
import { SeriesBuffer, type SecondFigures, type SeriesFrame } from './series-buffer.js';

const EMPTY_FRAME: SeriesFrame = new SeriesBuffer(1).frame();
const NO_ALERTS: OpenAlertCounts = { critical: 0, high: 0, warning: 0, info: 0 };

/** The last 15 minutes of `overview`, redrawn at most once per animation frame. */
export class OverviewSeries {
  /**
   * The window without its newest, still-filling seconds, as of the last frame in which
   * they changed; replaced whole, never mutated.
   */
  settled = $state.raw<SeriesFrame>(EMPTY_FRAME);
  /** The latest complete second (the newest of `settled`) as of the same frame. */
  latestComplete = $state.raw<SecondFigures | null>(null);
  openAlerts = $state.raw<OpenAlertCounts>(NO_ALERTS);
  /** How many frames have been published (tests and the e2e suite watch this move). */
  frames = $state(0);
  /** How much of the window the charts show; kept here so it survives leaving the view. */
  rangeSeconds = $state<RangeSeconds>(DEFAULT_RANGE_SECONDS);

  headline = $derived(headlineOf(this.latestComplete));

  readonly #buffer = new SeriesBuffer();
  readonly #frames: FrameBatcher;
  #pendingAlerts: OpenAlertCounts = NO_ALERTS;
  /** The buffer's settled revision that `settled` was copied at. */
  #publishedRevision = Number.NaN;

  constructor(schedule?: FrameScheduler) {
    this.#frames = new FrameBatcher(() => this.#publish(), schedule);
  }

  /** A snapshot replaces everything. */
  replace(data: OverviewData): void {
    this.#buffer.replaceAll(data.points);
    this.#pendingAlerts = data.openAlerts;
    this.#frames.request();
  }

  /** An update's points replace those with the same `t` and extend the window. */
  merge(data: OverviewData): void {
    this.#buffer.merge(data.points);
    this.#pendingAlerts = data.openAlerts;
    this.#frames.request();
  }

  /** Copies the buffer out for the charts and the headline: at most once per frame, when the settled seconds changed. */
  #publish(): void {
    const revision = this.#buffer.settledRevision;
    if (revision !== this.#publishedRevision) {
      this.#publishedRevision = revision;
      this.settled = settledFrame(this.#buffer.frame());
      this.latestComplete = this.#buffer.latestComplete();
    }
    if (!sameCounts(this.openAlerts, this.#pendingAlerts)) this.openAlerts = this.#pendingAlerts;
    this.frames += 1;
  }
}

function sameCounts(a: OpenAlertCounts, b: OpenAlertCounts): boolean {
  return a.critical === b.critical && a.high === b.high && a.warning === b.warning && a.info === b.info;
}
