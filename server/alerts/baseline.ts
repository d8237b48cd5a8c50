/**
 * Robust learned baselines, as plain JSON-able records the rules keep per key:
 * - `LogBaseline`: a level on a log scale. During warm-up it is the median and MAD of the
 *   samples seen (robust to a burst among them); after warm-up an EWMA of the log with an
 *   EW mean absolute deviation, each sample clipped to ±2σ before it is learned, so a
 *   burst moves the baseline only a little (winsorised EWMA), while a lasting change of
 *   level is still followed, step by step.
 * - `RateBaseline`: a proportion (redacted / events) as a ratio of EW means, with the
 *   learned over-dispersion of its counts (variance over mean; Pearson residuals clipped
 *   to ±3σ of the spread learned so far, so that a burst or an outage does not inflate it).
 * `RateBaseline` learns with a cumulative mean during warm-up; both then use a half-life in samples.
 */

/** A level learned on a log scale. */
export interface LogBaseline {
  samples: number;
  /** Mean of the log of the value. */
  mean: number;
  /** Mean absolute deviation of the log (σ ≈ 1.25 × this for a normal spread). */
  deviation: number;
  /** The samples seen during warm-up (emptied once warm). */
  warmup: number[];
}

/** A proportion with the over-dispersion of its counts. */
export interface RateBaseline {
  samples: number;
  meanNumerator: number;
  meanDenominator: number;
  /** Variance over mean of the numerator given its expectation (1 = Poisson); at least 1. */
  dispersion: number;
  dispersionSamples: number;
}

export interface LearningOptions {
  warmupSamples: number;
  halfLifeSamples: number;
}

const CLIP_SIGMAS = 3;
// Tighter for levels: bursts are frequent, and each clipped one still widens the spread a little.
const LEVEL_CLIP_SIGMAS = 2;
const MAD_TO_SIGMA = 1.25;
// The median absolute deviation of a normal spread is 0.6745σ, its mean absolute deviation 0.7979σ.
const MEDIAN_TO_MEAN_ABSOLUTE_DEVIATION = 0.7979 / 0.6745;
const MAX_DISPERSION = 1000;
// A normal variable clipped at ±3σ keeps 97.3 % of its variance.
const CLIPPED_VARIANCE_CORRECTION = 1 / 0.973;
// Below this many expected events a sample says little about the dispersion.
const MIN_EXPECTED_FOR_DISPERSION = 2;

/** EWMA weight for a half-life in samples. */
export function ewmaWeight(halfLifeSamples: number): number {
  return 1 - 2 ** (-1 / Math.max(1, halfLifeSamples));
}

export function emptyLogBaseline(): LogBaseline {
  return { samples: 0, mean: 0, deviation: 0, warmup: [] };
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** True once the baseline has seen its warm-up samples. */
export function isWarm(baseline: { samples: number }, options: LearningOptions): boolean {
  return baseline.samples >= options.warmupSamples;
}

/** The learned spread of a log baseline as a standard deviation, never below `floor`. */
export function logSigma(baseline: LogBaseline, floor: number): number {
  return Math.max(MAD_TO_SIGMA * baseline.deviation, floor);
}

/** Learns one log-scale sample (mutates `baseline`); `floor` bounds the clipping width from below. */
export function learnLog(baseline: LogBaseline, logValue: number, options: LearningOptions, floor: number): void {
  const n = baseline.samples;
  if (n < options.warmupSamples) {
    baseline.warmup.push(logValue);
    const sorted = [...baseline.warmup].sort((a, b) => a - b);
    baseline.mean = median(sorted);
    const deviations = sorted.map((value) => Math.abs(value - baseline.mean)).sort((a, b) => a - b);
    baseline.deviation = MEDIAN_TO_MEAN_ABSOLUTE_DEVIATION * median(deviations);
    if (n + 1 >= options.warmupSamples) baseline.warmup = [];
  } else {
    const alpha = ewmaWeight(options.halfLifeSamples);
    const limit = LEVEL_CLIP_SIGMAS * logSigma(baseline, floor);
    const delta = Math.min(limit, Math.max(-limit, logValue - baseline.mean));
    baseline.mean += alpha * delta;
    baseline.deviation += alpha * (Math.abs(delta) - baseline.deviation);
  }
  baseline.samples = n + 1;
}

export function emptyRateBaseline(): RateBaseline {
  return { samples: 0, meanNumerator: 0, meanDenominator: 0, dispersion: 1, dispersionSamples: 0 };
}

/** The learned proportion, or null before anything was learned. */
export function baselineRate(baseline: RateBaseline): number | null {
  return baseline.meanDenominator > 0 ? baseline.meanNumerator / baseline.meanDenominator : null;
}

/** Learns one sample of `numerator` out of `denominator` (mutates `baseline`). */
export function learnRate(baseline: RateBaseline, numerator: number, denominator: number, options: LearningOptions): void {
  const rate = baselineRate(baseline);
  const n = baseline.samples;
  if (rate !== null && rate * denominator >= MIN_EXPECTED_FOR_DISPERSION) {
    const expected = rate * denominator;
    // Pearson residual, clipped to ±3σ of the spread learned so far: a minute of a burst or
    // of an outage must not teach the baseline that anything goes (Huber-style estimate).
    const limit = CLIP_SIGMAS * Math.sqrt(baseline.dispersion);
    const residual = Math.min(limit, Math.max(-limit, (numerator - expected) / Math.sqrt(expected)));
    const m = baseline.dispersionSamples;
    const weight = m < options.warmupSamples ? 1 / (m + 1) : ewmaWeight(options.halfLifeSamples);
    const squared = residual * residual * CLIPPED_VARIANCE_CORRECTION;
    baseline.dispersion = Math.min(MAX_DISPERSION, Math.max(1, baseline.dispersion + weight * (squared - baseline.dispersion)));
    baseline.dispersionSamples = m + 1;
  }
  const weight = n < options.warmupSamples ? 1 / (n + 1) : ewmaWeight(options.halfLifeSamples);
  baseline.meanNumerator += weight * (numerator - baseline.meanNumerator);
  baseline.meanDenominator += weight * (denominator - baseline.meanDenominator);
  baseline.samples = n + 1;
}

/**
 * An upper bound (Chernoff) on ln P(X ≤ k) for X ~ Poisson(λ). Used on counts scaled
 * down by their dispersion (quasi-Poisson), it errs on the side of not alerting.
 */
export function logPoissonLowerTailBound(k: number, lambda: number): number {
  if (!(lambda > 0) || k >= lambda) return 0;
  if (k <= 0) return -lambda;
  return -lambda + k + k * Math.log(lambda / k);
}
