/** Small statistics helpers: medians of rounds, ratios that stay finite, HdrHistogram summaries. */
import * as hdr from 'hdr-histogram-js';

/** The median of the finite numbers in `values` (NaN when there are none). */
export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `a / b`, or NaN when either is missing or `b` is zero. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** For each key of the rounds' figure objects, the median over rounds. */
export function medianFigures(rounds) {
  const keys = new Set(rounds.flatMap((round) => Object.keys(round).filter((key) => typeof round[key] === 'number')));
  return Object.fromEntries([...keys].map((key) => [key, median(rounds.map((round) => round[key]))]));
}

/** A latency histogram in microseconds (1 µs to 10 min, 3 significant digits). */
export function newLatencyHistogram() {
  return hdr.build({ bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** Percentiles of a microsecond histogram, in milliseconds. */
export function latencySummaryMs(histogram) {
  if (histogram.totalCount === 0) return { count: 0, p50Ms: Number.NaN, p90Ms: Number.NaN, p99Ms: Number.NaN, p999Ms: Number.NaN, maxMs: Number.NaN };
  const at = (percentile) => histogram.getValueAtPercentile(percentile) / 1000;
  return {
    count: histogram.totalCount, p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), p999Ms: at(99.9), maxMs: histogram.maxValue / 1000,
  };
}

/** Wall-clock time in milliseconds with sub-millisecond precision (comparable across processes of one machine). */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/** Resolves after `ms`. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `value.toFixed(digits)`, or "n/a" for anything that is not a finite number (NaN comes back over IPC as null). */
export function fixed(value, digits = 1) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
