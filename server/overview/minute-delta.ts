/**
 * What a batch adds to the per-minute views: per team (figures, distinct subjects and
 * collectors, the seconds it was active in — the k-anonymity decision needs them) and
 * per collector (figures and when it was last seen).
 */
import type { CollectEntry } from '../../shared/contract/index.js';

/** Team counters kept per minute, in the order the commit script takes them. */
export const TEAM_MINUTE_COUNTERS = ['events', 'keys', 'clicks', 'moves', 'scrolls', 'redacted'] as const;
export type TeamMinuteCounter = (typeof TEAM_MINUTE_COUNTERS)[number];

/** Collector counters kept per minute, in the order the commit script takes them. */
export const COLLECTOR_MINUTE_COUNTERS = ['events', 'keys', 'redacted', 'dropped'] as const;
export type CollectorMinuteCounter = (typeof COLLECTOR_MINUTE_COUNTERS)[number];

export interface TeamMinuteDelta {
  minute: number;
  team: string;
  counters: Record<TeamMinuteCounter, number>;
  subjects: Set<string>;
  collectors: Set<string>;
  /** Starts of the seconds of the minute in which the team had an entry. */
  activeSeconds: Set<number>;
}

export interface CollectorMinuteDelta {
  minute: number;
  collector: string;
  team: string;
  counters: Record<CollectorMinuteCounter, number>;
  /** Newest event time seen. */
  lastSeen: number;
}

/** The minute a time belongs to. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

/**
 * Accumulates a batch's minute deltas. Keyed minute first, then team or collector:
 * a batch spans one or two minutes, and a key built per entry cost two strings each.
 */
export class MinuteDeltas {
  readonly #teams = new Map<number, Map<string, TeamMinuteDelta>>();
  readonly #collectors = new Map<number, Map<string, CollectorMinuteDelta>>();

  /** Every team's delta, minute by minute. */
  teams(): TeamMinuteDelta[] {
    return [...this.#teams.values()].flatMap((byTeam) => [...byTeam.values()]);
  }

  /** Every collector's delta, minute by minute. */
  collectors(): CollectorMinuteDelta[] {
    return [...this.#collectors.values()].flatMap((byCollector) => [...byCollector.values()]);
  }

  /** Adds one accepted, on-time collect entry (of event-time second `second`). */
  add(entry: CollectEntry, second: number): void {
    const minute = minuteOf(second);
    const events = entry.keys + entry.clicks + entry.moves + entry.scrolls;
    const teams = mapOf(this.#teams, minute);
    let team = teams.get(entry.team);
    if (!team) {
      team = {
        minute, team: entry.team, counters: { events: 0, keys: 0, clicks: 0, moves: 0, scrolls: 0, redacted: 0 },
        subjects: new Set(), collectors: new Set(), activeSeconds: new Set(),
      };
      teams.set(entry.team, team);
    }
    team.counters.events += events;
    team.counters.keys += entry.keys;
    team.counters.clicks += entry.clicks;
    team.counters.moves += entry.moves;
    team.counters.scrolls += entry.scrolls;
    team.counters.redacted += entry.redacted;
    team.subjects.add(entry.subject);
    team.collectors.add(entry.collector);
    team.activeSeconds.add(second);

    const collectors = mapOf(this.#collectors, minute);
    let collector = collectors.get(entry.collector);
    if (!collector) {
      collector = { minute, collector: entry.collector, team: entry.team, counters: { events: 0, keys: 0, redacted: 0, dropped: 0 }, lastSeen: 0 };
      collectors.set(entry.collector, collector);
    }
    collector.team = entry.team;
    collector.counters.events += events;
    collector.counters.keys += entry.keys;
    collector.counters.redacted += entry.redacted;
    collector.counters.dropped += entry.dropped;
    collector.lastSeen = Math.max(collector.lastSeen, entry.ts);
  }
}

/** The map of one minute in `maps`, made on first use. */
export function mapOf<V>(maps: Map<number, Map<string, V>>, minute: number): Map<string, V> {
  let map = maps.get(minute);
  if (!map) {
    map = new Map();
    maps.set(minute, map);
  }
  return map;
}
