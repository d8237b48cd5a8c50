/**
 * Port: what the pipeline view needs to know about the source beyond the reader's own
 * state — the consumer group's backlog, which server instances are alive, and the
 * epoch marker that tells whether the source's data is still the data it was.
 * Implementations: `redis-pipeline-probe.ts`, `memory-pipeline-probe.ts`.
 */
import type { InputStream } from '../ingest/stream-source.js';

export interface StreamBacklog {
  stream: InputStream;
  /** Entries not yet delivered to the group (Redis's XINFO GROUPS lag); null when Redis cannot tell. */
  backlog: number | null;
  /** Delivered, not yet acknowledged. */
  pending: number;
}

export interface InstanceRecord {
  id: string;
  startedAt: number;
  lastSeen: number;
}

/** An instance not seen for this long is no longer listed. */
export const INSTANCE_STALE_MS = 30_000;

export interface PipelineProbe {
  backlog(): Promise<StreamBacklog[]>;
  /** Records that this instance is alive (called every few seconds). */
  heartbeat(instance: InstanceRecord): Promise<void>;
  /** The instances seen within INSTANCE_STALE_MS. */
  instances(): Promise<InstanceRecord[]>;
  /**
   * The source's epoch marker: the one there, or `candidate` when there was none (then
   * stored, atomically, so that concurrent instances agree on one).
   */
  claimEpoch(candidate: string): Promise<string>;
}
