/**
 * Turns the buffer's columns into what the two overview charts draw. uPlot does not stack,
 * so stacked series are running sums; `null` (unknown) stays `null` so it draws as a gap.
 */
import { REDACTION_REASONS } from '../../../shared/points.js';
import type { RedactionReason } from '../../../shared/overview.js';
import { SETTLING_SECONDS, SlotKind, type ColumnName, type SeriesFrame } from './series-buffer.js';

/** The kinds of event in the volume chart, bottom of the stack first. */
export const VOLUME_KINDS = ['keys', 'clicks', 'moves', 'scrolls'] as const satisfies readonly ColumnName[];

/** Chart-ready columns: raw values for legends, stacked values for drawing. */
export interface StackedColumns {
  /** Unix seconds. */
  readonly t: number[];
  /** One column per series, as the figure itself. */
  readonly raw: (number | null)[][];
  /** One column per series: the sum of this series and all below it. */
  readonly stacked: (number | null)[][];
  /** A line drawn over the stack, not part of it (e.g. a total the parts need not add up to). */
  readonly overlay?: (number | null)[];
  /** What is known about each second, aligned with `t`. */
  readonly kinds: SlotKind[];
}

/** A run of consecutive seconds without figures, by index into `t`. */
export interface UnknownRun {
  readonly from: number;
  readonly to: number;
  /** The kind of the run's first second (gap, suppressed or empty). */
  readonly kind: SlotKind;
}

/** The runs of seconds that hold no figures, so a chart can mark them as such. */
export function unknownRuns(kinds: readonly SlotKind[]): UnknownRun[] {
  const runs: UnknownRun[] = [];
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] === SlotKind.full) continue;
    const from = i;
    while (i + 1 < kinds.length && kinds[i + 1] !== SlotKind.full) i++;
    runs.push({ from, to: i, kind: kinds[from]! });
  }
  return runs;
}

/** Running sums of `columns` per index; an index where any column is `null` is `null` in all. */
export function stack(columns: readonly (readonly (number | null)[])[]): (number | null)[][] {
  const length = columns[0]?.length ?? 0;
  const stacked = columns.map(() => new Array<number | null>(length));
  for (let i = 0; i < length; i++) {
    let sum: number | null = 0;
    for (let c = 0; c < columns.length; c++) {
      const value = columns[c]![i];
      sum = sum === null || value === null || value === undefined ? null : sum + value;
      stacked[c]![i] = sum;
    }
  }
  return stacked;
}

/**
 * The window without its newest, still-filling seconds ({@link SETTLING_SECONDS}): drawn,
 * they would end every chart in a false drop. The charts, like the headline, stop at the
 * latest complete second.
 */
export function settledFrame(frame: SeriesFrame): SeriesFrame {
  const end = Math.max(0, frame.t.length - SETTLING_SECONDS);
  const columns = {} as Record<ColumnName, (number | null)[]>;
  for (const [name, column] of Object.entries(frame.columns) as [ColumnName, (number | null)[]][]) {
    columns[name] = column.slice(0, end);
  }
  return { t: frame.t.slice(0, end), kinds: frame.kinds.slice(0, end), columns };
}

/** The time ranges the Overview charts offer, in seconds. */
export const TIME_RANGES = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
] as const;
export type RangeSeconds = (typeof TIME_RANGES)[number]['seconds'];
/** Five minutes: a newly started server fills it soon, and it still shows a trend. */
export const DEFAULT_RANGE_SECONDS: RangeSeconds = 300;

/** The newest `seconds` of a frame (all of it when shorter). */
export function recentFrame(frame: SeriesFrame, seconds: number): SeriesFrame {
  if (frame.t.length <= seconds) return frame;
  const start = frame.t.length - seconds;
  const columns = {} as Record<ColumnName, (number | null)[]>;
  for (const [name, column] of Object.entries(frame.columns) as [ColumnName, (number | null)[]][]) {
    columns[name] = column.slice(start);
  }
  return { t: frame.t.slice(start), kinds: frame.kinds.slice(start), columns };
}

/** Events per second by kind, stacked. */
export function volumeColumns(frame: SeriesFrame): StackedColumns {
  const raw = VOLUME_KINDS.map((kind) => frame.columns[kind]);
  return { t: frame.t, raw, stacked: stack(raw), kinds: frame.kinds };
}

/** `part` / `events` as a percentage per second; a second with no events has no rate (`null`, a gap). */
function percentOfEvents(part: readonly (number | null)[], events: readonly (number | null)[]): (number | null)[] {
  const rates = new Array<number | null>(part.length);
  for (let i = 0; i < part.length; i++) {
    const value = part[i] ?? null;
    const total = events[i];
    rates[i] = value === null || total === null || total === undefined || total === 0 ? null : (100 * value) / total;
  }
  return rates;
}

/**
 * Redaction rate per reason (`red.<reason>` / `events`, %), stacked, with the overall rate
 * (`redacted` / `events`) as an overlay: the contract allows redactions without a reason
 * (Σ red ≤ redacted), so the top of the stack can sit below the overall rate.
 */
export function redactionColumns(frame: SeriesFrame): StackedColumns {
  const events = frame.columns.events;
  const raw = REDACTION_REASONS.map((reason: RedactionReason) => percentOfEvents(frame.columns[`red.${reason}`], events));
  return { t: frame.t, raw, stacked: stack(raw), overlay: percentOfEvents(frame.columns.redacted, events), kinds: frame.kinds };
}
