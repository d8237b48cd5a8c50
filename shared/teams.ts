/**
 * The `teams` channel's data: per-team figures for each completed minute, with the last
 * hour as history. For managers, teams with fewer than `KW_K_ANON` subjects (and enough
 * others that their sum cannot be subtracted out) are sent as suppressed rows.
 */
import { Type, type Static } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });

export const TeamFigures = Type.Object(
  {
    team: Type.String(),
    events: Count,
    keys: Count,
    clicks: Count,
    moves: Count,
    scrolls: Count,
    redacted: Count,
    /** redacted / events, 0 when there were no events. */
    redactionRate: Type.Number({ minimum: 0 }),
    collectors: Count,
    subjects: Count,
    /** Set (for roles other than manager) when the team has fewer than `KW_K_ANON` subjects. */
    small: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);

export const SuppressedTeam = Type.Object({ team: Type.String(), suppressed: Type.Literal(true) }, { additionalProperties: false });

export const TeamRow = Type.Union([TeamFigures, SuppressedTeam]);

export const TeamsMinute = Type.Object(
  { windowStart: Count, windowMs: Type.Literal(60_000), teams: Type.Array(TeamRow) },
  { additionalProperties: false },
);

export const TeamsData = Type.Object(
  {
    windowStart: Count,
    windowMs: Type.Literal(60_000),
    teams: Type.Array(TeamRow),
    /** Each completed minute of the last hour, oldest first (the newest is the one above). */
    history: Type.Array(TeamsMinute),
  },
  { additionalProperties: false },
);

export type TeamFigures = Static<typeof TeamFigures>;
export type SuppressedTeam = Static<typeof SuppressedTeam>;
export type TeamRow = Static<typeof TeamRow>;
export type TeamsMinute = Static<typeof TeamsMinute>;
export type TeamsData = Static<typeof TeamsData>;
