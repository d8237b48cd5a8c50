/**
 * The `teams` channel: per-team figures for each completed minute, with the last hour
 * as history. Each minute's k-anonymity decision is taken once, when the minute is
 * final, and stored (first instance wins), so every instance and every restart shows a
 * manager the same views.
 */
import type { TeamFigures, TeamRow, TeamsData, TeamsMinute } from '../../shared/teams.js';
import type { ChannelFeed, ViewData } from '../fanout/channel-feed.js';
import type { MinuteStore, StoredMinute } from '../overview/minute-store.js';
import { anonymiseMinute, type ChannelView } from '../privacy/role-views.js';
import { minutesBetween, newestFinalMinute } from './final-minutes.js';

/** Minutes of history the channel carries. */
export const TEAMS_HISTORY_MINUTES = 60;

/** A minute's published rows, per view. */
interface MinuteViews {
  full: TeamRow[];
  manager: TeamRow[];
}

export interface TeamsChannelOptions {
  store: MinuteStore;
  kAnon: number;
  latenessMs: number;
  watermarkMs: () => number | null;
}

export class TeamsChannel implements ChannelFeed {
  readonly #options: TeamsChannelOptions;
  readonly #minutes = new Map<number, MinuteViews>();
  #newest: number | null = null;

  constructor(options: TeamsChannelOptions) {
    this.#options = options;
  }

  async snapshot(view: ChannelView): Promise<TeamsData> {
    return this.#data(view);
  }

  async tick(): Promise<ViewData | null> {
    const newest = newestFinalMinute(this.#options.watermarkMs(), this.#options.latenessMs);
    if (newest === null || (this.#newest !== null && newest <= this.#newest)) return null;
    for (const minute of minutesBetween(this.#newest ?? -Infinity, newest, TEAMS_HISTORY_MINUTES)) {
      this.#minutes.set(minute, await this.#decide(minute));
    }
    this.#newest = newest;
    for (const minute of this.#minutes.keys()) if (minute <= newest - TEAMS_HISTORY_MINUTES * 60_000) this.#minutes.delete(minute);
    return (view) => this.#data(view);
  }

  /** The stored views of a minute, deciding and storing them if no instance has yet. */
  async #decide(minute: number): Promise<MinuteViews> {
    const { store, kAnon } = this.#options;
    const stored = await store.getDecision(minute);
    if (stored !== null) return JSON.parse(stored) as MinuteViews;
    const views = anonymise(await store.readMinute(minute), kAnon);
    return JSON.parse(await store.putDecision(minute, JSON.stringify(views))) as MinuteViews;
  }

  #data(view: ChannelView): TeamsData {
    const history: TeamsMinute[] = [...this.#minutes.entries()]
      .sort(([a], [b]) => a - b)
      .map(([windowStart, views]) => ({ windowStart, windowMs: 60_000, teams: view === 'full' ? views.full : views.manager }));
    const newest = history.at(-1);
    return { windowStart: newest?.windowStart ?? 0, windowMs: 60_000, teams: newest?.teams ?? [], history };
  }
}

/** Both views of one stored minute. */
export function anonymise(minute: StoredMinute, kAnon: number): MinuteViews {
  const views = anonymiseMinute({
    k: kAnon,
    seconds: minute.seconds.map((second) => ({ t: second.t, subjects: second.subjects, point: { t: second.t } })),
    teams: minute.teams.map((team) => ({
      team: team.team,
      subjects: team.subjects,
      activeSeconds: team.activeSeconds,
      row: {
        team: team.team, ...team.counters, redactionRate: team.counters.events === 0 ? 0 : team.counters.redacted / team.counters.events,
        collectors: team.collectors, subjects: team.subjects.size,
      } satisfies TeamFigures,
    })),
  });
  const byName = (a: TeamRow, b: TeamRow): number => a.team.localeCompare(b.team);
  return { full: [...views.staff.teams].sort(byName), manager: [...views.manager.teams].sort(byName) };
}
