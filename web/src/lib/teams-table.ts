/**
 * The `teams` channel as the Teams table shows it: one row per team of the newest completed
 * minute, with that team's events per minute over the last hour for a sparkline.
 * A suppressed row (manager view, fewer than k people) carries no figure and no trend:
 * nothing about it may be shown, not even its history.
 */
import type { TeamFigures, TeamRow, TeamsData, TeamsMinute } from '../../../shared/teams.js';

/** Minutes in a trend: the last hour, ending with the newest completed minute. */
export const TREND_MINUTES = 60;
const MINUTE_MS = 60_000;

/** One row of the Teams table. */
export type TeamRowView =
  | { readonly kind: 'figures'; readonly team: string; readonly figures: TeamFigures; readonly small: boolean; readonly trend: (number | null)[] }
  | { readonly kind: 'suppressed'; readonly team: string };

/** True for a row sent without figures. */
export function isSuppressed(row: TeamRow): row is Extract<TeamRow, { suppressed: true }> {
  return 'suppressed' in row;
}

/** The newest minute of `data` as a history entry. */
function newestMinute(data: TeamsData): TeamsMinute {
  return { windowStart: data.windowStart, windowMs: data.windowMs, teams: data.teams };
}

/**
 * Every minute `data` knows, oldest first, one per `windowStart` (the newest included,
 * whether or not `history` repeats it).
 */
export function minutesOf(data: TeamsData): TeamsMinute[] {
  const byStart = new Map<number, TeamsMinute>();
  for (const minute of [...data.history, newestMinute(data)]) byStart.set(minute.windowStart, minute);
  return [...byStart.values()].sort((a, b) => a.windowStart - b.windowStart);
}

/**
 * An update on top of what is held: the newer minute becomes the table, and the history
 * keeps every minute of the last hour from both (the update's wins for the same minute),
 * so an update that carries only its own minute still extends the sparklines.
 */
export function mergeTeams(current: TeamsData | null, update: TeamsData): TeamsData {
  if (current === null) return update;
  const newest = update.windowStart >= current.windowStart ? update : current;
  const byStart = new Map<number, TeamsMinute>();
  for (const minute of [...minutesOf(current), ...minutesOf(update)]) byStart.set(minute.windowStart, minute);
  const oldestKept = newest.windowStart - (TREND_MINUTES - 1) * MINUTE_MS;
  const history = [...byStart.values()]
    .filter((minute) => minute.windowStart >= oldestKept && minute.windowStart < newest.windowStart)
    .sort((a, b) => a.windowStart - b.windowStart);
  return { windowStart: newest.windowStart, windowMs: newest.windowMs, teams: newest.teams, history };
}

/**
 * A team's events per minute over the {@link TREND_MINUTES} minutes ending at `endStart`,
 * oldest first: `null` for a minute not received, without any row at all (the wire cannot
 * tell "nothing arrived" from "not read", e.g. before the server started, and a run of
 * false zeros would dwarf the real figures) or in which the team was suppressed; 0 for a
 * minute in which other teams sent something and this one nothing.
 */
export function trendOf(team: string, minutes: readonly TeamsMinute[], endStart: number): (number | null)[] {
  const byStart = new Map(minutes.map((minute) => [minute.windowStart, minute]));
  const trend: (number | null)[] = [];
  for (let i = TREND_MINUTES - 1; i >= 0; i--) {
    const minute = byStart.get(endStart - i * MINUTE_MS);
    if (minute === undefined || minute.teams.length === 0) {
      trend.push(null);
      continue;
    }
    const row = minute.teams.find((candidate) => candidate.team === team);
    trend.push(row === undefined ? 0 : isSuppressed(row) ? null : row.events);
  }
  return trend;
}

/** The table's rows, by team name. */
export function teamRows(data: TeamsData): TeamRowView[] {
  const minutes = minutesOf(data);
  return [...data.teams]
    .sort((a, b) => a.team.localeCompare(b.team))
    .map((row): TeamRowView => isSuppressed(row)
      ? { kind: 'suppressed', team: row.team }
      : { kind: 'figures', team: row.team, figures: row, small: row.small === true, trend: trendOf(row.team, minutes, data.windowStart) });
}
