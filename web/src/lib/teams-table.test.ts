import { describe, expect, it } from 'vitest';
import type { TeamFigures, TeamsData, TeamsMinute } from '../../../shared/teams.js';
import { mergeTeams, teamRows, trendOf, TREND_MINUTES } from './teams-table.js';

const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
const minute = (n: number) => T0 + n * 60_000;

function figures(team: string, events: number, extra: Partial<TeamFigures> = {}): TeamFigures {
  return { team, events, keys: events, clicks: 0, moves: 0, scrolls: 0, redacted: 0, redactionRate: 0, collectors: 1, subjects: 6, ...extra };
}

function minuteOf(n: number, teams: TeamsMinute['teams']): TeamsMinute {
  return { windowStart: minute(n), windowMs: 60_000, teams };
}

describe('teamRows', () => {
  it('lists teams by name; suppressed ones carry nothing but the name', () => {
    const data: TeamsData = {
      ...minuteOf(2, [figures('sales', 5, { small: true }), { team: 'hr', suppressed: true }, figures('eng', 40)]),
      history: [minuteOf(0, [figures('eng', 10)]), minuteOf(1, [figures('eng', 20), { team: 'sales', suppressed: true }])],
    };
    const rows = teamRows(data);
    expect(rows.map((row) => row.team)).toEqual(['eng', 'hr', 'sales']);
    expect(rows[1]).toEqual({ kind: 'suppressed', team: 'hr' });
    const [eng, , sales] = rows;
    if (eng?.kind !== 'figures' || sales?.kind !== 'figures') throw new Error('expected figures');
    expect(eng.small).toBe(false);
    expect(sales.small).toBe(true);
    expect(eng.trend).toHaveLength(TREND_MINUTES);
    expect(eng.trend.slice(-3)).toEqual([10, 20, 40]);
    // A minute it was suppressed in is unknown; a minute it had no row in is zero.
    expect(sales.trend.slice(-3)).toEqual([0, null, 5]);
  });

  it('takes the newest minute from history or from the top level alike', () => {
    const top = minuteOf(1, [figures('eng', 7)]);
    const withRepeat: TeamsData = { ...top, history: [minuteOf(0, [figures('eng', 3)]), top] };
    const withoutRepeat: TeamsData = { ...top, history: [minuteOf(0, [figures('eng', 3)])] };
    expect(teamRows(withRepeat)).toEqual(teamRows(withoutRepeat));
  });
});

describe('trendOf', () => {
  it('marks minutes never received, or without any row, as unknown', () => {
    const trend = trendOf('eng', [minuteOf(3, []), minuteOf(4, [figures('ops', 2)]), minuteOf(5, [figures('eng', 1)])], minute(5));
    expect(trend.filter((value) => value === null)).toHaveLength(TREND_MINUTES - 2);
    expect(trend.slice(-3)).toEqual([null, 0, 1]);
  });
});

describe('mergeTeams', () => {
  it('moves to the newer minute and keeps an hour of history from both', () => {
    const held: TeamsData = { ...minuteOf(60, [figures('eng', 60)]), history: [minuteOf(0, [figures('eng', 0)]), minuteOf(59, [figures('eng', 59)])] };
    const update: TeamsData = { ...minuteOf(61, [figures('eng', 61)]), history: [] };
    const merged = mergeTeams(held, update);
    expect(merged.windowStart).toBe(minute(61));
    // Minute 0 has fallen out of the hour ending at minute 61.
    expect(merged.history.map((entry) => entry.windowStart)).toEqual([minute(59), minute(60)]);
    const [eng] = teamRows(merged);
    expect(eng?.kind === 'figures' && eng.trend.slice(-3)).toEqual([59, 60, 61]);
  });

  it('lets the update correct a minute it also carries', () => {
    const held: TeamsData = { ...minuteOf(1, [figures('eng', 1)]), history: [] };
    const update: TeamsData = { ...minuteOf(2, [figures('eng', 2)]), history: [minuteOf(1, [figures('eng', 100)])] };
    const [eng] = teamRows(mergeTeams(held, update));
    expect(eng?.kind === 'figures' && eng.trend.slice(-2)).toEqual([100, 2]);
  });
});
