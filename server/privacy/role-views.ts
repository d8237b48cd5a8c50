/**
 * What each role receives of the `overview` and `teams` channels (interfaces.md, "Roles
 * and channels"): managers the k-anonymised view, every other role all figures with
 * small teams marked `small: true`. The decision itself is in k-anonymity.ts; this module
 * only applies it to wire rows, and fails closed: a row the decision does not know is
 * suppressed.
 */
import type { Role } from '../../shared/channels.js';
import type { OverviewPoint } from '../../shared/overview.js';
import { isFullPoint } from '../../shared/points.js';
import {
  decideMinute, isSecondShown, type MinuteDecision, type SecondSubjects, type TeamSubjects,
} from './k-anonymity.js';

/** A second hidden from a manager, as on the wire. */
export interface SuppressedSecond {
  t: number;
  suppressed: true;
}

/** A team hidden from a manager, as on the wire. */
export interface SuppressedTeam {
  team: string;
  suppressed: true;
}

/** A team row as other roles see it. */
export type StaffTeam<Row> = Row & { small?: true };

/** Which view of `overview` and `teams` a role gets. */
export type ChannelView = 'k-anonymised' | 'full';

/** Managers get the k-anonymised view; every other role the full one. */
export function channelViewFor(role: Role): ChannelView {
  return role === 'manager' ? 'k-anonymised' : 'full';
}

/**
 * A live overview point as a manager may see it: a second with fewer than k distinct
 * subjects becomes `{t, suppressed: true}`; gaps pass unchanged. The same rule as the
 * minute decision's, so it can be applied before the minute completes.
 */
export function managerOverviewPoint(k: number, point: OverviewPoint): OverviewPoint {
  if (!isFullPoint(point) || isSecondShown(k, point.subjects)) return point;
  return { t: point.t, suppressed: true };
}

/** Seconds as a manager may see them under a minute decision. */
export function managerSeconds<Point extends { t: number }>(
  decision: MinuteDecision, points: readonly Point[],
): (Point | SuppressedSecond)[] {
  return points.map((point) => (decision.shownSeconds.has(point.t) ? point : { t: point.t, suppressed: true }));
}

/** Team rows as a manager may see them under a minute decision. */
export function managerTeams<Row extends { team: string }>(
  decision: MinuteDecision, rows: readonly Row[],
): (Row | SuppressedTeam)[] {
  return rows.map((row) => (decision.shownTeams.has(row.team) ? row : { team: row.team, suppressed: true }));
}

/** Team rows as other roles see them: every figure, teams below k marked `small: true`. */
export function staffTeams<Row extends { team: string }>(
  decision: MinuteDecision, rows: readonly Row[],
): StaffTeam<Row>[] {
  return rows.map((row) => (decision.suppressedTeams.get(row.team) === 'small' ? { ...row, small: true as const } : row));
}

/** One minute's input with the rows to be shown: a second's point, a team's row. */
export interface MinuteRows<Point extends { t: number }, Row extends { team: string }> {
  readonly k: number;
  readonly seconds: readonly (SecondSubjects & { readonly point: Point })[];
  readonly teams: readonly (TeamSubjects & { readonly row: Row })[];
}

/** Both views of one minute. */
export interface MinuteViews<Point extends { t: number }, Row extends { team: string }> {
  decision: MinuteDecision;
  manager: { seconds: (Point | SuppressedSecond)[]; teams: (Row | SuppressedTeam)[] };
  staff: { seconds: Point[]; teams: StaffTeam<Row>[] };
}

/** Decides a minute and builds the manager's and the other roles' views of it. */
export function anonymiseMinute<Point extends { t: number }, Row extends { team: string }>(
  minute: MinuteRows<Point, Row>,
): MinuteViews<Point, Row> {
  for (const team of minute.teams) {
    if (team.row.team !== team.team) throw new RangeError(`k-anonymity: row of team "${team.row.team}" given for "${team.team}"`);
  }
  for (const second of minute.seconds) {
    if (second.point.t !== second.t) throw new RangeError(`k-anonymity: point of second ${second.point.t} given for ${second.t}`);
  }
  const decision = decideMinute(minute);
  const points = minute.seconds.map((second) => second.point);
  const rows = minute.teams.map((team) => team.row);
  return {
    decision,
    manager: { seconds: managerSeconds(decision, points), teams: managerTeams(decision, rows) },
    staff: { seconds: points, teams: staffTeams(decision, rows) },
  };
}
