/**
 * The `overview` channel's live state: the last 15 minutes of points, kept in memory
 * from the OverviewStore's change feed (so every instance shows what any reader
 * applied), and the snapshot and update payloads built from it once per tick.
 */
import { secondOf, type OpenAlertCounts, type OverviewData, type OverviewFullPoint, type OverviewPoint } from '../../shared/overview.js';
import type { OverviewStore } from './overview-store.js';

/** What the snapshot covers (interfaces.md: "at least the last 15 minutes"). */
export const SNAPSHOT_SPAN_MS = 15 * 60_000;

export interface OverviewFeedOptions {
  store: OverviewStore;
  /** True while the source is being read: seconds not yet read are then "still filling", not gaps. */
  isSourceUp: () => boolean;
  openAlerts?: () => OpenAlertCounts;
  now?: () => number;
}

const NO_ALERTS: OpenAlertCounts = { critical: 0, high: 0, warning: 0, info: 0 };

export class OverviewFeed {
  readonly #options: OverviewFeedOptions;
  readonly #now: () => number;
  /** Stored seconds in the window; a second absent from it is a gap. */
  readonly #points = new Map<number, OverviewFullPoint>();
  /** Change-feed position; null until the window has been loaded from the store. */
  #cursor: string | null = null;
  /** Newest second already announced as a gap while the source was down. */
  #gapsSentThrough = 0;

  constructor(options: OverviewFeedOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Loads the window from the store (history survives restarts in Redis mode). */
  async load(): Promise<void> {
    // The cursor is taken first so that a change made while the window loads is not missed.
    const cursor = (await this.#options.store.changes(null)).cursor;
    const newest = secondOf(this.#now());
    const seconds: number[] = [];
    for (let t = newest - SNAPSHOT_SPAN_MS; t <= newest; t += 1000) seconds.push(t);
    for (const [t, point] of await this.#options.store.readSeconds(seconds)) this.#points.set(t, point);
    this.#cursor = cursor;
  }

  /**
   * Pulls the changes since the last tick; returns the update payload (points new or
   * corrected, gaps for seconds that passed unread), or null when nothing changed.
   */
  async tick(): Promise<OverviewData | null> {
    const { store, isSourceUp } = this.#options;
    const updated = new Map<number, OverviewPoint>();
    if (this.#cursor === null) {
      // A store unreachable at start is loaded on the first tick that reaches it, and the
      // history it holds is pushed to the clients that subscribed meanwhile.
      await this.load();
      for (const [t, point] of this.#points) updated.set(t, point);
    }
    const changes = await store.changes(this.#cursor);
    const oldest = this.#oldestSecond();
    const changedSeconds = changes.seconds.filter((t) => t >= oldest);
    if (changedSeconds.length > 0) {
      const stored = await store.readSeconds(changedSeconds);
      for (const [t, point] of stored) {
        this.#points.set(t, point);
        updated.set(t, point);
      }
    }
    // Only once the changed seconds are read: a failed read leaves them for the next tick.
    this.#cursor = changes.cursor;
    if (!isSourceUp()) {
      // While the source is down, seconds pass unread: say so, so that clients draw a gap.
      const newest = secondOf(this.#now());
      for (let t = Math.max(this.#gapsSentThrough + 1000, this.#newestStored() + 1000, oldest); t <= newest; t += 1000) {
        if (!this.#points.has(t)) updated.set(t, { t, gap: true });
      }
      this.#gapsSentThrough = newest;
    }
    this.#evict(oldest);
    if (updated.size === 0) return null;
    return this.#data([...updated.values()].sort((a, b) => a.t - b.t));
  }

  /** The point of second `t` as currently known: figures, or a gap. */
  pointAt(t: number): OverviewPoint {
    return this.#points.get(t) ?? { t, gap: true };
  }

  /** The full current state: a point for every second of the window, gaps included. */
  snapshot(): OverviewData {
    const points: OverviewPoint[] = [];
    const newestStored = this.#newestStored();
    // Up to the newest stored second while reading (the current second is still filling);
    // up to now when the source is down, so that the outage shows as a gap.
    const newest = this.#options.isSourceUp() && newestStored > 0 ? newestStored : secondOf(this.#now());
    for (let t = newest - SNAPSHOT_SPAN_MS + 1000; t <= newest; t += 1000) {
      points.push(this.#points.get(t) ?? { t, gap: true });
    }
    return this.#data(points);
  }

  /** Open-alert counts by severity, as every overview message carries them. */
  openAlerts(): OpenAlertCounts {
    return this.#options.openAlerts?.() ?? NO_ALERTS;
  }

  #data(points: OverviewPoint[]): OverviewData {
    return { resolutionMs: 1000, points, openAlerts: this.openAlerts() };
  }

  #oldestSecond(): number {
    return secondOf(this.#now()) - SNAPSHOT_SPAN_MS;
  }

  #newestStored(): number {
    let newest = 0;
    for (const t of this.#points.keys()) if (t > newest) newest = t;
    return newest;
  }

  #evict(oldest: number): void {
    for (const t of this.#points.keys()) if (t < oldest) this.#points.delete(t);
  }
}
