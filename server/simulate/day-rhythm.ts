/**
 * The working-day rhythm: a simulated time of day that advances in real time, and each
 * collector's own working day (start, lunch, end). Only the rhythm uses the simulated
 * clock; event times written to the streams stay real.
 */
import type { Random } from './random.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Milliseconds in a day. */
export const DAY_MS = 24 * HOUR_MS;

/** Parses `HH:MM` (24-hour) into milliseconds since midnight; throws a RangeError otherwise. */
export function parseClock(text: string): number {
  const match = /^([01]?[0-9]|2[0-3]):([0-5][0-9])$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a time of day; use HH:MM, e.g. 10:30`);
  return Number(match[1]) * HOUR_MS + Number(match[2]) * MINUTE_MS;
}

/** Formats milliseconds since midnight as `HH:MM`. */
export function formatClock(msOfDay: number): string {
  const minutes = Math.floor((((msOfDay % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The simulated time of day: starts at a chosen time and advances with the real clock. */
export class SimulatedClock {
  readonly #startMsOfDay: number;
  readonly #realStartMs: number;

  /** `startMsOfDay` is the simulated time of day at real time `realStartMs`. */
  constructor(startMsOfDay: number, realStartMs: number) {
    this.#startMsOfDay = startMsOfDay;
    this.#realStartMs = realStartMs;
  }

  /** The simulated time of day (ms since midnight) at real time `realMs`. */
  msOfDay(realMs: number): number {
    const value = (this.#startMsOfDay + realMs - this.#realStartMs) % DAY_MS;
    return value < 0 ? value + DAY_MS : value;
  }

  /**
   * How far the simulated clock runs ahead of UTC, in ms (in [0, DAY_MS)). Adding it to a real
   * timestamp gives the simulated wall time, e.g. to judge working hours on the simulated day.
   */
  offsetFromUtcMs(): number {
    return (((this.#startMsOfDay - (this.#realStartMs % DAY_MS)) % DAY_MS) + DAY_MS) % DAY_MS;
  }
}

/** Kinds of working day a team's people keep. */
export type ShiftKind = 'office' | 'early' | 'night';

/** One person's working day, in ms since midnight; `endMs` may pass midnight (up to 2 days). */
export interface WorkSchedule {
  readonly startMs: number;
  readonly endMs: number;
  readonly breakStartMs: number;
  readonly breakEndMs: number;
}

interface ShiftShape {
  startHour: number;
  startSpreadMinutes: number;
  lengthHours: number;
  breakAfterHours: number;
}

const SHIFTS: Record<ShiftKind, ShiftShape> = {
  // Most people: in around 08:45, lunch around 12:15, out around 17:30 with a wide spread.
  office: { startHour: 8.75, startSpreadMinutes: 35, lengthHours: 8.75, breakAfterHours: 3.5 },
  // A team covering another region from here (e.g. APAC support): 01:00 to about 09:30.
  early: { startHour: 1, startSpreadMinutes: 30, lengthHours: 8.5, breakAfterHours: 4 },
  // Night on-call.
  night: { startHour: 22, startSpreadMinutes: 30, lengthHours: 9, breakAfterHours: 4 },
};

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Draws one person's working day for a shift kind. */
export function createSchedule(kind: ShiftKind, random: Random): WorkSchedule {
  const shape = SHIFTS[kind];
  const spread = shape.startSpreadMinutes;
  const startMinutes = clamp(random.normal(shape.startHour * 60, spread), shape.startHour * 60 - 2.5 * spread, shape.startHour * 60 + 2.5 * spread);
  const lengthMinutes = clamp(random.normal(shape.lengthHours * 60, 45), 6 * 60, 10.5 * 60);
  const breakStartMinutes = startMinutes + clamp(random.normal(shape.breakAfterHours * 60, 25), 150, 300);
  const breakMinutes = random.uniform(30, 60);
  const startMs = Math.round(startMinutes * MINUTE_MS);
  return {
    startMs,
    endMs: startMs + Math.round(lengthMinutes * MINUTE_MS),
    breakStartMs: Math.round(breakStartMinutes * MINUTE_MS),
    breakEndMs: Math.round((breakStartMinutes + breakMinutes) * MINUTE_MS),
  };
}

/** Milliseconds since the schedule's start, or undefined when `msOfDay` lies outside it. */
export function elapsedInSchedule(schedule: WorkSchedule, msOfDay: number): number | undefined {
  const elapsed = (((msOfDay - schedule.startMs) % DAY_MS) + DAY_MS) % DAY_MS;
  return elapsed < schedule.endMs - schedule.startMs ? elapsed : undefined;
}

/** Whether the person's device is on (the collector flushes) at this time of day. */
export function isWorking(schedule: WorkSchedule, msOfDay: number): boolean {
  return elapsedInSchedule(schedule, msOfDay) !== undefined;
}

const WARM_UP_MS = 15 * MINUTE_MS;
const WIND_DOWN_MS = 12 * MINUTE_MS;
// The device stays on but idle for the last minutes: people stop typing before they
// shut down, so the end of a day is not a stop "mid-activity".
const IDLE_BEFORE_END_MS = 3 * MINUTE_MS;
const BREAK_ENGAGEMENT = 0.12;

/**
 * The share of time the person is actively using the device at this time of day
 * (0 when off work): ramps up after the start, dips over the lunch break, and winds
 * down to idle before the end of the day. `diligence` is the person's level when at it.
 */
export function engagementTarget(schedule: WorkSchedule, msOfDay: number, diligence: number): number {
  const elapsed = elapsedInSchedule(schedule, msOfDay);
  if (elapsed === undefined) return 0;
  const remaining = schedule.endMs - schedule.startMs - elapsed;
  if (remaining <= IDLE_BEFORE_END_MS) return 0;
  let level = diligence;
  if (elapsed < WARM_UP_MS) level *= 0.3 + (0.7 * elapsed) / WARM_UP_MS;
  if (remaining < WIND_DOWN_MS) level *= (remaining - IDLE_BEFORE_END_MS) / (WIND_DOWN_MS - IDLE_BEFORE_END_MS);
  const sinceStart = schedule.startMs + elapsed;
  if (sinceStart >= schedule.breakStartMs && sinceStart < schedule.breakEndMs) level = Math.min(level, BREAK_ENGAGEMENT);
  return level;
}

/** Whether the person is within their last idle minutes before the device goes off. */
export function isNearEndOfDay(schedule: WorkSchedule, msOfDay: number, withinMs: number): boolean {
  const elapsed = elapsedInSchedule(schedule, msOfDay);
  return elapsed !== undefined && schedule.endMs - schedule.startMs - elapsed <= withinMs;
}
