/**
 * Detects a source that came back without its data — a Redis restarted without
 * persistence, or flushed. Keywatch keeps an epoch marker there (`P epoch`: created once
 * by whichever instance comes first, never changed). A marker different from the one this
 * instance knew means everything kept beside it is gone: entries not yet read, the
 * consumer group, users, sessions and tokens, the audit trail and the alert history.
 * Such a loss is not something to resolve by itself: it is said plainly, once, to the
 * listeners (the pipeline view, a `source_down` alert that waits for a person, the
 * sockets whose credentials went with it).
 */
import { randomUUID } from 'node:crypto';
import type { PipelineProbe } from './pipeline-probe.js';

export interface DataLoss {
  /** When this instance noticed. */
  detectedAt: number;
  /** When the new epoch began (its marker was created). */
  epochStartedAt: number;
}

type Listener = (loss: DataLoss) => void;

/** A new marker: its creation time, then randomness so that two instances never make the same one. */
function newEpochMarker(now: number): string {
  return `${now}-${randomUUID()}`;
}

/** When the epoch of `marker` began (0 for a marker not made by `newEpochMarker`). */
export function epochStartedAt(marker: string | null): number {
  const digits = /^(\d{1,15})-/.exec(marker ?? '')?.[1];
  return digits === undefined ? 0 : Number(digits);
}

export class EpochWatch {
  readonly #probe: PipelineProbe;
  readonly #now: () => number;
  readonly #listeners = new Set<Listener>();
  #known: string | null = null;
  #loss: DataLoss | null = null;

  constructor(probe: PipelineProbe, now: () => number = Date.now) {
    this.#probe = probe;
    this.#now = now;
  }

  /** The newest loss this instance saw, or null. */
  get loss(): DataLoss | null {
    return this.#loss;
  }

  onLoss(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads (or creates) the marker; tells the listeners when it is not the one known. Rejects when the source is unreachable. */
  async check(): Promise<DataLoss | null> {
    const now = this.#now();
    const current = await this.#probe.claimEpoch(newEpochMarker(now));
    const known = this.#known;
    this.#known = current;
    if (known === null || current === known) return null;
    const loss = { detectedAt: now, epochStartedAt: epochStartedAt(current) || now };
    this.#loss = loss;
    for (const listener of this.#listeners) listener(loss);
    return loss;
  }
}
