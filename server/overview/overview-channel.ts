/**
 * The `overview` channel for the Hub: the live feed for every role but managers, who get
 * it k-anonymised and only for seconds that are final (their end plus the allowed
 * lateness read past), so that no second they see is ever corrected — the difference
 * between two versions of a second would be its late entries, maybe one person's.
 */
import type { OverviewData, OverviewPoint } from '../../shared/overview.js';
import type { ChannelFeed, ViewData } from '../fanout/channel-feed.js';
import { managerOverviewPoint, type ChannelView } from '../privacy/role-views.js';
import type { OverviewFeed } from './overview-feed.js';

export interface OverviewChannelOptions {
  feed: OverviewFeed;
  kAnon: number;
  latenessMs: number;
  /** Arrival time through which the source has been read (the reader's watermark), or null. */
  watermarkMs: () => number | null;
}

export class OverviewChannel implements ChannelFeed {
  readonly #options: OverviewChannelOptions;
  /** Newest second already sent to managers as final. */
  #finalSentThrough = 0;

  constructor(options: OverviewChannelOptions) {
    this.#options = options;
  }

  async snapshot(view: ChannelView): Promise<OverviewData> {
    const data = this.#options.feed.snapshot();
    if (view === 'full') return data;
    const finalThrough = this.#finalThrough();
    return { ...data, points: data.points.filter((point) => point.t <= finalThrough).map((point) => this.#forManager(point)) };
  }

  async tick(): Promise<ViewData | null> {
    const update = await this.#options.feed.tick();
    const finalThrough = this.#finalThrough();
    const managerPoints = new Map<number, OverviewPoint>();
    for (const point of update?.points ?? []) if (point.t <= finalThrough) managerPoints.set(point.t, point);
    // Seconds that became final this tick go to managers now, with their final figures.
    const firstNewlyFinal = Math.max(this.#finalSentThrough + 1000, finalThrough - 60_000);
    for (let t = firstNewlyFinal; t <= finalThrough; t += 1000) managerPoints.set(t, this.#options.feed.pointAt(t));
    this.#finalSentThrough = Math.max(this.#finalSentThrough, finalThrough);
    if (update === null && managerPoints.size === 0) return null;
    const openAlerts = update?.openAlerts ?? this.#options.feed.openAlerts();
    const manager: OverviewData = {
      resolutionMs: 1000,
      points: [...managerPoints.values()].sort((a, b) => a.t - b.t).map((point) => this.#forManager(point)),
      openAlerts,
    };
    // A view with nothing new gets no frame this tick.
    return (view) => (view === 'full' ? update ?? undefined : manager.points.length > 0 ? manager : undefined);
  }

  /** A point replaces any earlier one with the same `t` (protocol): merged per second, newest wins, none dropped. */
  merge(older: unknown, newer: unknown): OverviewData {
    return mergeOverviewUpdates(older as OverviewData, newer as OverviewData);
  }

  /** Start of the newest second that can no longer change, by the reader's watermark. */
  #finalThrough(): number {
    const watermark = this.#options.watermarkMs();
    if (watermark === null) return 0;
    return Math.floor((watermark - 1000 - this.#options.latenessMs) / 1000) * 1000;
  }

  #forManager(point: OverviewPoint): OverviewPoint {
    return managerOverviewPoint(this.#options.kAnon, point);
  }
}

/** One update with every second of both, the newer figures winning, in time order. */
export function mergeOverviewUpdates(older: OverviewData, newer: OverviewData): OverviewData {
  const bySecond = new Map<number, OverviewPoint>();
  for (const point of older.points) bySecond.set(point.t, point);
  for (const point of newer.points) bySecond.set(point.t, point);
  return { ...newer, points: [...bySecond.values()].sort((a, b) => a.t - b.t) };
}
