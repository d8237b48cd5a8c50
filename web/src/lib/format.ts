/** How figures and times read on the dashboard. One place, so every panel agrees. */

/** Shown for a figure that is unknown (a gap, suppressed, or not received yet). */
export const UNKNOWN = '—';

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

const two = (n: number): string => String(n).padStart(2, '0');

/** A whole number with grouping (`12,345`), or {@link UNKNOWN}. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? UNKNOWN : integer.format(value);
}

/** A short number for axis ticks (`950`, `1.2K`). */
export function formatCompact(value: number): string {
  return Math.abs(value) < 1000 ? integer.format(value) : compact.format(value);
}

/** A percentage with precision that suits its size (`0.42 %`, `3.1 %`, `27 %`), or {@link UNKNOWN}. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  const digits = value === 0 ? 0 : Math.abs(value) < 1 ? 2 : Math.abs(value) < 10 ? 1 : 0;
  return `${value.toFixed(digits)} %`;
}

/** Local wall-clock time `HH:MM:SS` (24 h) of a time in ms since the epoch. */
export function formatClock(ms: number): string {
  const date = new Date(ms);
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Local date and time to the second, `2026-11-30 10:41:07`: sortable, unambiguous, for logs. */
export function formatTimestamp(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${formatClock(ms)}`;
}

/** Local wall-clock time `HH:MM` (24 h): a minute's start. */
export function formatMinute(ms: number): string {
  const date = new Date(ms);
  return `${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** A fraction (0.25) as a percentage (`25 %`), or {@link UNKNOWN}. */
export function formatRate(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? UNKNOWN : formatPercent(100 * fraction);
}

/** `12 s`, `4 min`, `2 h` since `sinceMs`. */
export function formatAge(nowMs: number, sinceMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

/**
 * A duration in the two largest units that matter: `850 ms`, `42 s`, `3 min 5 s`,
 * `2 h 5 min`, `3 d 4 h` (a zero second unit is left out: `1 h`).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return UNKNOWN;
  const abs = Math.max(0, ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  const seconds = Math.floor(abs / 1000);
  const units: readonly [number, string][] = [[86_400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  const index = units.findIndex(([size]) => seconds >= size);
  const [size, name] = units[index]!;
  const first = `${Math.floor(seconds / size)} ${name}`;
  const next = units[index + 1];
  if (next === undefined) return first;
  const rest = Math.floor((seconds % size) / next[0]);
  return rest === 0 ? first : `${first} ${rest} ${next[1]}`;
}

/** `HH:MM:SS` for a time today, the full {@link formatTimestamp} for any other day. */
export function formatWhen(ms: number, nowMs: number): string {
  return new Date(ms).toDateString() === new Date(nowMs).toDateString() ? formatClock(ms) : formatTimestamp(ms);
}
