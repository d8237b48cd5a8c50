/**
 * Builds the `minute` inputs of the baseline rules from accepted, on-time collect entries:
 * per team and app (events, redactions, input while in use) and per collector (presence,
 * use, last seen). Feed it the same entries the minute figures count, then take each
 * minute once it is final (its end plus the allowed lateness has passed).
 */
import type { CollectEntry } from '../../shared/contract/index.js';
import type { CollectorMinute, MinuteInput, TeamAppMinute } from './inputs.js';

/**
 * A batch with at least this many events per second of its interval, and at least
 * `MIN_BUSY_EVENTS`, counts as "in use". Idle devices send a few mouse nudges (well under
 * one per second, so four in one second almost never happen); anyone typing, clicking or
 * scrolling produces several events per second in every app.
 */
export const BUSY_EVENTS_PER_SECOND = 3;
export const MIN_BUSY_EVENTS = 4;

const MINUTE_MS = 60_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface MinuteBuckets {
  teamApps: Map<string, Mutable<TeamAppMinute>>;
  collectors: Map<string, Mutable<CollectorMinute>>;
}

/** The start of the minute a time falls in. */
export function minuteStart(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Accumulates per-minute figures and hands out each completed minute once, in order. */
export class MinuteAggregator {
  readonly #minutes = new Map<number, MinuteBuckets>();
  /** The first minute not yet handed out; null before the first entry. */
  #nextMinute: number | null = null;
  #droppedLate = 0;

  /** Entries that arrived for a minute already handed out (not counted). */
  get droppedLate(): number {
    return this.#droppedLate;
  }

  /** Counts one accepted, on-time entry of event-time second `second`. */
  add(entry: CollectEntry, second: number): void {
    const minute = minuteStart(second);
    if (this.#nextMinute !== null && minute < this.#nextMinute) {
      this.#droppedLate++;
      return;
    }
    this.#nextMinute ??= minute;
    let buckets = this.#minutes.get(minute);
    if (!buckets) this.#minutes.set(minute, (buckets = { teamApps: new Map(), collectors: new Map() }));
    const events = entry.keys + entry.clicks + entry.moves + entry.scrolls;
    const seconds = entry.dur / 1000;
    const busy = events >= Math.max(MIN_BUSY_EVENTS, BUSY_EVENTS_PER_SECOND * seconds);

    const teamAppKey = `${entry.team}\u0000${entry.app}`;
    let teamApp = buckets.teamApps.get(teamAppKey);
    if (!teamApp) {
      teamApp = { team: entry.team, app: entry.app, events: 0, redacted: 0, busyEvents: 0, busySeconds: 0, redactedBusySeconds: 0 };
      buckets.teamApps.set(teamAppKey, teamApp);
    }
    teamApp.events += events;
    teamApp.redacted += entry.redacted;
    if (busy) {
      teamApp.busyEvents += events;
      teamApp.busySeconds += seconds;
      if (entry.redacted > 0) teamApp.redactedBusySeconds += seconds;
    }

    let collector = buckets.collectors.get(entry.collector);
    if (!collector) {
      collector = { collector: entry.collector, team: entry.team, entries: 0, events: 0, busySeconds: 0, lastSeen: 0 };
      buckets.collectors.set(entry.collector, collector);
    }
    collector.entries++;
    collector.events += events;
    if (busy) collector.busySeconds += seconds;
    collector.lastSeen = Math.max(collector.lastSeen, entry.ts);
  }

  /**
   * Every minute that ended at or before `finalBeforeMs` and was not handed out yet, in
   * order, empty minutes included (an empty minute is what makes a collector silent).
   * `gapMinutes`: minutes during which the source was not read (handed out as gaps).
   */
  takeCompleted(finalBeforeMs: number, gapMinutes: ReadonlySet<number> = new Set()): MinuteInput[] {
    const out: MinuteInput[] = [];
    if (this.#nextMinute === null) return out;
    for (let minute = this.#nextMinute; minute + MINUTE_MS <= finalBeforeMs; minute += MINUTE_MS) {
      const buckets = this.#minutes.get(minute);
      this.#minutes.delete(minute);
      out.push({
        type: 'minute',
        minute,
        gap: gapMinutes.has(minute),
        teamApps: buckets ? [...buckets.teamApps.values()] : [],
        collectors: buckets ? [...buckets.collectors.values()] : [],
      });
      this.#nextMinute = minute + MINUTE_MS;
    }
    return out;
  }
}
