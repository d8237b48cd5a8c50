/**
 * The `overview` channel's data: one point per event-time second.
 * Schemas are the single source of truth; the TypeScript types are inferred from them.
 */
import { Type, type Static } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });

import { REDACTION_REASONS, type RedactionReason } from './points.js';

export { REDACTION_REASONS, type RedactionReason, emptyPoint, isFullPoint, secondOf } from './points.js';

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
