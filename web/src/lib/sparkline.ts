/**
 * A sparkline as SVG path data: a few hundred bytes of markup per row instead of a chart
 * library instance. `null` is unknown and breaks the line, as in the big charts.
 */

/** What a sparkline draws, in the coordinates of a `width` × `height` viewBox. */
export interface SparklineShape {
  /** Path data of the line; empty when nothing is known. */
  readonly line: string;
  /** The newest known value's position, marked with a dot. */
  readonly last: { readonly x: number; readonly y: number } | null;
  /** The top of the scale (the largest value, at least 1). */
  readonly max: number;
}

const round = (value: number): number => Math.round(value * 10) / 10;

/**
 * Scales `values` (oldest first) into the box: x spread evenly, y from 0 at the bottom to the
 * largest value at the top, `inset` units kept free on every side for the stroke.
 * A known value between two unknown ones is drawn as a dot (a zero-length segment with round caps).
 */
export function sparklineShape(values: readonly (number | null)[], width: number, height: number, inset = 2): SparklineShape {
  const known = values.filter((value): value is number => value !== null && Number.isFinite(value));
  const max = Math.max(1, ...known);
  const step = values.length > 1 ? (width - 2 * inset) / (values.length - 1) : 0;
  const xOf = (index: number): number => round(inset + index * step);
  const yOf = (value: number): number => round(height - inset - (Math.max(0, value) / max) * (height - 2 * inset));
  const parts: string[] = [];
  let drawing = false;
  let last: SparklineShape['last'] = null;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      drawing = false;
      return;
    }
    const x = xOf(index);
    const y = yOf(value);
    const nextKnown = index + 1 < values.length && values[index + 1] !== null;
    if (drawing) parts.push(`L${x} ${y}`);
    else parts.push(nextKnown ? `M${x} ${y}` : `M${x} ${y}h0`);
    drawing = true;
    last = { x, y };
  });
  return { line: parts.join(''), last, max };
}
