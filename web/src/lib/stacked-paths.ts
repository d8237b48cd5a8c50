/**
 * uPlot path builders for the stacked charts: each series' band is one closed polygon
 * between its line and the line below, and spans without figures or without height are
 * left out rather than clipped away.
 *
 * Why not uPlot's own `bands`: it fills each series down to zero and clips the fill with
 * the line below, and clips every series with the gaps. Without a GPU (software canvas,
 * rasterised on the page's main thread when the frame is committed) those clip masks and
 * 1.5 px strokes over 900 jagged points cost 200+ ms per redraw of the two charts; the
 * polygons (on whole pixels) and 1 px hairlines cost a tenth of that for the same picture.
 */
import type uPlot from 'uplot';

/** An inclusive index range of at least two points, drawn as one piece. */
export interface DrawnRun {
  readonly from: number;
  readonly to: number;
}

/**
 * Where a stacked series has something to draw: the runs of consecutive known seconds
 * (`null` is a gap and breaks a run), without the stretches where the series adds nothing
 * to the one below (`upper` equals `lower` at both ends of a segment): there its band has
 * no height and its line would only hide the line below. `lower` is `null` for the bottom
 * series and for a line drawn over the stack; those are drawn wherever they are known.
 */
export function drawnRuns(upper: ArrayLike<number | null | undefined>, lower: ArrayLike<number | null | undefined> | null): DrawnRun[] {
  const runs: DrawnRun[] = [];
  const drawn = (i: number): boolean => {
    const a = upper[i];
    const b = upper[i + 1];
    if (a === null || a === undefined || b === null || b === undefined) return false;
    return lower === null || a !== lower[i] || b !== lower[i + 1];
  };
  const last = upper.length - 1;
  for (let i = 0; i < last; i++) {
    if (!drawn(i)) continue;
    const from = i;
    while (i + 1 < last && drawn(i + 1)) i++;
    runs.push({ from, to: i + 1 });
  }
  return runs;
}

/**
 * Canvas pixel positions of one column on a linear scale, rounded to whole pixels; NaN where
 * unknown. The scale is affine, so two `valToPos` calls give it for every point.
 */
function pixelsOf(plot: uPlot, values: ArrayLike<number | null | undefined>, scale: string, origin: number): Float64Array {
  const at = plot.valToPos(origin, scale, true);
  const perUnit = plot.valToPos(origin + 1, scale, true) - at;
  const pixels = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    pixels[i] = value === null || value === undefined ? Number.NaN : Math.round(at + (value - origin) * perUnit);
  }
  return pixels;
}

/**
 * Builds series `seriesIndex`'s paths; `stacked` says whether it is part of the stack (its
 * band reaches down to the series before it, or to zero for the first) or a line over it.
 *
 * Fills stay on whole pixels and only the line moves by half a pixel (so that an odd-width
 * line is crisp): uPlot would shift both, and a software canvas fills a jagged polygon on
 * half pixels about three times slower. Hence `pxAlign: 0` on these series.
 */
function buildPaths(plot: uPlot, seriesIndex: number, stacked: boolean): uPlot.Series.Paths {
  const upper = plot.data[seriesIndex]!;
  const lower = stacked && seriesIndex > 1 ? plot.data[seriesIndex - 1]! : null;
  const t = plot.data[0];
  const x = pixelsOf(plot, t, 'x', t[0] ?? 0);
  const yUpper = pixelsOf(plot, upper, 'y', 0);
  const yLower = lower === null ? null : pixelsOf(plot, lower, 'y', 0);
  const yZero = Math.round(plot.valToPos(0, 'y', true));
  const lineWidth = Math.round((plot.series[seriesIndex]!.width ?? 1) * devicePixelRatio);
  const offset = (lineWidth % 2) / 2;

  const stroke = new Path2D();
  const fill = stacked ? new Path2D() : null;
  for (const { from, to } of drawnRuns(upper, lower)) {
    stroke.moveTo(x[from]! + offset, yUpper[from]! + offset);
    for (let i = from + 1; i <= to; i++) stroke.lineTo(x[i]! + offset, yUpper[i]! + offset);
    if (fill === null) continue;
    fill.moveTo(x[from]!, yUpper[from]!);
    for (let i = from + 1; i <= to; i++) fill.lineTo(x[i]!, yUpper[i]!);
    for (let i = to; i >= from; i--) fill.lineTo(x[i]!, yLower === null ? yZero : yLower[i]!);
    fill.closePath();
  }
  return { stroke, fill, clip: null, flags: 0 };
}

/** Path builder of a stacked series: its band down to the series before it, and its line. */
export const stackedBandPaths: uPlot.Series.PathBuilder = (plot, seriesIndex) => buildPaths(plot, seriesIndex, true);

/** Path builder of a line over the stack, broken at gaps. */
export const overlayLinePaths: uPlot.Series.PathBuilder = (plot, seriesIndex) => buildPaths(plot, seriesIndex, false);
