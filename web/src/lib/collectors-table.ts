/**
 * The `collectors` channel as the Collectors table shows it: busiest first, top talkers
 * ranked, and how long ago each collector was last heard from.
 */
import type { CollectorFigures, CollectorsData } from '../../../shared/collectors.js';

/** One row: the figures, and the collector's place among the top talkers (1 = most events). */
export interface CollectorRowView extends CollectorFigures {
  readonly topRank: number | null;
}

/** Rows by events, most first; ties by id so rows do not jump between updates. */
export function collectorRows(data: CollectorsData): CollectorRowView[] {
  const rank = new Map(data.topTalkers.map((collector, index) => [collector, index + 1]));
  return data.collectors
    .map((figures) => ({ ...figures, topRank: rank.get(figures.collector) ?? null }))
    .sort((a, b) => b.events - a.events || a.collector.localeCompare(b.collector));
}

/** Collectors silent for longer than this are marked as quiet. */
export const QUIET_AFTER_MS = 5 * 60_000;

/** Whether a collector last seen at `lastSeenMs` has been quiet a while. */
export function isQuiet(lastSeenMs: number, nowMs: number): boolean {
  return nowMs - lastSeenMs > QUIET_AFTER_MS;
}
