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

/** Accumulates a batch's minute deltas. */
export class MinuteDeltas {
  readonly teams = new Map<string, TeamMinuteDelta>();
  readonly collectors = new Map<string, CollectorMinuteDelta>();

  /** Adds one accepted, on-time collect entry (of event-time second `second`). */
  add(entry: CollectEntry, second: number): void {
    const minute = minuteOf(second);
    const events = entry.keys + entry.clicks + entry.moves + entry.scrolls;
    const teamKey = `${minute}\u0000${entry.team}`;
    let team = this.teams.get(teamKey);
    if (!team) {
      team = {
        minute, team: entry.team, counters: { events: 0, keys: 0, clicks: 0, moves: 0, scrolls: 0, redacted: 0 },
        subjects: new Set(), collectors: new Set(), activeSeconds: new Set(),
      };
      this.teams.set(teamKey, team);
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

    const collectorKey = `${minute}\u0000${entry.collector}`;
    let collector = this.collectors.get(collectorKey);
    if (!collector) {
      collector = { minute, collector: entry.collector, team: entry.team, counters: { events: 0, keys: 0, redacted: 0, dropped: 0 }, lastSeen: 0 };
      this.collectors.set(collectorKey, collector);
    }
    collector.team = entry.team;
    collector.counters.events += events;
    collector.counters.keys += entry.keys;
    collector.counters.redacted += entry.redacted;
    collector.counters.dropped += entry.dropped;
    collector.lastSeen = Math.max(collector.lastSeen, entry.ts);
  }
}
