/**
 * The `overview` channel's data: one point per event-time second.
 * Schemas are the single source of truth; the TypeScript types are inferred from them.
 */
import { Type, type Static } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });

/** Redaction reasons, in the order the contract lists them (`red_<reason>` fields). */
export const REDACTION_REASONS = ['password', 'email', 'phone', 'card', 'credential', 'govid', 'other'] as const;
export type RedactionReason = (typeof REDACTION_REASONS)[number];

/** Counters summed over a second (everything in a point except `t` and the distinct counts). */
export const SUMMED_FIELDS = [
  'events', 'keys', 'clicks', 'moves', 'scrolls', 'corrections', 'dropped', 'redacted', 'bytes', 'revoked', 'unencrypted',
] as const;
export type SummedField = (typeof SUMMED_FIELDS)[number];

export const RedactionByReason = Type.Object(
  Object.fromEntries(REDACTION_REASONS.map((reason) => [reason, Count])) as Record<RedactionReason, typeof Count>,
  { additionalProperties: false },
);

/** A second for which figures exist (zeros where the source was read and nothing arrived). */
export const OverviewFullPoint = Type.Object(
  {
    t: Count,
    events: Count,
    keys: Count,
    clicks: Count,
    moves: Count,
    scrolls: Count,
    corrections: Count,
    dropped: Count,
    redacted: Count,
    red: RedactionByReason,
    bytes: Count,
    collectors: Count,
    subjects: Count,
    revoked: Count,
    unencrypted: Count,
  },
  { additionalProperties: false },
);

/** A second during which the source was not being read: unknown, not zero. */
export const OverviewGapPoint = Type.Object({ t: Count, gap: Type.Literal(true) }, { additionalProperties: false });

/** A second with fewer than `KW_K_ANON` distinct subjects, as sent to a manager. */
export const OverviewSuppressedPoint = Type.Object(
  { t: Count, suppressed: Type.Literal(true) },
  { additionalProperties: false },
);

export const OverviewPoint = Type.Union([OverviewFullPoint, OverviewGapPoint, OverviewSuppressedPoint]);

export const Severity = Type.Union([
  Type.Literal('critical'), Type.Literal('high'), Type.Literal('warning'), Type.Literal('info'),
]);

export const OpenAlertCounts = Type.Object(
  { critical: Count, high: Count, warning: Count, info: Count },
  { additionalProperties: false },
);

export const OverviewData = Type.Object(
  {
    resolutionMs: Type.Literal(1000),
    points: Type.Array(OverviewPoint),
    openAlerts: OpenAlertCounts,
  },
  { additionalProperties: false },
);

export type OverviewFullPoint = Static<typeof OverviewFullPoint>;
export type OverviewGapPoint = Static<typeof OverviewGapPoint>;
export type OverviewSuppressedPoint = Static<typeof OverviewSuppressedPoint>;
export type OverviewPoint = Static<typeof OverviewPoint>;
export type OverviewData = Static<typeof OverviewData>;
export type OpenAlertCounts = Static<typeof OpenAlertCounts>;
export type Severity = Static<typeof Severity>;

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
