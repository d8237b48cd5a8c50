/**
 * Collects, entry by entry, what the k-anonymity decision needs about one minute: the
 * distinct subjects of each second and of each team, and the seconds each team was active
 * in. Feed it exactly the entries the minute's figures count (the same acceptance and
 * lateness rules as the overview seconds), or the differences become a channel of their own.
 */
import type { MinuteSubjects, SecondSubjects, TeamSubjects } from './k-anonymity.js';

/** One minute's subject sets, built up from accepted entries. */
export class MinuteActivity {
  private readonly seconds = new Map<number, Set<string>>();
  private readonly teams = new Map<string, { subjects: Set<string>; activeSeconds: Set<number> }>();

  /** Counts one accepted entry: its event-time second's start, its team and its subject. */
  add(secondStartMs: number, team: string, subject: string): void {
    let second = this.seconds.get(secondStartMs);
    if (!second) this.seconds.set(secondStartMs, (second = new Set()));
    second.add(subject);
    let teamActivity = this.teams.get(team);
    if (!teamActivity) this.teams.set(team, (teamActivity = { subjects: new Set(), activeSeconds: new Set() }));
    teamActivity.subjects.add(subject);
    teamActivity.activeSeconds.add(secondStartMs);
  }

  /** The input of `decideMinute` for threshold k, seconds in time order, teams by name. */
  subjects(k: number): MinuteSubjects {
    const seconds: SecondSubjects[] = [...this.seconds]
      .sort(([a], [b]) => a - b)
      .map(([t, subjects]) => ({ t, subjects }));
    const teams: TeamSubjects[] = [...this.teams]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([team, { subjects, activeSeconds }]) => ({ team, subjects, activeSeconds }));
    return { k, seconds, teams };
  }
}
