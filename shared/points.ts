/**
 * Plain values and helpers about overview points, free of TypeBox so that the browser
 * bundle can import them (the schemas are in overview.ts; the web imports their types only).
 */
import type { OverviewFullPoint, OverviewPoint } from './overview.js';

/** Redaction reasons, in the order the contract lists them (`red_<reason>` fields). */
export const REDACTION_REASONS = ['password', 'email', 'phone', 'card', 'credential', 'govid', 'other'] as const;
export type RedactionReason = (typeof REDACTION_REASONS)[number];

/** A point with every figure zero: a second that was read and in which nothing arrived. */
export function emptyPoint(t: number): OverviewFullPoint {
  return {
    t, events: 0, keys: 0, clicks: 0, moves: 0, scrolls: 0, corrections: 0, dropped: 0, redacted: 0,
    red: { password: 0, email: 0, phone: 0, card: 0, credential: 0, govid: 0, other: 0 },
    bytes: 0, collectors: 0, subjects: 0, revoked: 0, unencrypted: 0,
  };
}

/** True when the point carries figures (neither a gap nor suppressed). */
export function isFullPoint(point: OverviewPoint): point is OverviewFullPoint {
  return !('gap' in point) && !('suppressed' in point);
}

/** The event-time second a time belongs to: `floor(ms / 1000) * 1000` (streams.md, "Time"). */
export function secondOf(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
