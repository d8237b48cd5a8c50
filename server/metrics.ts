/**
 * Keywatch's own figures for Prometheus (`GET /metrics`), named `keywatch_*`, plus
 * prom-client's default process metrics. One registry per server instance.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SlowClientFigures } from './fanout/hub.js';
import type { ClassifiedEntry } from './ingest/classify.js';
import type { SourceStatus } from './ingest/ingest-loop.js';
import type { StreamBacklog } from './pipeline/pipeline-probe.js';

export class Metrics {
  readonly registry = new Registry();
  readonly #entries = new Counter({
    name: 'keywatch_ingest_entries_total', help: 'Entries read from the input streams and applied, by stream and outcome.',
    labelNames: ['stream', 'outcome'] as const, registers: [this.registry],
  });
  readonly #rejects = new Counter({
    name: 'keywatch_ingest_rejects_total', help: 'Entries rejected by the stream contract, by reason.',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly #rawFields = new Counter({
    name: 'keywatch_ingest_raw_looking_fields_total', help: 'Unknown fields that looked like raw content.', registers: [this.registry],
  });
  readonly #sourceUp = new Gauge({ name: 'keywatch_source_up', help: '1 while the stream source is being read, else 0.', registers: [this.registry] });
  readonly #trimmedUnread = new Counter({
    name: 'keywatch_ingest_trimmed_unread_entries_total', help: 'Entries trimmed from the input streams by their producers before Keywatch read them.',
    registers: [this.registry],
  });
  #trimmedCounted = 0;
  readonly #backlog = new Gauge({
    name: 'keywatch_ingest_backlog_entries', help: 'Entries in the input streams not yet delivered to the consumer group (XINFO GROUPS lag), by stream.',
    labelNames: ['stream'] as const, registers: [this.registry],
  });
  readonly #pending = new Gauge({
    name: 'keywatch_ingest_pending_entries', help: 'Entries delivered to the consumer group and not yet acknowledged, by stream.',
    labelNames: ['stream'] as const, registers: [this.registry],
  });
  readonly #lag = new Gauge({ name: 'keywatch_ingest_lag_seconds', help: 'How far behind the newest entry the reader is.', registers: [this.registry] });
  readonly #clients = new Gauge({
    name: 'keywatch_ws_clients', help: 'Connected WebSocket clients, by role.', labelNames: ['role'] as const, registers: [this.registry],
  });
  readonly #framesSent = new Counter({ name: 'keywatch_ws_frames_sent_total', help: 'WebSocket frames sent to clients.', registers: [this.registry] });
  readonly #slowDisconnects = new Counter({
    name: 'keywatch_ws_slow_client_disconnects_total', help: 'Clients disconnected (1013) for not reading fast enough.', registers: [this.registry],
  });
  readonly #clientsBehind = new Gauge({
    name: 'keywatch_ws_clients_behind', help: 'Clients reading behind: their metric updates are held and merged until they catch up.',
    registers: [this.registry],
  });
  readonly #maxBuffered = new Gauge({
    name: 'keywatch_ws_client_buffered_bytes_max', help: 'Largest unsent data queued for one client.', registers: [this.registry],
  });
  readonly #maxReadLag = new Gauge({
    name: 'keywatch_ws_client_read_lag_seconds_max', help: 'How far behind the slowest client reads (age of its unanswered lag probe).',
    registers: [this.registry],
  });
  /** Hub totals already added to the counters (the hot path counts in plain numbers; scrapes add the difference). */
  #counted = { framesSent: 0, slowDisconnects: 0 };

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts what an applied batch held. */
  countApplied(entries: readonly ClassifiedEntry[]): void {
    for (const entry of entries) {
      const outcome = entry.kind === 'point' || entry.kind === 'security' ? 'accepted' : entry.kind;
      this.#entries.inc({ stream: entry.source.stream, outcome });
      if (entry.kind === 'rejected') this.#rejects.inc({ reason: entry.reason });
      for (const field of entry.unknownFields) if (field.rawLooking) this.#rawFields.inc();
    }
  }

  /** Takes the Hub's figures at scrape time. */
  setFanout(stats: { framesSent: number; slowDisconnects: number }, clientsByRole: Record<string, number>, slow: SlowClientFigures): void {
    this.#clientsBehind.set(slow.behind);
    this.#maxBuffered.set(slow.maxBufferedBytes);
    this.#maxReadLag.set(slow.maxReadLagMs / 1000);
    this.#framesSent.inc(stats.framesSent - this.#counted.framesSent);
    this.#slowDisconnects.inc(stats.slowDisconnects - this.#counted.slowDisconnects);
    this.#counted = { ...stats };
    this.#clients.reset();
    for (const [role, count] of Object.entries(clientsByRole)) this.#clients.set({ role }, count);
  }

  /** Takes the group's backlog at scrape time (null: the source could not be asked; the gauges are left empty). */
  setBacklog(streams: readonly StreamBacklog[] | null): void {
    this.#backlog.reset();
    this.#pending.reset();
    for (const stream of streams ?? []) {
      if (stream.backlog !== null) this.#backlog.set({ stream: stream.stream }, stream.backlog);
      this.#pending.set({ stream: stream.stream }, stream.pending);
    }
  }

  /** Follows the source's state. */
  setSource(status: SourceStatus, trimmedUnreadEntries = 0): void {
    this.#trimmedUnread.inc(trimmedUnreadEntries - this.#trimmedCounted);
    this.#trimmedCounted = trimmedUnreadEntries;
    this.#sourceUp.set(status.source === 'up' ? 1 : 0);
    this.#lag.set(status.lagMs / 1000);
  }
}
