/**
 * `collector_silent` (condition, per collector): a collector in sustained use that falls
 * silent. Judged on completed minutes: a collector present in each of the last
 * `sustainedMinutes` minutes, busy for at least `busySecondsBeforeStop` within its last
 * two, and absent from the minute that follows, has stopped mid-activity. The end of a
 * working day is not that: people stop typing minutes before the device goes off (so it
 * was not busy just before), and each collector's usual end time is learned (a stop that
 * turned out to start a gap of `endOfDayGapMs` after at least two hours of activity), so a
 * stop from an hour before to three hours after it is not alerted.
 * Raised again each silent minute; clears when the collector sends again, or after
 * `forgetAfterMs` of silence (a device gone for good is then a matter for its owner).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { MinuteInput, RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { clear, raise, type AlertSignal } from '../signal.js';
import type { WorkingCalendar } from '../working-hours.js';
import type { RuleFamily } from './rule-family.js';

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 1440;
// A stop up to this long after the usual end is still an end of day (overtime).
const OVERTIME_MINUTES = 3 * 60;
// Only a stop after this much activity since the last long gap can be the end of a working day.
const MIN_WORKDAY_MINUTES = 120;
// Weight of a new end of day in the learned usual end time.
const END_LEARNING_WEIGHT = 0.3;
// Collectors not seen for this long are forgotten, with what was learned about them.
const FORGET_COLLECTOR_MS = 14 * 24 * 60 * MINUTE_MS;

const Time = Type.Integer({ minimum: 0 });
const Collector = Type.Object(
  {
    team: Type.String(),
    lastMinute: Time,
    /** Consecutive minutes present, ending at `lastMinute`. */
    run: Type.Integer({ minimum: 0 }),
    /** Busy seconds of the minute before `lastMinute` (when present) and of `lastMinute`. */
    busy: Type.Tuple([Type.Number({ minimum: 0 }), Type.Number({ minimum: 0 })]),
    lastSeen: Time,
    /** Minutes present since it came back from its last long gap (a working day so far). */
    dayMinutes: Type.Integer({ minimum: 0 }),
    /** Event time of its last entry before the silence, while alerting. */
    silentSince: Type.Union([Time, Type.Null()]),
    /** Learned usual end of its working day, minutes after local midnight. */
    usualEnd: Type.Union([Type.Number({ minimum: 0, maximum: MINUTES_PER_DAY }), Type.Null()]),
    endSamples: Type.Integer({ minimum: 0 }),
    /** A stop after a working day's activity, not yet known to be its end (its event time). */
    pendingStop: Type.Union([Time, Type.Null()]),
  },
  { additionalProperties: false },
);
const SilentState = Type.Object({ collectors: Type.Record(Type.String(), Collector) }, { additionalProperties: false });
type SilentState = Static<typeof SilentState>;
type CollectorState = Static<typeof Collector>;

/** Signed distance from `usual` to `minute` on the clock face, in (-720, 720]. */
function clockDistance(minute: number, usual: number): number {
  const diff = (((minute - usual) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return diff > MINUTES_PER_DAY / 2 ? diff - MINUTES_PER_DAY : diff;
}

/** `collector_silent`. */
export class CollectorSilentRule implements RuleFamily<SilentState> {
  readonly stateSchema = SilentState;
  readonly #settings: RuleSettings['collectorSilent'];
  readonly #calendar: WorkingCalendar;
  #collectors = new Map<string, CollectorState>();

  constructor(settings: Pick<RuleSettings, 'collectorSilent'>, calendar: WorkingCalendar) {
    this.#settings = settings.collectorSilent;
    this.#calendar = calendar;
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    // A gap minute says nothing: continuity breaks, nobody is judged.
    if (input.type === 'minute' && !input.gap) this.#minute(input, out);
  }

  /** True when a stop at event time `stopMs` is near the collector's usual end of day. */
  #nearUsualEnd(state: CollectorState, stopMs: number): boolean {
    if (state.usualEnd === null) return false;
    const distance = clockDistance(this.#calendar.localTime(stopMs).minuteOfDay, state.usualEnd);
    return distance >= -this.#settings.endOfDayToleranceMs / MINUTE_MS && distance <= OVERTIME_MINUTES;
  }

  #learnEnd(state: CollectorState, stopMs: number): void {
    const minute = this.#calendar.localTime(stopMs).minuteOfDay;
    state.usualEnd = state.usualEnd === null
      ? minute
      : (((state.usualEnd + END_LEARNING_WEIGHT * clockDistance(minute, state.usualEnd)) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    state.endSamples++;
  }

  #minute(input: MinuteInput, out: AlertSignal[]): void {
    const { sustainedMinutes, busySecondsBeforeStop, endOfDayGapMs, forgetAfterMs } = this.#settings;
    const minute = input.minute;
    const at = minute + MINUTE_MS;
    const previous = minute - MINUTE_MS;
    const present = new Set<string>();
    for (const figures of input.collectors) {
      present.add(figures.collector);
      let state = this.#collectors.get(figures.collector);
      if (!state) {
        state = {
          team: figures.team, lastMinute: previous, run: 0, busy: [0, 0], lastSeen: 0, dayMinutes: 0, silentSince: null, usualEnd: null,
          endSamples: 0, pendingStop: null,
        };
        this.#collectors.set(figures.collector, state);
      }
      if (state.silentSince !== null) {
        out.push(clear('collector_silent', { team: state.team, collector: figures.collector },
          `Collector ${figures.collector} (team ${state.team}) sends again after ${Math.round((figures.lastSeen - state.silentSince) / MINUTE_MS)} min`, at));
        state.silentSince = null;
      }
      // Back within the gap: that stop was a pause, not the end of the day.
      if (state.pendingStop !== null && figures.lastSeen - state.pendingStop < endOfDayGapMs) state.pendingStop = null;
      // Back after a long gap: a new working day starts.
      if (figures.lastSeen - state.lastSeen >= endOfDayGapMs) state.dayMinutes = 0;
      state.dayMinutes++;
      const continued = state.lastMinute === previous;
      state.run = continued ? state.run + 1 : 1;
      state.busy = [continued ? state.busy[1] : 0, figures.busySeconds];
      state.lastMinute = minute;
      state.lastSeen = Math.max(state.lastSeen, figures.lastSeen);
      state.team = figures.team;
    }
    for (const [collector, state] of this.#collectors) {
      if (present.has(collector)) continue;
      const labels = { team: state.team, collector };
      if (state.lastMinute === previous) {
        // It stopped during the previous minute.
        if (state.dayMinutes >= MIN_WORKDAY_MINUTES) state.pendingStop = state.lastSeen;
        const wasBusy = Math.max(state.busy[0], state.busy[1]) >= busySecondsBeforeStop;
        if (state.run >= sustainedMinutes && wasBusy && !this.#nearUsualEnd(state, state.lastSeen)) {
          state.silentSince = state.lastSeen;
          out.push(raise('collector_silent', labels,
            `Collector ${collector} (team ${state.team}) stopped sending after ${state.run} min of activity, ${Math.round(Math.max(...state.busy))} s of it busy in its last minutes`,
            at));
        }
      } else if (state.silentSince !== null) {
        if (at - state.silentSince >= forgetAfterMs) {
          out.push(clear('collector_silent', labels, `Collector ${collector} (team ${state.team}) has been silent too long to keep watching`, at));
          state.silentSince = null;
        } else {
          out.push(raise('collector_silent', labels,
            `Collector ${collector} (team ${state.team}) has sent nothing for ${Math.round((at - state.silentSince) / MINUTE_MS)} min after stopping mid-activity`,
            at));
        }
      }
      if (state.pendingStop !== null && at - state.pendingStop >= endOfDayGapMs) {
        this.#learnEnd(state, state.pendingStop);
        state.pendingStop = null;
      }
      if (at - state.lastSeen >= FORGET_COLLECTOR_MS && state.silentSince === null) this.#collectors.delete(collector);
    }
  }

  snapshot(): SilentState {
    return { collectors: Object.fromEntries([...this.#collectors].map(([key, value]) => [key, structuredClone(value)])) };
  }

  load(state: SilentState): void {
    this.#collectors = new Map(Object.entries(state.collectors));
  }
}
