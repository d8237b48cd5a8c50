/**
 * The `pipeline` channel as the Pipeline view reads it: the source's state in words and a
 * tone, each stream's rate, backlog and pending entries with units, rejects by reason,
 * the ingest counters, clients and instances. Written for someone woken at 3 a.m.: the
 * state first, then what is wrong, every number with its unit.
 */
import { ROLES } from '../../../shared/channels.js';
import type { PipelineData, PipelineStream } from '../../../shared/pipeline.js';
import type { Tone } from './connection-label.js';
import { formatClock, formatCount, formatDuration, formatPercent, UNKNOWN } from './format.js';

type Source = PipelineData['source'];
type Instance = PipelineData['instances'][number];

/** Lag at which entries start to be counted late (`KW_LATENESS_MS`'s default): worth a warning. */
export const LAG_WARN_MS = 10_000;
/** A backlog is worth a warning from this many entries… */
export const BACKLOG_WARN_ENTRIES = 100;
/** …when, at the current rate, it would take longer than this to read. */
export const BACKLOG_WARN_SECONDS = 30;
/** An instance that has not reported for this long is shown as quiet (it refreshes once a second). */
export const INSTANCE_QUIET_MS = 5_000;
/** The window of the "recent" counts. */
export const RECENT_WINDOW_MS = 60_000;

/** The source's state as the banner says it. */
export interface SourceView {
  readonly tone: Tone;
  /** One short line: what the state is. */
  readonly headline: string;
  /** Since when, why, how far behind. */
  readonly details: readonly string[];
}

/** A rate's number: one decimal below 10, whole numbers above (`0`, `2.3`, `1,234`). */
export function formatRateValue(rate: number): string {
  if (!Number.isFinite(rate)) return UNKNOWN;
  return rate === 0 ? '0' : rate < 10 ? rate.toFixed(1) : formatCount(rate);
}

/** `12.3 entries/s`. */
export function formatPerSecond(rate: number): string {
  return Number.isFinite(rate) ? `${formatRateValue(rate)} entries/s` : UNKNOWN;
}

/** `1 entry`, `1,234 entries`. */
export function formatEntries(count: number | null): string {
  if (count === null) return UNKNOWN;
  return `${formatCount(count)} ${count === 1 ? 'entry' : 'entries'}`;
}

/** The banner: up and current, up but behind, starting, or down (with the reason). */
export function describeSource(source: Source, nowMs: number): SourceView {
  const since = `${formatClock(source.since)} (${formatDuration(nowMs - source.since)} ago)`;
  if (source.state === 'up') {
    const lag = `Lag ${formatDuration(source.lagMs)}`;
    if (source.lagMs >= LAG_WARN_MS) {
      return { tone: 'warn', headline: `Reading, but ${formatDuration(source.lagMs)} behind`, details: [`Up since ${since}`, `${lag}: entries are being read late`] };
    }
    return { tone: 'ok', headline: 'Reading the streams', details: [`Up since ${since}`, lag] };
  }
  if (source.reason === 'starting') {
    return { tone: 'warn', headline: 'Starting — not reading yet', details: [`Since ${since}`] };
  }
  return {
    tone: 'bad',
    headline: 'Source DOWN — the streams are not being read',
    details: [`Down since ${since}`, `Reason: ${source.reason ?? 'not given'}`, 'Data arriving meanwhile waits in the streams and is read once the source is back.'],
  };
}

/** One stream's row. */
export interface StreamView {
  readonly stream: PipelineStream['stream'];
  readonly rate: string;
  readonly backlog: string;
  /** True when the backlog is large for the rate: reading is falling behind. */
  readonly backlogHigh: boolean;
  readonly pending: string;
}

/** Whether a backlog takes long to read at the current rate. */
export function isBacklogHigh(stream: PipelineStream): boolean {
  return stream.backlog !== null && stream.backlog >= BACKLOG_WARN_ENTRIES && stream.backlog > stream.ratePerSec * BACKLOG_WARN_SECONDS;
}

/** Rows for the streams table, `collect` before `security`. */
export function streamViews(streams: readonly PipelineStream[]): StreamView[] {
  const order = (stream: PipelineStream): number => (stream.stream === 'collect' ? 0 : 1);
  return [...streams].sort((a, b) => order(a) - order(b)).map((stream) => ({
    stream: stream.stream,
    rate: formatPerSecond(stream.ratePerSec),
    backlog: stream.backlog === null ? 'unknown' : formatEntries(stream.backlog),
    backlogHigh: isBacklogHigh(stream),
    pending: formatEntries(stream.pending),
  }));
}

/** The entries since the store began, by outcome. */
export interface IngestTotals {
  readonly acceptedCollect: number;
  readonly acceptedSecurity: number;
  readonly late: number;
  readonly skewed: number;
  readonly rejected: number;
}

/** Sums the `counters` (`accepted_collect`, `late`, `rejected_<reason>`, …). */
export function ingestTotals(counters: Readonly<Record<string, number>>): IngestTotals {
  let rejected = 0;
  for (const [name, value] of Object.entries(counters)) if (name.startsWith('rejected_')) rejected += value;
  return {
    acceptedCollect: counters.accepted_collect ?? 0,
    acceptedSecurity: counters.accepted_security ?? 0,
    late: counters.late ?? 0,
    skewed: counters.skewed ?? 0,
    rejected,
  };
}

/** The share of entries rejected, as a percentage of all entries read; null when none were read. */
export function rejectShare(totals: IngestTotals): number | null {
  const all = totals.acceptedCollect + totals.acceptedSecurity + totals.late + totals.skewed + totals.rejected;
  return all === 0 ? null : (100 * totals.rejected) / all;
}

/** `0.42 %` of entries, or "no entries yet". */
export function formatRejectShare(totals: IngestTotals): string {
  const share = rejectShare(totals);
  return share === null ? 'no entries read' : `${formatPercent(share)} of entries`;
}

/** One reason's rejects: since the store began and in the recent window. */
export interface RejectRow {
  readonly reason: string;
  readonly total: number;
  /** Null until the page has watched long enough to tell. */
  readonly recent: number | null;
}

/** Rejects by reason, from the `rejected_<reason>` counters, most recent first, then most overall. */
export function rejectRows(counters: Readonly<Record<string, number>>, recent: Readonly<Record<string, number>> | null): RejectRow[] {
  return Object.entries(counters)
    .filter(([name, value]) => name.startsWith('rejected_') && value > 0)
    .map(([name, total]) => ({ reason: name.slice('rejected_'.length), total, recent: recent === null ? null : (recent[name] ?? 0) }))
    .sort((a, b) => (b.recent ?? 0) - (a.recent ?? 0) || b.total - a.total || (a.reason < b.reason ? -1 : 1));
}

/** Clients by role, in the roles' order, then any other name the server uses. */
export function clientRows(clients: Readonly<Record<string, number>>): { role: string; count: number }[] {
  const known = ROLES.filter((role) => role in clients).map((role) => ({ role, count: clients[role]! }));
  const others = Object.keys(clients).filter((role) => !(ROLES as readonly string[]).includes(role)).sort().map((role) => ({ role, count: clients[role]! }));
  return [...known, ...others];
}

/** One server instance's row. */
export interface InstanceView {
  readonly id: string;
  readonly live: boolean;
  readonly started: string;
  readonly uptime: string;
  readonly lastSeen: string;
}

/** The instances by id, each live when it reported within {@link INSTANCE_QUIET_MS} of the data's time. */
export function instanceViews(instances: readonly Instance[], atMs: number): InstanceView[] {
  return [...instances].sort((a, b) => (a.id < b.id ? -1 : 1)).map((instance) => ({
    id: instance.id,
    live: atMs - instance.lastSeen <= INSTANCE_QUIET_MS,
    started: formatClock(instance.startedAt),
    uptime: formatDuration(atMs - instance.startedAt),
    lastSeen: atMs - instance.lastSeen < 1000 ? 'just now' : `${formatDuration(atMs - instance.lastSeen)} ago`,
  }));
}

/** The arrival time in a stream entry id (`<ms>-<seq>`), or null for another shape. */
export function entryIdTime(id: string): number | null {
  const match = /^(\d{1,15})-\d+$/.exec(id);
  return match === null ? null : Number(match[1]);
}

/**
 * Counters watched over time, so that the page can say what happens now (the last minute)
 * rather than only since the store began. A counter that went down (a restarted embedded
 * server) counts from zero again.
 */
export class CounterHistory {
  readonly #samples: { atMs: number; counters: Readonly<Record<string, number>> }[] = [];
  readonly #windowMs: number;

  constructor(windowMs: number = RECENT_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  /** Records the counters as of `atMs`. */
  add(atMs: number, counters: Readonly<Record<string, number>>): void {
    if (this.#samples.length > 0 && atMs <= this.#samples.at(-1)!.atMs) return;
    this.#samples.push({ atMs, counters });
    while (this.#samples.length > 2 && this.#samples[1]!.atMs <= atMs - this.#windowMs) this.#samples.shift();
  }

  /** The increase of each counter over the window (or what has been watched of it), with its length; null before two samples. */
  increases(): { spanMs: number; byName: Record<string, number> } | null {
    if (this.#samples.length < 2) return null;
    const oldest = this.#samples[0]!;
    const newest = this.#samples.at(-1)!;
    const byName: Record<string, number> = {};
    for (const [name, value] of Object.entries(newest.counters)) {
      const before = oldest.counters[name] ?? 0;
      byName[name] = value >= before ? value - before : value;
    }
    return { spanMs: newest.atMs - oldest.atMs, byName };
  }
}
