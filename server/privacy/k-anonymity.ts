/**
 * k-anonymity for managers (interfaces.md, "k-anonymity for managers"): which seconds and
 * which teams of one minute a manager may see. Pure and deterministic; decided on exact
 * distinct subject counts and on who was active when, never on figures (so the pattern of
 * suppression says nothing about the figures).
 *
 * The model. A minute's figures are atomic cells, one per team and second the team was
 * active in. A shown second is the sum of its column, a shown team the sum of its row,
 * and a manager may combine everything shown, across both channels, linearly. Cells that
 * are empty are assumed known to the manager (who may know who works when); that is the
 * strongest attacker of this kind, and a decision safe against it is safe against one who
 * knows less. Minutes share no cells (a second belongs to one minute, a team-minute row
 * sums that minute's seconds only), so what is shown of other minutes adds nothing:
 * deciding each minute alone is enough.
 *
 * The policy, in order:
 * 1. A second is shown iff it has at least k distinct subjects. This depends on the second
 *    alone, so live seconds can be sent before their minute's teams are decided, and the
 *    rules below never need to take a shown second back.
 * 2. A team with fewer than k distinct subjects in the minute is suppressed (`small`).
 * 3. In every activity group (activity-groups.ts) that has a suppressed team, more teams
 *    of the group are suppressed, fewest subjects first, ties by name, until the
 *    suppressed teams of the group together hold at least k distinct subjects, or every
 *    team of the group is (`cover-teams`). All other teams have at least k subjects, so
 *    this adds at most one team.
 * 4. In every group with suppressed seconds but no suppressed team, if those seconds
 *    together hold fewer than k distinct subjects, the group's team with the fewest
 *    subjects (ties by name) is suppressed (`cover-seconds`): with every team of a group
 *    shown, the sum of its teams minus its shown seconds is the sum of its suppressed
 *    seconds.
 *
 * What that guarantees (the property test checks it with exact linear algebra): no
 * suppressed team's figure, no suppressed second's figure, and no sum of suppressed
 * teams or of suppressed seconds holding fewer than k distinct subjects is a linear
 * combination of what a manager receives. The only sums of the suppressed that can be
 * had are, per group, all of its suppressed teams (when none of its seconds is
 * suppressed) or all of its suppressed seconds (when none of its teams is), each holding
 * at least k subjects. Rule 3 also pads groups whose seconds are partly suppressed, where
 * exact recovery is already impossible: otherwise "shown seconds minus shown teams" would
 * give a lone small team's figure outside the suppressed seconds minus a few subjects'
 * figures inside them, a close estimate. A group with fewer than k subjects in all
 * (for instance a whole minute below k) is suppressed entirely: every team and, as a
 * consequence, every second of it.
 */
import { activityGroups } from './activity-groups.js';

/** The distinct subjects of one event-time second of the minute, all teams together. */
export interface SecondSubjects {
  /** Start of the second, ms since the epoch. */
  readonly t: number;
  readonly subjects: ReadonlySet<string>;
}

/** The distinct subjects of one team in the minute, and the seconds it had entries in. */
export interface TeamSubjects {
  readonly team: string;
  readonly subjects: ReadonlySet<string>;
  /** `t` of every second of the minute in which the team had at least one entry. */
  readonly activeSeconds: ReadonlySet<number>;
}

/**
 * Everything the decision needs about one minute. `seconds` lists every second that had
 * entries (empty seconds may be listed or left out); every team with entries is listed.
 */
export interface MinuteSubjects {
  readonly k: number;
  readonly seconds: readonly SecondSubjects[];
  readonly teams: readonly TeamSubjects[];
}

/**
 * Why a team is hidden from managers: `small` (fewer than k subjects), `cover-teams`
 * (so that the suppressed teams of its group hold k subjects), `cover-seconds` (so that
 * the group's suppressed seconds cannot be had from the team totals).
 */
export type TeamSuppression = 'small' | 'cover-teams' | 'cover-seconds';

/** What a manager may see of one minute. Anything not listed as shown is suppressed. */
export interface MinuteDecision {
  readonly k: number;
  readonly shownSeconds: ReadonlySet<number>;
  readonly suppressedSeconds: ReadonlySet<number>;
  readonly shownTeams: ReadonlySet<string>;
  readonly suppressedTeams: ReadonlyMap<string, TeamSuppression>;
}

/** True when a second with this many distinct subjects may be shown to a manager. */
export function isSecondShown(k: number, distinctSubjects: number): boolean {
  return distinctSubjects >= k;
}

/** True when a team with this many distinct subjects is small (marked `small` for staff). */
export function isTeamSmall(k: number, distinctSubjects: number): boolean {
  return distinctSubjects < k;
}

/** Decides which seconds and teams of one minute a manager may see (policy above). */
export function decideMinute(minute: MinuteSubjects): MinuteDecision {
  const { k, seconds, teams } = minute;
  const secondIndex = checkMinute(minute);

  const suppressedSeconds = new Set<number>();
  const shownSeconds = new Set<number>();
  for (const second of seconds) {
    (isSecondShown(k, second.subjects.size) ? shownSeconds : suppressedSeconds).add(second.t);
  }

  const suppressedTeams = new Map<string, TeamSuppression>();
  for (const team of teams) if (isTeamSmall(k, team.subjects.size)) suppressedTeams.set(team.team, 'small');

  const links = teams.flatMap((team, teamIndex) =>
    [...team.activeSeconds].map((t) => [teamIndex, secondIndex.get(t)!] as const));
  for (const group of activityGroups(teams.length, seconds.length, links)) {
    // Fewest subjects first, then by name in code-unit order (locale-independent).
    const candidates = group.teams.map((index) => teams[index]!).sort(byFewestSubjects);
    const hidden = candidates.filter((team) => suppressedTeams.has(team.team));
    if (hidden.length > 0) {
      const pooled = union(hidden.map((team) => team.subjects));
      for (const team of candidates) {
        if (pooled.size >= k) break;
        if (suppressedTeams.has(team.team)) continue;
        suppressedTeams.set(team.team, 'cover-teams');
        for (const subject of team.subjects) pooled.add(subject);
      }
      continue;
    }
    const hiddenSeconds = group.seconds.map((index) => seconds[index]!).filter((second) => suppressedSeconds.has(second.t));
    const first = candidates[0];
    if (first && hiddenSeconds.length > 0 && union(hiddenSeconds.map((second) => second.subjects)).size < k) {
      suppressedTeams.set(first.team, 'cover-seconds');
    }
  }

  const shownTeams = new Set(teams.map((team) => team.team).filter((name) => !suppressedTeams.has(name)));
  return { k, shownSeconds, suppressedSeconds, shownTeams, suppressedTeams };
}

/** Rejects input the guarantee does not hold for; returns each second's index by `t`. */
function checkMinute({ k, seconds, teams }: MinuteSubjects): Map<number, number> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k-anonymity: k must be an integer of at least 1, got ${k}`);
  const secondIndex = new Map<number, number>();
  const activeTeams = new Map<number, number>();
  seconds.forEach((second, index) => {
    if (secondIndex.has(second.t)) throw new RangeError(`k-anonymity: second ${second.t} is listed twice`);
    secondIndex.set(second.t, index);
    activeTeams.set(second.t, 0);
  });
  const names = new Set<string>();
  for (const team of teams) {
    if (names.has(team.team)) throw new RangeError(`k-anonymity: team "${team.team}" is listed twice`);
    names.add(team.team);
    if ((team.subjects.size === 0) !== (team.activeSeconds.size === 0)) {
      throw new RangeError(`k-anonymity: team "${team.team}" has subjects but no active second, or the reverse`);
    }
    for (const t of team.activeSeconds) {
      const count = activeTeams.get(t);
      if (count === undefined) throw new RangeError(`k-anonymity: team "${team.team}" was active in second ${t}, which is not listed`);
      activeTeams.set(t, count + 1);
    }
  }
  for (const second of seconds) {
    if ((second.subjects.size === 0) !== (activeTeams.get(second.t) === 0)) {
      throw new RangeError(`k-anonymity: second ${second.t} has subjects but no active team, or the reverse`);
    }
  }
  return secondIndex;
}

function byFewestSubjects(a: TeamSubjects, b: TeamSubjects): number {
  return a.subjects.size - b.subjects.size || (a.team < b.team ? -1 : a.team > b.team ? 1 : 0);
}

/** The distinct members of several sets (subjects may be in more than one team or second). */
function union(sets: readonly ReadonlySet<string>[]): Set<string> {
  const members = new Set<string>();
  for (const set of sets) for (const subject of set) members.add(subject);
  return members;
}
