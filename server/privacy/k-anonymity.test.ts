import { describe, expect, it } from 'vitest';
import { decideMinute, type MinuteSubjects } from './k-anonymity.js';
import { MinuteActivity } from './minute-activity.js';
import { anonymiseMinute, channelViewFor, managerOverviewPoint } from './role-views.js';
import { emptyPoint } from '../../shared/points.js';

const MINUTE_START = 1_700_000_040_000;
const at = (second: number) => MINUTE_START + second * 1000;

/**
 * A minute where each team's members are all active in each of the given seconds:
 * `teams` maps a team to its members and, optionally, the seconds it works (default 0–9).
 */
function minute(k: number, teams: Record<string, { members: string[]; seconds?: number[] }>): MinuteSubjects {
  const activity = new MinuteActivity();
  for (const [team, { members, seconds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }] of Object.entries(teams)) {
    for (const second of seconds) for (const member of members) activity.add(at(second), team, member);
  }
  return activity.subjects(k);
}

const people = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const suppressed = (input: MinuteSubjects) => Object.fromEntries(decideMinute(input).suppressedTeams);

describe('decideMinute', () => {
  it('shows a minute in full when every team and every second has k subjects', () => {
    const decision = decideMinute(minute(5, { a: { members: people('a', 6) }, b: { members: people('b', 5) } }));
    expect(decision.suppressedTeams.size).toBe(0);
    expect(decision.suppressedSeconds.size).toBe(0);
    expect([...decision.shownTeams]).toEqual(['a', 'b']);
  });

  it('hides one small team together with the next smallest, so that their sum holds k subjects', () => {
    const input = minute(5, {
      big: { members: people('g', 9) }, mid: { members: people('m', 6) }, tiny: { members: people('t', 2) },
    });
    expect(suppressed(input)).toEqual({ tiny: 'small', mid: 'cover-teams' });
  });

  it('needs no cover when two small teams hold k distinct subjects together', () => {
    const input = minute(5, { a: { members: people('a', 3) }, b: { members: people('b', 3) }, c: { members: people('c', 8) } });
    expect(suppressed(input)).toEqual({ a: 'small', b: 'small' });
  });

  it('counts people in two small teams once', () => {
    const input = minute(5, {
      a: { members: ['x1', 'x2', 'x3'] }, b: { members: ['x1', 'x2', 'x4'] }, c: { members: people('c', 8) },
    });
    expect(suppressed(input)).toEqual({ a: 'small', b: 'small', c: 'cover-teams' });
  });

  it('hides every team when all are small, shows the seconds that still hold k subjects', () => {
    const decision = decideMinute(minute(5, { a: { members: people('a', 2) }, b: { members: people('b', 2) }, c: { members: people('c', 2) } }));
    expect([...decision.suppressedTeams.values()]).toEqual(['small', 'small', 'small']);
    expect(decision.shownSeconds.size).toBe(10);
  });

  it('hides the whole minute when it has fewer than k subjects in all', () => {
    const decision = decideMinute(minute(5, { a: { members: people('a', 2) }, b: { members: people('b', 2) } }));
    expect(decision.shownTeams.size).toBe(0);
    expect(decision.shownSeconds.size).toBe(0);
  });

  it('shows a team and a second with exactly k subjects', () => {
    const decision = decideMinute(minute(4, { a: { members: people('a', 4) } }));
    expect(decision.shownTeams).toEqual(new Set(['a']));
    expect(decision.shownSeconds.size).toBe(10);
  });

  it('with k = 1 shows every team and every second with anyone in it', () => {
    const input = minute(1, { a: { members: ['x'], seconds: [0] }, b: { members: ['y'], seconds: [1] } });
    const empty = { t: at(2), subjects: new Set<string>() };
    const decision = decideMinute({ ...input, seconds: [...input.seconds, empty] });
    expect(decision.suppressedTeams.size).toBe(0);
    expect([...decision.shownSeconds]).toEqual([at(0), at(1)]);
    expect([...decision.suppressedSeconds]).toEqual([at(2)]);
  });

  it('hides a team when all teams are shown and the hidden seconds hold fewer than k subjects', () => {
    // Second 10 has two people only: the sum of the teams minus the shown seconds would give it.
    const activity = new MinuteActivity();
    for (let second = 0; second < 10; second++) {
      for (const member of people('a', 6)) activity.add(at(second), 'a', member);
      for (const member of people('b', 7)) activity.add(at(second), 'b', member);
    }
    activity.add(at(10), 'a', 'a0');
    activity.add(at(10), 'b', 'b0');
    const decision = decideMinute(activity.subjects(5));
    expect([...decision.suppressedSeconds]).toEqual([at(10)]);
    expect(Object.fromEntries(decision.suppressedTeams)).toEqual({ a: 'cover-seconds' });
  });

  it('needs no team hidden when the hidden seconds hold k subjects together', () => {
    const activity = new MinuteActivity();
    for (let second = 0; second < 10; second++) {
      for (const member of people('a', 6)) activity.add(at(second), 'a', member);
      for (const member of people('b', 7)) activity.add(at(second), 'b', member);
    }
    for (const member of ['a0', 'a1', 'a2']) activity.add(at(20), 'a', member);
    for (const member of ['b0', 'b1']) activity.add(at(21), 'b', member);
    const decision = decideMinute(activity.subjects(5));
    expect(decision.suppressedTeams.size).toBe(0);
    expect([...decision.suppressedSeconds]).toEqual([at(20), at(21)]);
  });

  it('hides a group of teams below k entirely, and no unrelated team for it', () => {
    // `late` works second 10 alone: its team and its second are both hidden, and nothing
    // that is shown includes any of its cells, so hiding `a` or `b` would protect nothing.
    const input = minute(5, {
      a: { members: people('a', 6) }, b: { members: people('b', 7) }, late: { members: ['l0', 'l1'], seconds: [10] },
    });
    const decision = decideMinute(input);
    expect(Object.fromEntries(decision.suppressedTeams)).toEqual({ late: 'small' });
    expect([...decision.suppressedSeconds]).toEqual([at(10)]);
  });

  it('covers a small team within the group of teams it shares seconds with', () => {
    // `small` and `day` work seconds 0–9, `night` works 20–29 only: hiding `night` (the smaller
    // of the others) would let "seconds 0–9 minus day" give `small` to anyone who knows the shifts.
    const input = minute(5, {
      small: { members: ['s0'] }, day: { members: people('d', 9) }, night: { members: people('n', 6), seconds: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29] },
    });
    expect(suppressed(input)).toEqual({ small: 'small', day: 'cover-teams' });
  });

  it('breaks ties by team name and does not depend on the order of its input', () => {
    const input = minute(5, { zed: { members: people('z', 6) }, amy: { members: people('y', 6) }, tiny: { members: ['t'] } });
    expect(suppressed(input)).toEqual({ tiny: 'small', amy: 'cover-teams' });
    const reversed = { ...input, teams: [...input.teams].reverse(), seconds: [...input.seconds].reverse() };
    expect(suppressed(reversed)).toEqual(suppressed(input));
  });

  it('refuses input the guarantee does not hold for', () => {
    const input = minute(5, { a: { members: people('a', 6) } });
    expect(() => decideMinute({ ...input, k: 0 })).toThrow(/k must be an integer/);
    expect(() => decideMinute({ ...input, teams: [...input.teams, ...input.teams] })).toThrow(/listed twice/);
    expect(() => decideMinute({ ...input, seconds: input.seconds.slice(1) })).toThrow(/not listed/);
    expect(() => decideMinute({ ...input, teams: [] })).toThrow(/no active team/);
  });
});

describe('role views', () => {
  it('gives managers suppressed markers without figures, and other roles every figure with small teams marked', () => {
    const input = minute(5, { a: { members: people('a', 6) }, b: { members: people('b', 7) }, c: { members: ['c0'] } });
    const rows = { a: { team: 'a', keys: 10 }, b: { team: 'b', keys: 20 }, c: { team: 'c', keys: 1 } } as const;
    const views = anonymiseMinute({
      k: input.k,
      seconds: input.seconds.map((second) => ({ ...second, point: { t: second.t, keys: 3 } })),
      teams: input.teams.map((team) => ({ ...team, row: rows[team.team as keyof typeof rows] })),
    });
    expect(views.manager.teams).toEqual([{ team: 'a', suppressed: true }, { team: 'b', keys: 20 }, { team: 'c', suppressed: true }]);
    expect(views.staff.teams).toEqual([{ team: 'a', keys: 10 }, { team: 'b', keys: 20 }, { team: 'c', keys: 1, small: true }]);
    expect(views.manager.seconds.every((point) => 'keys' in point)).toBe(true);
  });

  it('suppresses live overview points below k for managers and passes gaps', () => {
    const point = { ...emptyPoint(at(0)), events: 7, subjects: 4 };
    expect(managerOverviewPoint(5, point)).toEqual({ t: at(0), suppressed: true });
    expect(managerOverviewPoint(4, point)).toBe(point);
    expect(managerOverviewPoint(5, { t: at(1), gap: true })).toEqual({ t: at(1), gap: true });
    expect(channelViewFor('manager')).toBe('k-anonymised');
    expect(channelViewFor('oncall')).toBe('full');
  });
});
