/**
 * Burst rules over `kw:security`: many denied raw accesses by one actor
 * (`raw_access_denied_burst`), many failed authentications by one actor or from one
 * source (`auth_failure_burst`, one alert per actor and one per source). Each key keeps
 * the event times of its last window; old keys are forgotten on `tick`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { raise, type AlertSignal } from '../signal.js';
import { seconds, type RuleFamily } from './rule-family.js';

// A burst of thousands says no more than one of this many; it bounds memory per key.
const MAX_TIMES_PER_KEY = 1000;

const Times = Type.Record(Type.String(), Type.Array(Type.Integer({ minimum: 0 })));
const BurstState = Type.Object(
  { deniedByActor: Times, authByActor: Times, authBySource: Times },
  { additionalProperties: false },
);
type BurstState = Static<typeof BurstState>;

type Settings = Pick<RuleSettings, 'rawAccessDeniedBurst' | 'authFailureBurst'>;

/** Adds `at` to the sorted times of a key, drops those outside the window before the newest; returns how many remain. */
function record(times: Map<string, number[]>, key: string, at: number, windowMs: number): number {
  let list = times.get(key);
  if (!list) times.set(key, (list = []));
  let index = list.length;
  while (index > 0 && (list[index - 1] as number) > at) index--;
  list.splice(index, 0, at);
  const newest = list[list.length - 1] as number;
  let drop = 0;
  while (drop < list.length && (list[drop] as number) < newest - windowMs) drop++;
  if (list.length - drop > MAX_TIMES_PER_KEY) drop = list.length - MAX_TIMES_PER_KEY;
  if (drop > 0) list.splice(0, drop);
  return list.length;
}

function forgetBefore(times: Map<string, number[]>, beforeMs: number): void {
  for (const [key, list] of times) if ((list[list.length - 1] ?? 0) < beforeMs) times.delete(key);
}

/** `raw_access_denied_burst` and `auth_failure_burst`. */
export class BurstRules implements RuleFamily<BurstState> {
  readonly stateSchema = BurstState;
  readonly #settings: Settings;
  #deniedByActor = new Map<string, number[]>();
  #authByActor = new Map<string, number[]>();
  #authBySource = new Map<string, number[]>();

  constructor(settings: Settings) {
    this.#settings = settings;
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    if (input.type === 'tick') {
      const longest = Math.max(this.#settings.rawAccessDeniedBurst.windowMs, this.#settings.authFailureBurst.windowMs);
      for (const times of [this.#deniedByActor, this.#authByActor, this.#authBySource]) forgetBefore(times, input.nowMs - longest);
      return;
    }
    if (input.type !== 'security') return;
    const { entry } = input;
    if (entry.kind === 'raw_access' && entry.outcome === 'denied') {
      const { count, windowMs } = this.#settings.rawAccessDeniedBurst;
      const seen = record(this.#deniedByActor, entry.actor, entry.ts, windowMs);
      if (seen >= count) {
        out.push(raise('raw_access_denied_burst', { actor: entry.actor },
          `${seen} denied raw accesses by ${entry.actor} within ${seconds(windowMs)} s (threshold ${count})`, entry.ts));
      }
    } else if (entry.kind === 'auth_failure') {
      const { count, windowMs } = this.#settings.authFailureBurst;
      const byActor = record(this.#authByActor, entry.actor, entry.ts, windowMs);
      if (byActor >= count) {
        out.push(raise('auth_failure_burst', { actor: entry.actor },
          `${byActor} failed authentications by ${entry.actor} within ${seconds(windowMs)} s (threshold ${count})`, entry.ts));
      }
      if (entry.source !== null) {
        const bySource = record(this.#authBySource, entry.source, entry.ts, windowMs);
        if (bySource >= count) {
          out.push(raise('auth_failure_burst', { source: entry.source },
            `${bySource} failed authentications from ${entry.source} within ${seconds(windowMs)} s (threshold ${count})`, entry.ts));
        }
      }
    }
  }

  snapshot(): BurstState {
    const plain = (times: Map<string, number[]>) => Object.fromEntries([...times].map(([key, list]) => [key, [...list]]));
    return { deniedByActor: plain(this.#deniedByActor), authByActor: plain(this.#authByActor), authBySource: plain(this.#authBySource) };
  }

  load(state: BurstState): void {
    this.#deniedByActor = new Map(Object.entries(state.deniedByActor));
    this.#authByActor = new Map(Object.entries(state.authByActor));
    this.#authBySource = new Map(Object.entries(state.authBySource));
  }
}
