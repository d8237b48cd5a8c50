/**
 * The simulated organisation: teams with their app mix and input habits, and collectors
 * (one device each) with the pseudonymous subjects who use them. Drawn once from a seed.
 */
import { createSchedule, elapsedInSchedule, type ShiftKind, type WorkSchedule } from './day-rhythm.js';
import type { Random } from './random.js';

/** Application categories the collectors report. */
export const APPS = ['ide', 'browser', 'terminal', 'chat', 'email', 'office', 'other'] as const;
export type App = (typeof APPS)[number];

/** Mean input events per second while someone is actively using an app. */
export interface InputRates {
  readonly keys: number;
  readonly clicks: number;
  readonly moves: number;
  readonly scrolls: number;
}

/** Typical input per active second by app: typing 3–8 keys/s, mouse moves far more. */
export const APP_INPUT_RATES: Readonly<Record<App, InputRates>> = {
  ide: { keys: 6.5, clicks: 0.4, moves: 25, scrolls: 1.5 },
  terminal: { keys: 5.5, clicks: 0.2, moves: 8, scrolls: 0.8 },
  browser: { keys: 1.8, clicks: 1.1, moves: 110, scrolls: 5 },
  chat: { keys: 4.5, clicks: 0.5, moves: 30, scrolls: 1.2 },
  email: { keys: 3.5, clicks: 0.8, moves: 60, scrolls: 2.2 },
  office: { keys: 4, clicks: 0.9, moves: 75, scrolls: 2.5 },
  other: { keys: 1.2, clicks: 1, moves: 90, scrolls: 2 },
};

/** A team: an id-like name, its share of the collectors, app mix and input habits. */
export interface Team {
  readonly id: string;
  readonly share: number;
  readonly apps: Readonly<Record<App, number>>;
  readonly keyFactor: number;
  readonly mouseFactor: number;
  readonly shift: ShiftKind;
  /** Share of the team on the night shift. */
  readonly nightShare: number;
}

const TEAMS: readonly Team[] = [
  {
    id: 'eng-platform', share: 0.2, keyFactor: 1.1, mouseFactor: 0.7, shift: 'office', nightShare: 0,
    apps: { ide: 38, terminal: 25, browser: 20, chat: 10, email: 3, office: 2, other: 2 },
  },
  {
    id: 'eng-mobile', share: 0.12, keyFactor: 1, mouseFactor: 0.9, shift: 'office', nightShare: 0,
    apps: { ide: 40, terminal: 12, browser: 22, chat: 12, email: 4, office: 4, other: 6 },
  },
  {
    id: 'ops-sre', share: 0.1, keyFactor: 1.05, mouseFactor: 0.8, shift: 'office', nightShare: 0.2,
    apps: { ide: 10, terminal: 38, browser: 25, chat: 17, email: 5, office: 2, other: 3 },
  },
  {
    id: 'support-emea', share: 0.16, keyFactor: 1, mouseFactor: 1, shift: 'office', nightShare: 0,
    apps: { ide: 1, terminal: 1, browser: 30, chat: 32, email: 25, office: 6, other: 5 },
  },
  {
    id: 'support-apac', share: 0.08, keyFactor: 1, mouseFactor: 1, shift: 'early', nightShare: 0,
    apps: { ide: 1, terminal: 1, browser: 30, chat: 32, email: 25, office: 6, other: 5 },
  },
  {
    id: 'sales-dach', share: 0.12, keyFactor: 0.85, mouseFactor: 1.1, shift: 'office', nightShare: 0,
    apps: { ide: 0, terminal: 0, browser: 30, chat: 12, email: 30, office: 20, other: 8 },
  },
  {
    id: 'finance-ops', share: 0.1, keyFactor: 0.9, mouseFactor: 1, shift: 'office', nightShare: 0,
    apps: { ide: 0, terminal: 0, browser: 20, chat: 5, email: 20, office: 50, other: 5 },
  },
  {
    id: 'design-product', share: 0.12, keyFactor: 0.5, mouseFactor: 1.8, shift: 'office', nightShare: 0,
    apps: { ide: 5, terminal: 0, browser: 25, chat: 12, email: 5, office: 8, other: 45 },
  },
];

/** One collector: a device, the subject(s) using it, and its working day and habits. */
export interface Collector {
  readonly id: string;
  readonly team: Team;
  /** Usually one subject; a shared desk has a second one who takes over after the break. */
  readonly subjects: readonly [string] | readonly [string, string];
  readonly schedule: WorkSchedule;
  /** Share of working time spent actively at the device (before breaks and warm-up). */
  readonly diligence: number;
  /** Share of keys that are corrections (backspace/delete), 5–10%. */
  readonly correctionRate: number;
  /** Small constant clock error of the device, in ms (under 1 s). */
  readonly clockSkewMs: number;
  /** Older agents leave out optional fields that hold their default. */
  readonly legacyAgent: boolean;
  /** Where in its flush interval this collector flushes, in [0, 1). */
  readonly phase: number;
}

/** The organisation a simulator run uses. */
export interface Population {
  readonly teams: readonly Team[];
  readonly collectors: readonly Collector[];
}

/** Splits `count` collectors over the teams by share (largest remainder), every team at least one when possible. */
function teamSizes(count: number): number[] {
  const exact = TEAMS.map((team) => team.share * count);
  const sizes = exact.map(Math.floor);
  let missing = count - sizes.reduce((sum, size) => sum + size, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder);
  for (const { index } of byRemainder) {
    if (missing <= 0) break;
    sizes[index] = (sizes[index] ?? 0) + 1;
    missing--;
  }
  if (count >= TEAMS.length) {
    // Lend one collector to an empty team from the largest.
    for (let index = 0; index < sizes.length; index++) {
      if (sizes[index] !== 0) continue;
      const largest = sizes.indexOf(Math.max(...sizes));
      sizes[largest] = (sizes[largest] ?? 0) - 1;
      sizes[index] = 1;
    }
  }
  return sizes;
}

function uniqueId(prefix: string, digits: number, random: Random, taken: Set<string>): string {
  for (;;) {
    const id = `${prefix}${random.hex(digits)}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

function createCollector(team: Team, random: Random, taken: Set<string>): Collector {
  const id = uniqueId('c-', 6, random, taken);
  const subject = uniqueId('s-', 10, random, taken);
  const sharedDesk = team.shift !== 'night' && random.chance(0.08);
  const shift: ShiftKind = random.chance(team.nightShare) ? 'night' : team.shift;
  const skewed = random.chance(0.12);
  return {
    id,
    team,
    subjects: sharedDesk ? [subject, uniqueId('s-', 10, random, taken)] : [subject],
    schedule: createSchedule(shift, random),
    diligence: random.uniform(0.55, 0.9),
    correctionRate: random.uniform(0.05, 0.1),
    clockSkewMs: skewed ? Math.round(random.uniform(100, 900)) * (random.chance(0.5) ? 1 : -1) : 0,
    legacyAgent: random.chance(0.1),
    phase: random.next(),
  };
}

/** Draws an organisation of `collectorCount` collectors spread over the teams. */
export function createPopulation(collectorCount: number, random: Random): Population {
  const taken = new Set<string>();
  const sizes = teamSizes(collectorCount);
  const collectors: Collector[] = [];
  TEAMS.forEach((team, index) => {
    for (let n = 0; n < (sizes[index] ?? 0); n++) collectors.push(createCollector(team, random, taken));
  });
  return { teams: TEAMS.filter((_, index) => (sizes[index] ?? 0) > 0), collectors };
}

/** The subject using a collector at a simulated time of day (a shared desk changes hands at the break). */
export function subjectAt(collector: Collector, msOfDay: number): string {
  const [first, second] = collector.subjects;
  if (second === undefined) return first;
  const elapsed = elapsedInSchedule(collector.schedule, msOfDay);
  const breakOffset = collector.schedule.breakStartMs - collector.schedule.startMs;
  return elapsed !== undefined && elapsed >= breakOffset ? second : first;
}
