/**
 * The `collectors` channel's data (security, on-call, admin): per-collector figures under
 * their pseudonymous ids for the last completed minute, and the top talkers by events.
 */
import { Type, type Static } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });

export const CollectorFigures = Type.Object(
  {
    collector: Type.String(),
    team: Type.String(),
    events: Count,
    keys: Count,
    redacted: Count,
    redactionRate: Type.Number({ minimum: 0 }),
    dropped: Count,
    /** Newest event time seen from this collector, ms. */
    lastSeen: Count,
  },
  { additionalProperties: false },
);

export const CollectorsData = Type.Object(
  {
    windowStart: Count,
    windowMs: Type.Literal(60_000),
    collectors: Type.Array(CollectorFigures),
    /** The (at most 10) collectors with the most events in the window, most first. */
    topTalkers: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export type CollectorFigures = Static<typeof CollectorFigures>;
export type CollectorsData = Static<typeof CollectorsData>;
