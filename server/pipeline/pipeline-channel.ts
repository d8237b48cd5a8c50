/**
 * The `pipeline` channel (on-call, security, admin): ingest rate per stream, the
 * reader's lag and the group's backlog, rejects by reason, dead letters, late and skewed
 * counts, clients by role, live instances and the source's state. Refreshed once a second.
 */
import type { PipelineData } from '../../shared/pipeline.js';
import type { ChannelFeed, ViewData } from '../fanout/channel-feed.js';
import type { ClassifiedEntry } from '../ingest/classify.js';
import type { SourceStatus } from '../ingest/ingest-loop.js';
import type { InputStream } from '../ingest/stream-source.js';
import type { OverviewStore } from '../overview/overview-store.js';
import type { DataLoss } from './epoch-watch.js';
import type { PipelineProbe } from './pipeline-probe.js';

/** Window over which ingest rates are averaged. */
export const RATE_WINDOW_MS = 10_000;
const REFRESH_MS = 1000;

export interface PipelineChannelOptions {
  store: OverviewStore;
  probe: PipelineProbe;
  instanceId: string;
  startedAt: number;
  status: () => SourceStatus;
  clientsByRole: () => Record<string, number>;
  /** Entries trimmed before they were read (the reader's tally). */
  trimmedUnread: () => PipelineData['trimmedUnread'];
  /** The newest loss of the source's data this instance saw. */
  dataLoss: () => DataLoss | null;
  now?: () => number;
}

export class PipelineChannel implements ChannelFeed {
  readonly #options: PipelineChannelOptions;
  readonly #now: () => number;
  /** Applied entries per stream, per whole second (for the rates). */
  readonly #applied = new Map<number, Record<InputStream, number>>();
  #refreshedAt = 0;

  constructor(options: PipelineChannelOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Counts an applied batch (the IngestLoop's onApplied). */
  recordApplied(entries: readonly ClassifiedEntry[]): void {
    const second = Math.floor(this.#now() / 1000) * 1000;
    const counts = this.#applied.get(second) ?? { collect: 0, security: 0 };
    for (const entry of entries) counts[entry.source.stream] += 1;
    this.#applied.set(second, counts);
  }

  async snapshot(): Promise<PipelineData> {
    // A new subscriber gets figures read now, not up to a second old.
    return this.#refresh();
  }

  async tick(): Promise<ViewData | null> {
    if (this.#now() - this.#refreshedAt < REFRESH_MS) return null;
    const data = await this.#refresh();
    return () => data;
  }

  async #refresh(): Promise<PipelineData> {
    const { store, probe, instanceId, startedAt, status, clientsByRole, dataLoss, trimmedUnread } = this.#options;
    const now = this.#now();
    this.#refreshedAt = now;
    await probe.heartbeat({ id: instanceId, startedAt, lastSeen: now });
    const [backlog, counters, deadLetters, instances] = await Promise.all([probe.backlog(), store.counters(), store.deadLetters(20), probe.instances()]);
    const source = status();
    return {
      at: now,
      source: { state: source.source, since: source.sinceMs, lagMs: Math.round(source.lagMs), reason: source.reason },
      streams: backlog.map((entry) => ({ ...entry, ratePerSec: this.#rate(entry.stream, now) })),
      counters,
      recentDeadLetters: deadLetters,
      clients: clientsByRole(),
      instances,
      trimmedUnread: trimmedUnread(),
      dataLoss: dataLoss(),
    };
  }

  #rate(stream: InputStream, now: number): number {
    let total = 0;
    for (const [second, counts] of this.#applied) {
      if (second < now - RATE_WINDOW_MS - 1000) this.#applied.delete(second);
      else if (second >= now - RATE_WINDOW_MS) total += counts[stream];
    }
    return Math.round((total / (RATE_WINDOW_MS / 1000)) * 10) / 10;
  }
}
