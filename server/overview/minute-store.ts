/**
 * Port: reading what the commits stored per minute — team figures with their distinct
 * subjects and active seconds, the seconds' distinct subjects (what the k-anonymity
 * decision needs), and collector figures — and keeping each minute's published teams
 * views, decided once for every instance. Implementations beside the overview stores.
 */
import type { CollectorMinuteCounter, TeamMinuteCounter } from './minute-delta.js';

/** How long per-minute figures and decisions are kept: the hour of `teams` history and a margin. */
export const MINUTE_VIEWS_TTL_MS = 65 * 60_000;

export interface StoredTeamMinute {
  team: string;
  counters: Record<TeamMinuteCounter, number>;
  subjects: Set<string>;
  collectors: number;
  activeSeconds: Set<number>;
}

export interface StoredMinute {
  minute: number;
  teams: StoredTeamMinute[];
  /** Distinct subjects of each second of the minute that has any. */
  seconds: { t: number; subjects: Set<string> }[];
}

export interface StoredCollectorMinute {
  collector: string;
  team: string;
  counters: Record<CollectorMinuteCounter, number>;
  lastSeen: number;
}

export interface MinuteStore {
  readMinute(minute: number): Promise<StoredMinute>;
  readCollectors(minute: number): Promise<StoredCollectorMinute[]>;
  /** The published views of a minute, or null when not decided yet. */
  getDecision(minute: number): Promise<string | null>;
  /** Stores the views unless another instance was first; resolves to the views that stand. */
  putDecision(minute: number, views: string): Promise<string>;
}
