/**
 * `off_hours_collection` (condition, per team): at least `minEntries` accepted batches of
 * one team within one event-time minute outside its working hours (`KW_WORKING_HOURS`,
 * or the team's own line in `KW_WORKING_HOURS_TEAMS`, in `KW_TZ`). Clears once the team
 * has sent nothing off hours for `conditionQuietMs`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { clear, raise, type AlertSignal } from '../signal.js';
import type { WorkingCalendar } from '../working-hours.js';
import { seconds, type RuleFamily } from './rule-family.js';

const Team = Type.Object(
  {
    minute: Type.Integer({ minimum: 0 }),
    entries: Type.Integer({ minimum: 0 }),
    collectors: Type.Array(Type.String()),
    lastAt: Type.Integer({ minimum: 0 }),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);
const OffHoursState = Type.Object({ teams: Type.Record(Type.String(), Team) }, { additionalProperties: false });
type OffHoursState = Static<typeof OffHoursState>;
/** A team's minute as kept in memory: the collectors as a set, so that each batch costs one lookup however big the team. */
type TeamState = Omit<Static<typeof Team>, 'collectors'> & { collectors: Set<string> };

/** `off_hours_collection`. */
export class OffHoursRule implements RuleFamily<OffHoursState> {
  readonly stateSchema = OffHoursState;
  readonly #settings: RuleSettings['offHours'];
  readonly #quietMs: number;
  readonly #calendar: WorkingCalendar;
  #teams = new Map<string, TeamState>();
  /** Event-time second of each team's last raise: one raise per team per second is enough (a raise per batch only costs). */
  readonly #raisedAt = new Map<string, number>();

  constructor(settings: Pick<RuleSettings, 'offHours' | 'conditionQuietMs'>, calendar: WorkingCalendar) {
    this.#settings = settings.offHours;
    this.#quietMs = settings.conditionQuietMs;
    this.#calendar = calendar;
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    if (input.type === 'collect') {
      const { entry, second } = input;
      const hours = this.#settings.teamHours[entry.team] ?? this.#settings.workingHours;
      if (this.#calendar.isWithin(hours, second)) return;
      const minute = Math.floor(second / 60_000) * 60_000;
      let team = this.#teams.get(entry.team);
      if (!team) this.#teams.set(entry.team, (team = { minute, entries: 0, collectors: new Set(), lastAt: second, active: false }));
      if (team.minute !== minute) {
        team.minute = minute;
        team.entries = 0;
        team.collectors = new Set();
      }
      team.entries++;
      team.collectors.add(entry.collector);
      team.lastAt = Math.max(team.lastAt, second);
      if (team.entries >= this.#settings.minEntries && this.#raisedAt.get(entry.team) !== second) {
        this.#raisedAt.set(entry.team, second);
        team.active = true;
        out.push(raise('off_hours_collection', { team: entry.team },
          `Team ${entry.team}: ${team.entries} batches from ${team.collectors.size} collectors in one minute outside working hours (${hours.text}, ${this.#calendar.timeZone})`,
          second));
      }
    } else if (input.type === 'tick') {
      for (const [name, team] of this.#teams) {
        if (input.nowMs - team.lastAt < this.#quietMs) continue;
        this.#teams.delete(name);
        this.#raisedAt.delete(name);
        if (team.active) {
          out.push(clear('off_hours_collection', { team: name },
            `Team ${name} has sent nothing outside working hours for ${seconds(this.#quietMs)} s`, input.nowMs));
        }
      }
    }
  }

  snapshot(): OffHoursState {
    return { teams: Object.fromEntries([...this.#teams].map(([key, team]) => [key, { ...team, collectors: [...team.collectors] }])) };
  }

  load(state: OffHoursState): void {
    this.#teams = new Map(Object.entries(state.teams).map(([key, team]) => [key, { ...team, collectors: new Set(team.collectors) }]));
  }
}
