/**
 * Working hours (`KW_WORKING_HOURS`, default `08:00-19:00 Mon-Fri`) in a time zone
 * (`KW_TZ`, default `UTC`): a strict parser with errors that say what to write instead,
 * and a calendar that tells whether an instant falls inside them. The calendar takes a
 * wall-clock function so that the embedded mode can judge by the simulator's clock.
 */

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MINUTES_PER_DAY = 24 * 60;

/** One span of working time per listed day, as plain data (JSON-able). */
export interface WorkingHours {
  /** Minutes after midnight the span starts, 0..1439. */
  readonly startMinute: number;
  /** Minutes after midnight it ends, 1..1440; below `startMinute` for a span that passes midnight. */
  readonly endMinute: number;
  /** Days (0 = Sunday … 6 = Saturday) on which a span starts, ascending. */
  readonly days: readonly number[];
  /** The text it was parsed from, for messages. */
  readonly text: string;
}

/** A working-hours value that does not parse; the message says what is expected. */
export class WorkingHoursError extends Error {
  override readonly name = 'WorkingHoursError';
}

const EXAMPLE = 'e.g. "08:00-19:00 Mon-Fri" or "22:00-06:00 Sun-Thu"';

function parseTime(text: string, whole: string, allow24: boolean): number {
  const match = /^([01][0-9]|2[0-4]):([0-5][0-9])$/.exec(text);
  if (!match) throw new WorkingHoursError(`"${whole}": "${text}" is not a time; write HH:MM with two digits each, ${EXAMPLE}`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > MINUTES_PER_DAY || (minutes === MINUTES_PER_DAY && !allow24)) {
    throw new WorkingHoursError(`"${whole}": "${text}" is past the end of the day; only an end time may be 24:00`);
  }
  return minutes;
}

function parseDay(text: string, whole: string): number {
  const index = DAY_NAMES.findIndex((name) => name.toLowerCase() === text.toLowerCase());
  if (index < 0) throw new WorkingHoursError(`"${whole}": unknown day "${text}"; use ${DAY_NAMES.slice(1).join(', ')}, Sun`);
  return index;
}

/**
 * Parses `HH:MM-HH:MM DAYS`: DAYS is a comma list of days or day ranges (`Mon-Fri`,
 * `Mon,Wed,Fri`, `Mon-Thu,Sat`, `Fri-Mon` wraps); an end before the start passes
 * midnight into the next day; `24:00` ends at midnight. Throws a WorkingHoursError.
 */
export function parseWorkingHours(text: string): WorkingHours {
  const whole = text.trim();
  const match = /^(\S+)-(\S+)\s+(\S+)$/.exec(whole);
  if (!match) throw new WorkingHoursError(`"${text}" is not working hours; write a time range and the days, ${EXAMPLE}`);
  const [, startText = '', endText = '', daysText = ''] = match;
  const startMinute = parseTime(startText, whole, false);
  const endMinute = parseTime(endText, whole, true);
  if (startMinute === endMinute) {
    throw new WorkingHoursError(`"${whole}": start and end are the same; for the whole day write 00:00-24:00`);
  }
  const days = new Set<number>();
  for (const item of daysText.split(',')) {
    if (item === '') throw new WorkingHoursError(`"${whole}": empty day in "${daysText}"; separate days with single commas`);
    const [fromText = '', toText, extra] = item.split('-');
    if (extra !== undefined) throw new WorkingHoursError(`"${whole}": "${item}" is not a day or a day range such as Mon-Fri`);
    const from = parseDay(fromText, whole);
    const to = toText === undefined ? from : parseDay(toText, whole);
    for (let day = from; ; day = (day + 1) % 7) {
      if (days.has(day)) throw new WorkingHoursError(`"${whole}": ${DAY_NAMES[day]} is listed twice`);
      days.add(day);
      if (day === to) break;
    }
  }
  return { startMinute, endMinute, days: [...days].sort((a, b) => a - b), text: whole };
}

/**
 * Parses per-team working hours, `team=HH:MM-HH:MM DAYS; team=…` (teams whose day
 * differs from `KW_WORKING_HOURS`, such as a shift covering another region).
 */
export function parseTeamWorkingHours(text: string): Record<string, WorkingHours> {
  const out: Record<string, WorkingHours> = {};
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    const team = part.slice(0, equals).trim();
    if (equals < 0 || !/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/.test(team)) {
      throw new WorkingHoursError(`"${part.trim()}" is not team=hours; write e.g. "support-apac=01:00-10:00 Mon-Fri"`);
    }
    if (Object.hasOwn(out, team)) throw new WorkingHoursError(`team "${team}" is listed twice`);
    out[team] = parseWorkingHours(part.slice(equals + 1));
  }
  return out;
}

/** Checks an IANA time zone name (`UTC`, `Europe/Berlin`); returns its canonical form or throws a RangeError. */
export function parseTimeZone(name: string): string {
  const trimmed = name.trim();
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`"${name}" is not a time zone; use an IANA name such as UTC or Europe/Berlin`);
  }
}

/** A local weekday (0 = Sunday) and minute of the day. */
export interface LocalTime {
  readonly weekday: number;
  readonly minuteOfDay: number;
}

const CACHE_LIMIT = 4096;

/** Local times in one time zone, with a wall-clock shift for simulated days. */
export class WorkingCalendar {
  readonly timeZone: string;
  readonly #wallClockOf: (ms: number) => number;
  readonly #format: Intl.DateTimeFormat | null;
  // Time zones move in whole minutes, so one lookup serves a whole minute of entries.
  readonly #cache = new Map<number, LocalTime>();

  /**
   * `wallClockOf` maps an event time to the instant whose local time counts (identity by
   * default; the embedded mode adds the simulator's clock offset).
   */
  constructor(timeZone: string, wallClockOf: (ms: number) => number = (ms) => ms) {
    this.timeZone = parseTimeZone(timeZone);
    this.#wallClockOf = wallClockOf;
    this.#format = this.timeZone === 'UTC'
      ? null
      : new Intl.DateTimeFormat('en-US', { timeZone: this.timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  }

  /** The local weekday and minute of the day of event time `ms`. */
  localTime(ms: number): LocalTime {
    const wallMs = this.#wallClockOf(ms);
    const minute = Math.floor(wallMs / 60_000);
    const cached = this.#cache.get(minute);
    if (cached) return cached;
    const local = this.#compute(minute * 60_000);
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(minute, local);
    return local;
  }

  /** True when event time `ms` falls inside `hours`. */
  isWithin(hours: WorkingHours, ms: number): boolean {
    const { weekday, minuteOfDay } = this.localTime(ms);
    if (hours.startMinute < hours.endMinute) {
      return hours.days.includes(weekday) && minuteOfDay >= hours.startMinute && minuteOfDay < hours.endMinute;
    }
    // A span passing midnight: the evening part belongs to its start day, the morning part to the day before.
    if (minuteOfDay >= hours.startMinute) return hours.days.includes(weekday);
    return minuteOfDay < hours.endMinute && hours.days.includes((weekday + 6) % 7);
  }

  #compute(ms: number): LocalTime {
    if (this.#format === null) {
      const date = new Date(ms);
      return { weekday: date.getUTCDay(), minuteOfDay: date.getUTCHours() * 60 + date.getUTCMinutes() };
    }
    let weekday = 0;
    let hour = 0;
    let minute = 0;
    for (const part of this.#format.formatToParts(ms)) {
      if (part.type === 'weekday') weekday = DAY_NAMES.indexOf(part.value as (typeof DAY_NAMES)[number]);
      else if (part.type === 'hour') hour = Number(part.value);
      else if (part.type === 'minute') minute = Number(part.value);
    }
    return { weekday, minuteOfDay: hour * 60 + minute };
  }
}
