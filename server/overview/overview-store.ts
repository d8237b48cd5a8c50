/**
 * Port: the per-second overview history and the commit that feeds it. A commit applies a
 * batch's deltas AND acknowledges the batch's entries in one step, and only when every
 * entry is still pending to this reader — so a crash between the two can neither lose nor
 * double an entry, and an entry reclaimed by another reader is applied by that one only.
 * Implementations: `redis-overview-store.ts` (a Lua script), `memory-overview-store.ts`.
 */
import type { RejectReason } from '../../shared/contract/index.js';
import type { OverviewFullPoint } from '../../shared/overview.js';
import type { InputStream } from '../ingest/stream-source.js';
import type { CollectorMinuteDelta, TeamMinuteDelta } from './minute-delta.js';
import type { SecondDelta } from './second-delta.js';

/** A rejected entry as listed in `kw:dlq`: names only, never a value. */
export interface DeadLetter {
  /** The full key of the stream the entry came from. */
  stream: string;
  id: string;
  reason: RejectReason;
  /** Safe name of the offending field; empty when no single field applies. */
  field: string;
}

export interface IngestCommit {
  /** Ids to acknowledge, per input stream. */
  acks: Record<InputStream, string[]>;
  seconds: SecondDelta[];
  /** Per-minute team and collector deltas (the `teams` and `collectors` channels). */
  teamMinutes: TeamMinuteDelta[];
  collectorMinutes: CollectorMinuteDelta[];
  /** Ingest counters to add (`accepted_collect`, `rejected_type`, `late`, …). */
  counters: Record<string, number>;
  deadLetters: DeadLetter[];
  /** Arrival-time span during which the source was being read: its seconds are zeros, not gaps. */
  coverage: { fromMs: number; toMs: number } | null;
  /** Seconds that started before this can no longer change: their distinct sets may be compacted. */
  finalBeforeMs: number;
}

export type CommitOutcome =
  | { applied: true }
  /** Nothing was applied: only these ids are still pending to this reader; commit those alone. */
  | { applied: false; stillPending: Record<InputStream, Set<string>> };

/** A change-feed position and the seconds changed since the previous one. */
export interface OverviewChanges {
  cursor: string;
  seconds: number[];
}

export interface OverviewStore {
  /** Applies and acknowledges a batch atomically (see the module comment). */
  commit(commit: IngestCommit): Promise<CommitOutcome>;
  /** The stored seconds among `seconds`; a second that is absent was not read (a gap). */
  readSeconds(seconds: readonly number[]): Promise<Map<number, OverviewFullPoint>>;
  /** Seconds changed by any reader since `cursor` (null: start from now). */
  changes(cursor: string | null): Promise<OverviewChanges>;
  /** Ingest counters since the store began. */
  counters(): Promise<Record<string, number>>;
  /** The newest dead letters, newest first. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
}

/**
 * Thrown by `commit` when the store refuses to apply the batch's data (a corrupted key, a
 * value it cannot hold) — as opposed to being unreachable. The reader then isolates the
 * entry at fault instead of stalling on it (see IngestLoop).
 */
export class ApplyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApplyError';
  }
}

/** How long after a second closes its distinct sets are kept, for readers still holding pending entries. */
export const FINALIZE_MARGIN_MS = 120_000;

/** Seconds (starts) touched by a coverage span, newest `limit` at most. */
export function coveredSeconds(coverage: { fromMs: number; toMs: number }, oldestMs: number): number[] {
  const seconds: number[] = [];
  const first = Math.max(Math.floor(coverage.fromMs / 1000), Math.ceil(oldestMs / 1000)) * 1000;
  for (let t = first; t <= coverage.toMs; t += 1000) seconds.push(t);
  return seconds;
}
