/** The four headline figures, read from the latest complete second. */
import { SlotKind, type SecondFigures } from './series-buffer.js';

/** Headline figures of one second; `null` where unknown. */
export interface Headline {
  /** Start of the second shown, ms since the epoch; null before any data. */
  readonly tMs: number | null;
  /** Why the figures are unknown, if they are. */
  readonly unknownBecause: 'no-data' | 'gap' | 'suppressed' | null;
  readonly eventsPerSecond: number | null;
  /** redacted / events, in percent; null when nothing arrived in that second. */
  readonly redactionRate: number | null;
  readonly collectors: number | null;
  readonly subjects: number | null;
}

/** Headline figures for `second` (see `SeriesBuffer.latestComplete`). */
export function headlineOf(second: SecondFigures | null): Headline {
  const unknown = { eventsPerSecond: null, redactionRate: null, collectors: null, subjects: null };
  if (second === null) return { tMs: null, unknownBecause: 'no-data', ...unknown };
  if (second.values === null) {
    const unknownBecause = second.kind === SlotKind.gap ? 'gap' : second.kind === SlotKind.suppressed ? 'suppressed' : 'no-data';
    return { tMs: second.tMs, unknownBecause, ...unknown };
  }
  const { events, redacted, collectors, subjects } = second.values;
  return {
    tMs: second.tMs,
    unknownBecause: null,
    eventsPerSecond: events,
    redactionRate: events > 0 ? (100 * redacted) / events : null,
    collectors,
    subjects,
  };
}
