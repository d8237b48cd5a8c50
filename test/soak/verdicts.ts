/**
 * The soak's figures and judgments, from the samples alone (pure functions).
 *
 * Heap is judged on the live heap, read after a full GC the soak asks the server's V8
 * for (heap-inspector.ts): the median of the readings in the second fifth of the load
 * (after warm-up) against those of the last fifth, and the slope of a least-squares line
 * through every reading. The sampled `nodejs_heap_size_used_bytes` is reported beside it
 * (medians of the same fifths, slope) but not judged: it is a saw-tooth of uncollected
 * garbage whose period is as long as the short run. Handles are compared at two quiet
 * points with the same clients and load (churn paused), where a socket or timer kept per
 * past connection would show as a difference.
 */
import type { FleetTotals } from './client-fleet.js';
import { backlogEntries, STREAMS, type Sample } from './server-sampler.js';
import type { LiveHeapReading } from './heap-inspector.js';
import type { LoadTotals } from './steady-load.js';

/** Bounds of the judgments. */
export const BOUNDS = {
  /** Live-heap growth allowed between the second and last fifth: the larger of these. */
  heapGrowthFraction: 0.1,
  heapGrowthBytes: 4 * 2 ** 20,
  /** Steepest live-heap slope allowed after warm-up, MB per minute. */
  heapSlopeMBPerMin: 1,
  /** Handles and resources allowed above the quiet baseline at the quiet end. */
  handlesTolerance: 2,
  resourcesTolerance: 4,
  /** Share of the asked collect rate the producer must have written (a soak without load proves nothing). */
  minLoadShare: 0.98,
  /** The `ingest_lag_high` rule's threshold: the reader never that far behind under steady load. */
  maxIngestLagSeconds: 30,
} as const;

/** One judgment. */
export interface Verdict {
  name: string;
  passed: boolean;
  /** The figures behind it, in words. */
  detail: string;
}

/** The figures of a run (MB are MiB; NaN where there was no sample). */
export interface SoakFigures {
  loadMinutes: number;
  samples: number;
  /** Live heap (after a full GC): medians of the second and last fifth, slope, readings. */
  heapStartMB: number;
  heapEndMB: number;
  heapSlopeMBPerMin: number;
  heapReadings: number;
  /** Sampled heap (`nodejs_heap_size_used_bytes`, garbage included): the same figures, reported only. */
  sampledHeapStartMB: number;
  sampledHeapEndMB: number;
  sampledHeapSlopeMBPerMin: number;
  rssStartMB: number;
  rssEndMB: number;
  handlesStart: number;
  handlesEnd: number;
  resourcesStart: number;
  resourcesEnd: number;
  /** Range of the handle count while clients churned. */
  handlesChurnMin: number;
  handlesChurnMax: number;
  /** Clients the server holds at the quiet end (must be the steady ones). */
  wsClientsEnd: number;
  steadyClients: number;
  steadyOpen: number;
  maxIngestLagSeconds: number;
  /** Largest backlog (lag + pending, both streams) seen under load. */
  maxBacklog: number;
  drainSeconds: number | null;
  /** Backlog of the last sample. */
  backlogEnd: number;
  eventLoopP99Ms: number;
}

/** Median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Slope of the least-squares line through the points (NaN with fewer than two distinct x). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : covariance / variance;
}

const MB = 2 ** 20;

function totalBacklog(sample: Sample): number {
  return STREAMS.reduce((sum, stream) => sum + backlogEntries(sample.backlog[stream]), 0);
}

export interface SummaryInput {
  samples: readonly Sample[];
  liveHeap: readonly LiveHeapReading[];
  startedAtMs: number;
  warmupMs: number;
  /** When the churn stopped for good (end of the judged stretch). */
  churnEndMs: number;
  drainMs: number | null;
  steadyOpen: number;
  options: { steadyClients: number };
}

/** Works the samples into figures. */
export function summarise(input: SummaryInput): SoakFigures {
  const { samples, startedAtMs, warmupMs, churnEndMs } = input;
  const underLoad = samples.filter((sample) => sample.phase !== 'drain');
  const fifthMs = (churnEndMs - startedAtMs) / 5;
  // The last fifth runs on to the quiet end measurements, taken just after the churn stops.
  const inFifth = <T extends { atMs: number }>(items: readonly T[], fifth: number): T[] => items.filter((item) => {
    const offset = item.atMs - startedAtMs;
    return offset >= fifth * fifthMs && (fifth === 4 || offset < (fifth + 1) * fifthMs);
  });
  const second = inFifth(underLoad, 1);
  const last = inFifth(underLoad, 4);
  const minutesOf = (atMs: number): number => (atMs - startedAtMs) / 60_000;
  const liveMB = (readings: readonly LiveHeapReading[]): number[] => readings.map((reading) => reading.usedBytes / MB);
  const judged = underLoad.filter((sample) => sample.atMs - startedAtMs >= warmupMs && sample.atMs < churnEndMs);
  const quietStart = samples.filter((sample) => sample.phase === 'quiet-start');
  const quietEnd = samples.filter((sample) => sample.phase === 'quiet-end');
  const churning = judged.filter((sample) => sample.phase === 'load');
  const final = samples.at(-1);
  return {
    loadMinutes: (churnEndMs - startedAtMs) / 60_000,
    samples: samples.length,
    heapStartMB: median(liveMB(inFifth(input.liveHeap, 1))),
    heapEndMB: median(liveMB(inFifth(input.liveHeap, 4))),
    heapSlopeMBPerMin: slope(input.liveHeap.map((reading) => ({ x: minutesOf(reading.atMs), y: reading.usedBytes / MB }))),
    heapReadings: input.liveHeap.length,
    sampledHeapStartMB: median(second.map((sample) => sample.heapUsedBytes)) / MB,
    sampledHeapEndMB: median(last.map((sample) => sample.heapUsedBytes)) / MB,
    sampledHeapSlopeMBPerMin: slope(judged.map((sample) => ({ x: minutesOf(sample.atMs), y: sample.heapUsedBytes / MB }))),
    rssStartMB: median(second.map((sample) => sample.rssBytes)) / MB,
    rssEndMB: median(last.map((sample) => sample.rssBytes)) / MB,
    handlesStart: median(quietStart.map((sample) => sample.activeHandles)),
    handlesEnd: median(quietEnd.map((sample) => sample.activeHandles)),
    resourcesStart: median(quietStart.map((sample) => sample.activeResources)),
    resourcesEnd: median(quietEnd.map((sample) => sample.activeResources)),
    handlesChurnMin: Math.min(...churning.map((sample) => sample.activeHandles)),
    handlesChurnMax: Math.max(...churning.map((sample) => sample.activeHandles)),
    wsClientsEnd: median(quietEnd.map((sample) => sample.wsClients)),
    steadyClients: input.options.steadyClients,
    steadyOpen: input.steadyOpen,
    maxIngestLagSeconds: Math.max(...underLoad.map((sample) => sample.ingestLagSeconds)),
    maxBacklog: Math.max(...underLoad.map(totalBacklog)),
    drainSeconds: input.drainMs === null ? null : input.drainMs / 1000,
    backlogEnd: final ? totalBacklog(final) : Number.NaN,
    eventLoopP99Ms: (final?.eventLoopP99Seconds ?? Number.NaN) * 1000,
  };
}

export interface JudgeInput {
  figures: SoakFigures;
  load: LoadTotals;
  fleet: FleetTotals;
  ingestCounters: Record<string, number>;
  sampleErrors: readonly string[];
  options: { drainBoundMs: number; collectPerSecond: number };
}

/** The run's judgments, each with the figures behind it. */
export function judge(input: JudgeInput): Verdict[] {
  const { figures: f, load, fleet, ingestCounters, sampleErrors, options } = input;
  const verdicts: Verdict[] = [];
  const add = (name: string, passed: boolean, detail: string): void => {
    verdicts.push({ name, passed, detail });
  };

  const askedCollect = (load.durationMs / 1000) * options.collectPerSecond;
  add('load as asked', load.collect >= askedCollect * BOUNDS.minLoadShare,
    `${load.collect} collect entries in ${fixed(load.durationMs / 1000)} s, ${fixed(load.collect / (load.durationMs / 1000))}/s ` +
    `(asked ${options.collectPerSecond}/s, at least ${BOUNDS.minLoadShare * 100} %)`);

  const growthMB = f.heapEndMB - f.heapStartMB;
  const allowedMB = Math.max(f.heapStartMB * BOUNDS.heapGrowthFraction, BOUNDS.heapGrowthBytes / MB);
  add('heap flat', growthMB <= allowedMB && f.heapSlopeMBPerMin <= BOUNDS.heapSlopeMBPerMin,
    `live heap after full GC, median ${fixed(f.heapStartMB)} → ${fixed(f.heapEndMB)} MB (${signed(growthMB)} MB, at most +${fixed(allowedMB)}); ` +
    `slope ${signed(f.heapSlopeMBPerMin, 2)} MB/min (at most +${BOUNDS.heapSlopeMBPerMin}) over ${f.heapReadings} readings`);

  const handlesOk = f.handlesEnd - f.handlesStart <= BOUNDS.handlesTolerance;
  const resourcesOk = f.resourcesEnd - f.resourcesStart <= BOUNDS.resourcesTolerance;
  add('open handles flat', handlesOk && resourcesOk && f.wsClientsEnd === f.steadyClients,
    `handles ${f.handlesStart} → ${f.handlesEnd} (at most +${BOUNDS.handlesTolerance}), resources ${f.resourcesStart} → ${f.resourcesEnd} ` +
    `(at most +${BOUNDS.resourcesTolerance}), ws clients held at the end ${f.wsClientsEnd} (steady ${f.steadyClients}) after ${fleet.reconnects} reconnects`);

  const drained = f.drainSeconds !== null && f.drainSeconds * 1000 <= options.drainBoundMs && f.backlogEnd === 0;
  add('backlog back to zero', drained && f.maxIngestLagSeconds < BOUNDS.maxIngestLagSeconds,
    `drained in ${f.drainSeconds === null ? 'never' : `${fixed(f.drainSeconds)} s`} (at most ${options.drainBoundMs / 1000} s), ` +
    `backlog at the end ${f.backlogEnd}, largest under load ${f.maxBacklog}, max ingest lag ${fixed(f.maxIngestLagSeconds, 2)} s`);

  const accepted = { collect: ingestCounters.accepted_collect ?? 0, security: ingestCounters.accepted_security ?? 0 };
  const others = Object.entries(ingestCounters).filter(([field, value]) => !field.startsWith('accepted_') && value !== 0);
  add('exact counts', accepted.collect === load.collect && accepted.security === load.security && others.length === 0 && load.failedWrites === 0,
    `written ${load.collect} collect + ${load.security} security; kw:ingest accepted ${accepted.collect} + ${accepted.security}` +
    `${others.length > 0 ? `; other counters ${others.map(([field, value]) => `${field}=${value}`).join(', ')}` : ''}` +
    `${load.failedWrites > 0 ? `; ${load.failedWrites} writes failed (${load.lastError})` : ''}`);

  const clientsOk = fleet.errorFrames.length === 0 && fleet.steadyClosed.length === 0 && fleet.churnFailures.length === 0 && f.steadyOpen === f.steadyClients;
  add('clients served', clientsOk && sampleErrors.length === 0,
    `${fleet.frames} frames, ${fleet.reconnects} reconnects, ${fleet.refused} refused without credentials; ` +
    `error frames ${fleet.errorFrames.length}, steady clients closed ${fleet.steadyClosed.length}, churn failures ${fleet.churnFailures.length}, ` +
    `failed scrapes ${sampleErrors.length}` +
    `${[...fleet.errorFrames, ...fleet.churnFailures, ...sampleErrors].slice(0, 3).map((line) => `\n    ${line}`).join('')}`);
  return verdicts;
}

/** A figure with `digits` decimals (NaN and Infinity as words). */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** A figure with its sign. */
export function signed(value: number, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${fixed(value, digits)}`;
}
