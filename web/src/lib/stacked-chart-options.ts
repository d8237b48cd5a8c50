/**
 * uPlot options for a live stacked-area chart over a chosen time range: fixed-width time
 * axis in local HH:MM:SS, a zero-based y axis with units, legends that show each series'
 * own value (not the running sum), no zooming (it would fight the live updates).
 */
import type uPlot from 'uplot';
import { unknownRuns, type StackedColumns } from './chart-data.js';
import { formatClock } from './format.js';
import { translucent } from './palette.js';
import { SlotKind, WINDOW_SECONDS } from './series-buffer.js';
import { overlayLinePaths, stackedBandPaths } from './stacked-paths.js';

/** One stacked series: its legend label and colour. */
export interface StackedSeriesSpec {
  readonly label: string;
  readonly colour: string;
}

/** What a stacked chart needs besides its data. */
export interface StackedChartSpec {
  readonly series: readonly StackedSeriesSpec[];
  /** Y-axis label, with the unit. */
  readonly yLabel: string;
  /** Legend text of one series' value (`null` = unknown). */
  readonly formatValue: (value: number | null) => string;
  /** Y-axis tick text. */
  readonly formatTick: (value: number) => string;
  /** The y axis reaches at least this high, so a quiet chart does not magnify noise. */
  readonly minTop: number;
  /** The data being drawn; the legend reads each series' own values from it. */
  readonly current: () => StackedColumns;
  /** A line over the stack, drawn after the stacked series (its data comes last). */
  readonly overlay?: StackedSeriesSpec;
  /** How many seconds the time axis spans, ending at the newest second (read at every redraw). */
  readonly windowSeconds: () => number;
}

const AXIS_COLOUR = '#4b5563';
const GRID_COLOUR = '#e5e7eb';
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const UNKNOWN_FILL = '#f3f4f6';
const UNKNOWN_TEXT = '#6b7280';

/** What a shaded run of seconds without figures says, by the kind of its first second. */
const UNKNOWN_LABELS: Record<SlotKind, string> = {
  [SlotKind.full]: '',
  [SlotKind.gap]: 'no data: source not read',
  [SlotKind.suppressed]: 'hidden: too few subjects',
  [SlotKind.empty]: 'no data',
};

/**
 * Shades the seconds without figures under the grid, so a gap reads as "unknown" at a
 * glance rather than as a broken chart or a drop to zero; wide runs say why.
 */
function shadeUnknownSeconds(plot: uPlot, columns: StackedColumns): void {
  const runs = unknownRuns(columns.kinds);
  if (runs.length === 0) return; // the usual case: no font to set, nothing to save
  const { ctx, bbox } = plot;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${Math.round(12 * ratio)}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const run of runs) {
    const from = Math.max(bbox.left, plot.valToPos(columns.t[run.from]! - 0.5, 'x', true));
    const to = Math.min(bbox.left + bbox.width, plot.valToPos(columns.t[run.to]! + 0.5, 'x', true));
    if (to <= from) continue;
    ctx.fillStyle = UNKNOWN_FILL;
    ctx.fillRect(from, bbox.top, to - from, bbox.height);
    const label = UNKNOWN_LABELS[run.kind];
    if (ctx.measureText(label).width + 16 * ratio < to - from) {
      ctx.fillStyle = UNKNOWN_TEXT;
      ctx.fillText(label, (from + to) / 2, bbox.top + 8 * ratio);
    }
  }
  ctx.restore();
}

/**
 * Off the chart, the legend shows the newest second drawn instead of "—". uPlot blanks it
 * whenever it re-places a cursor that is outside the plot (after new data, after a resize),
 * so this runs after each legend update; `false` keeps it from firing itself again.
 */
function showNewestWhenIdle(plot: uPlot): void {
  const newest = plot.data[0].length - 1;
  if (newest >= 0 && (plot.cursor.idx ?? null) === null && plot.legend.idx !== newest) plot.setLegend({ idx: newest }, false);
}

/** The smallest 1, 2, 2.5 or 5 × 10^n at or above `value`. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value * (1 - 1e-9)) return step * magnitude;
  }
  return 10 * magnitude;
}

/**
 * Builds the options; the series (1-based in uPlot) are stacked bottom-up in `spec.series`
 * order, each filling down to the one below it (see stacked-paths.ts), gaps left open.
 */
export function stackedChartOptions(spec: StackedChartSpec, width: number, height: number): uPlot.Options {
  const series: uPlot.Series[] = [
    { label: 'Time', value: (_plot, seconds) => (seconds === null ? '—' : formatClock(seconds * 1000)) },
    ...spec.series.map((entry): uPlot.Series => ({
      label: entry.label,
      stroke: entry.colour,
      fill: translucent(entry.colour, 0.28),
      // 1 px: Skia draws it as a hairline; at 1.5 px a software canvas strokes ten times slower.
      width: 1,
      points: { show: false },
      paths: stackedBandPaths,
      pxAlign: 0, // the path builder aligns the line itself
      value: (_plot, _stacked, seriesIndex, index) =>
        spec.formatValue(index === null ? null : spec.current().raw[seriesIndex - 1]?.[index] ?? null),
    })),
  ];
  if (spec.overlay) {
    series.push({
      label: spec.overlay.label,
      stroke: spec.overlay.colour,
      width: 1,
      points: { show: false },
      paths: overlayLinePaths,
      pxAlign: 0,
      value: (_plot, value) => spec.formatValue(value),
    });
  }
  return {
    width,
    height,
    series,
    padding: [16, 32, 0, 0], // room above the top y label and right of the last time label
    hooks: {
      drawClear: [(plot) => shadeUnknownSeconds(plot, spec.current())],
      setLegend: [showNewestWhenIdle],
    },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
    legend: { live: true },
    scales: {
      // Always the whole range ending at the newest second, so the chart scrolls steadily.
      x: {
        time: true,
        range: (_plot, _min, max) => {
          const newest = Number.isFinite(max) ? max : Math.floor(Date.now() / 1000);
          return [newest - (Math.min(spec.windowSeconds(), WINDOW_SECONDS) - 1), newest];
        },
      },
      y: { range: (_plot, _min, max) => [0, niceCeil(Math.max(max, spec.minTop) * 1.05)] },
    },
    axes: [
      {
        stroke: AXIS_COLOUR,
        font: FONT,
        space: 90,
        // Round steps in seconds; 2 minutes gives about seven labels across a wide window.
        incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
        grid: { stroke: GRID_COLOUR, width: 1 },
        ticks: { stroke: GRID_COLOUR, width: 1 },
        values: (_plot, splits) => splits.map((seconds) => formatClock(seconds * 1000)),
      },
      {
        stroke: AXIS_COLOUR,
        font: FONT,
        label: spec.yLabel,
        labelFont: LABEL_FONT,
        labelSize: 24,
        size: 56,
        space: 40,
        grid: { stroke: GRID_COLOUR, width: 1 },
        ticks: { stroke: GRID_COLOUR, width: 1 },
        values: (_plot, splits) => splits.map((value) => spec.formatTick(value)),
      },
    ],
  };
}
