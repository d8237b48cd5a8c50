/**
 * The spec's test requirement (interfaces.md, "k-anonymity for managers"): for arbitrary
 * team sizes, figures and minutes, nothing a manager receives yields a suppressed team's
 * figure, or a second (or seconds) with fewer than k subjects, by any sum or difference
 * of what is shown. Proved per generated minute with exact linear algebra over its cells.
 *
 * The cells are the non-empty team × second pairs; empty ones count as known zeros. That
 * attacker knows more than one for whom every team × second pair is an unknown (adding
 * known zeros only widens the span), so passing here implies passing there. Minutes share
 * no cells, so the span of many minutes is the direct sum of theirs: one minute suffices.
 * The figure fields are independent and each shown number is the same cell sum for every
 * field, so one system covers them all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recoverableSelections, type Vector } from './exact-span.js';
import { decideMinute, type MinuteDecision, type MinuteSubjects } from './k-anonymity.js';
import { anonymiseMinute } from './role-views.js';

const MINUTE_START = 1_700_000_040_000;

interface Entry { second: number; team: number; subject: number; keys: number; clicks: number }
interface Generated { k: number; secondCount: number; teamCount: number; entries: Entry[] }

/** Entries drawn at random: sparse minutes, many small teams and seconds, odd overlaps. */
const scatteredMinutes: fc.Arbitrary<Generated> = fc
  .record({
    k: fc.integer({ min: 1, max: 10 }),
    secondCount: fc.integer({ min: 1, max: 60 }),
    teamCount: fc.integer({ min: 1, max: 8 }),
    subjectCount: fc.integer({ min: 1, max: 24 }),
    entryCount: fc.integer({ min: 0, max: 120 }),
  })
  .chain(({ k, secondCount, teamCount, subjectCount, entryCount }) =>
    fc.record({
      k: fc.constant(k),
      secondCount: fc.constant(secondCount),
      teamCount: fc.constant(teamCount),
      entries: fc.array(
        fc.record({
          second: fc.nat(secondCount - 1),
          team: fc.nat(teamCount - 1),
          subject: fc.nat(subjectCount - 1),
          keys: fc.nat(200),
          clicks: fc.nat(20),
        }),
        { maxLength: entryCount },
      ),
    }));

/**
 * Teams as they work: members (who may also be in other teams), a stretch of the minute
 * they are active in, and how busy they are. Gives dense seconds, teams near k, and
 * minutes that fall apart into groups of teams that never share a second.
 */
const shiftMinutes: fc.Arbitrary<Generated> = fc
  .record({
    k: fc.integer({ min: 1, max: 10 }),
    secondCount: fc.integer({ min: 1, max: 60 }),
    subjectCount: fc.integer({ min: 1, max: 20 }),
  })
  .chain(({ k, secondCount, subjectCount }) =>
    fc.record({
      k: fc.constant(k),
      secondCount: fc.constant(secondCount),
      seed: fc.integer(),
      teams: fc.array(
        fc.record({
          members: fc.uniqueArray(fc.nat(subjectCount - 1), { minLength: 1, maxLength: subjectCount }),
          start: fc.nat(secondCount - 1),
          length: fc.integer({ min: 1, max: secondCount }),
          busyPercent: fc.integer({ min: 10, max: 100 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    }))
  .map(({ k, secondCount, seed, teams }) => {
    const random = mulberry32(seed);
    const entries: Entry[] = [];
    teams.forEach((team, teamIndex) => {
      for (let second = team.start; second < Math.min(secondCount, team.start + team.length); second++) {
        for (const subject of team.members) {
          if (random() * 100 < team.busyPercent) {
            entries.push({ second, team: teamIndex, subject, keys: Math.floor(random() * 200), clicks: Math.floor(random() * 20) });
          }
        }
      }
    });
    return { k, secondCount, teamCount: teams.length, entries };
  });

const minutes = fc.oneof(scatteredMinutes, shiftMinutes);

/** A small seeded generator, so that a counterexample replays exactly. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const secondT = (index: number) => MINUTE_START + index * 1000;
const teamName = (index: number) => `team-${index}`;
const subjectName = (index: number) => `subject-${index}`;

/** The decision's input: every second of the minute (empty ones too), every active team. */
function subjectsOf(generated: Generated): MinuteSubjects {
  const seconds = Array.from({ length: generated.secondCount }, (_, index) => ({ t: secondT(index), subjects: new Set<string>() }));
  const teams = new Map<string, { team: string; subjects: Set<string>; activeSeconds: Set<number> }>();
  for (const entry of generated.entries) {
    seconds[entry.second]!.subjects.add(subjectName(entry.subject));
    const name = teamName(entry.team);
    let team = teams.get(name);
    if (!team) teams.set(name, (team = { team: name, subjects: new Set(), activeSeconds: new Set() }));
    team.subjects.add(subjectName(entry.subject));
    team.activeSeconds.add(secondT(entry.second));
  }
  return { k: generated.k, seconds, teams: [...teams.values()] };
}

/** Cells (non-empty team × second pairs) and each team's and second's indicator vector over them. */
function cellModel(minute: MinuteSubjects) {
  const cells = minute.teams.flatMap((team) => [...team.activeSeconds].map((t) => ({ team: team.team, t })));
  const teamVector = (team: string): Vector => cells.map((cell) => (cell.team === team ? 1 : 0));
  const secondVector = (t: number): Vector => cells.map((cell) => (cell.t === t ? 1 : 0));
  return { cells, teamVector, secondVector };
}

/**
 * Everything protected that a manager could compute when exactly these teams and seconds
 * are suppressed: a suppressed team's or second's figure, or a sum of suppressed teams or
 * of suppressed seconds holding fewer than k distinct subjects. Empty means safe.
 */
function leaks(minute: MinuteSubjects, hiddenTeams: ReadonlySet<string>, hiddenSeconds: ReadonlySet<number>): string[] {
  const { teamVector, secondVector } = cellModel(minute);
  const shown = [
    ...minute.teams.filter((team) => !hiddenTeams.has(team.team)).map((team) => teamVector(team.team)),
    ...minute.seconds.filter((second) => !hiddenSeconds.has(second.t)).map((second) => secondVector(second.t)),
  ];
  // Groups without a cell have no figure: nothing to protect.
  const teams = minute.teams.filter((team) => hiddenTeams.has(team.team) && team.activeSeconds.size > 0);
  const seconds = minute.seconds.filter((second) => hiddenSeconds.has(second.t) && second.subjects.size > 0);
  const found: string[] = [];
  const check = (kind: string, groups: readonly { name: string; subjects: ReadonlySet<string>; vector: Vector }[]) => {
    for (const selection of recoverableSelections(shown, groups.map((group) => group.vector))) {
      const chosen = selection.map((index) => groups[index]!);
      const subjects = new Set(chosen.flatMap((group) => [...group.subjects])).size;
      if (chosen.length === 1 || subjects < minute.k) {
        found.push(`${kind} ${chosen.map((group) => group.name).join(' + ')} (${subjects} subjects) can be computed`);
      }
    }
  };
  check('team', teams.map((team) => ({ name: team.team, subjects: team.subjects, vector: teamVector(team.team) })));
  check('second', seconds.map((second) => ({ name: String(second.t), subjects: second.subjects, vector: secondVector(second.t) })));
  return found;
}

/** Activity groups, found independently of the implementation: teams linked by shared seconds. */
function groupsOf(minute: MinuteSubjects): { teams: string[]; seconds: number[] }[] {
  const unvisited = new Set(minute.teams.map((team) => team.team));
  const groups: { teams: string[]; seconds: number[] }[] = [];
  for (const start of minute.teams) {
    if (!unvisited.has(start.team)) continue;
    unvisited.delete(start.team);
    const teams = [start.team];
    const seconds = new Set<number>();
    for (let i = 0; i < teams.length; i++) {
      const team = minute.teams.find((each) => each.team === teams[i])!;
      for (const t of team.activeSeconds) {
        seconds.add(t);
        for (const other of minute.teams) {
          if (unvisited.has(other.team) && other.activeSeconds.has(t)) {
            unvisited.delete(other.team);
            teams.push(other.team);
          }
        }
      }
    }
    groups.push({ teams, seconds: [...seconds] });
  }
  return groups;
}

function hiddenTeamsOf(decision: MinuteDecision): Set<string> {
  return new Set(decision.suppressedTeams.keys());
}

describe('k-anonymity for managers, for arbitrary minutes', () => {
  it('lets no suppressed figure be computed from what a manager receives', () => {
    fc.assert(
      fc.property(minutes, (generated) => {
        const minute = subjectsOf(generated);
        const decision = decideMinute(minute);
        expect(leaks(minute, hiddenTeamsOf(decision), decision.suppressedSeconds)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('hides only what it must', () => {
    fc.assert(
      fc.property(minutes, (generated) => {
        const minute = subjectsOf(generated);
        const { k } = minute;
        const decision = decideMinute(minute);
        const hiddenTeams = hiddenTeamsOf(decision);

        // Seconds: exactly those below k (so live seconds need not wait for their minute).
        for (const second of minute.seconds) {
          expect(decision.shownSeconds.has(second.t)).toBe(second.subjects.size >= k);
        }
        // Teams: every small team, and no other, is suppressed as small.
        for (const team of minute.teams) {
          expect(decision.suppressedTeams.get(team.team) === 'small').toBe(team.subjects.size < k);
        }
        // A minute in which every team and every second with entries has k subjects is shown in full.
        if (minute.teams.every((team) => team.subjects.size >= k)
          && minute.seconds.every((second) => second.subjects.size === 0 || second.subjects.size >= k)) {
          expect(hiddenTeams.size).toBe(0);
        }
        for (const group of groupsOf(minute)) {
          const teams = minute.teams.filter((team) => group.teams.includes(team.team));
          const hidden = teams.filter((team) => hiddenTeams.has(team.team));
          // At most one team of k or more subjects per group is hidden beyond the small ones…
          expect(hidden.filter((team) => team.subjects.size >= k).length).toBeLessThanOrEqual(1);
          // …and the hidden ones of a group hold k subjects together, or the whole group is hidden.
          const pooled = new Set(hidden.flatMap((team) => [...team.subjects])).size;
          if (hidden.length > 0) expect(pooled >= k || hidden.length === teams.length).toBe(true);
          // Extra suppressions that exact recovery needs: without them something leaks.
          const hasHiddenSecond = group.seconds.some((t) => decision.suppressedSeconds.has(t));
          for (const team of hidden) {
            const reason = decision.suppressedTeams.get(team.team);
            if (reason === 'cover-seconds' || (reason === 'cover-teams' && !hasHiddenSecond)) {
              const fewer = new Set(hiddenTeams);
              fewer.delete(team.team);
              expect(leaks(minute, fewer, decision.suppressedSeconds)).not.toEqual([]);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('shows managers the right figures and nothing of the rest; others see all, small teams marked', () => {
    fc.assert(
      fc.property(minutes, (generated) => {
        const minute = subjectsOf(generated);
        const teamIndex = new Map(minute.teams.map((team) => [team.team, Number(team.team.slice(5))]));
        const sum = (pick: (entry: Entry) => boolean) => generated.entries.filter(pick).reduce(
          (total, entry) => ({ keys: total.keys + entry.keys, clicks: total.clicks + entry.clicks }), { keys: 0, clicks: 0 });
        const views = anonymiseMinute({
          k: minute.k,
          seconds: minute.seconds.map((second, index) => ({ ...second, point: { t: second.t, ...sum((entry) => entry.second === index) } })),
          teams: minute.teams.map((team) => ({ ...team, row: { team: team.team, ...sum((entry) => entry.team === teamIndex.get(team.team)) } })),
        });
        const { decision } = views;
        views.manager.teams.forEach((row, index) => {
          const team = minute.teams[index]!;
          if (decision.shownTeams.has(team.team)) expect(row).toEqual(views.staff.teams[index]);
          else expect(row).toEqual({ team: team.team, suppressed: true });
          expect(views.staff.teams[index]).toMatchObject({ team: team.team });
          expect('small' in views.staff.teams[index]!).toBe(team.subjects.size < minute.k);
        });
        views.manager.seconds.forEach((point, index) => {
          const t = minute.seconds[index]!.t;
          expect(point).toEqual(decision.shownSeconds.has(t) ? views.staff.seconds[index] : { t, suppressed: true });
        });
      }),
      { numRuns: 100 },
    );
  });
});
