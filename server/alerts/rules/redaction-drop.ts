/**
 * `redaction_rate_drop` (condition, per team and app): the redactor may have broken.
 * Two rates are learned per team and app, each as a ratio of EW means:
 * - the redaction rate of the spec, redacted / events;
 * - the share of busy seconds whose batch had any redaction. Redactions come in clumps
 *   (a typed password is one clump of keys), which makes the first rate too lumpy to
 *   test on a small team; counted per busy second a clump counts once, and the count is
 *   close to Poisson (its remaining over-dispersion is learned as well).
 * Each completed minute, windows of the last 1..`windowMinutes` minutes are tested: both
 * rates must be at most `ratio` of their learned values, at least `minExpected` redacted
 * seconds must have been expected, and so few must be implausible (quasi-Poisson lower
 * tail below `pValue`). Clears once the last two minutes are back above `clearRatio` of
 * the learned seconds rate, or the team leaves the app.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  baselineRate, emptyRateBaseline, isWarm, learnRate, logPoissonLowerTailBound, type LearningOptions, type RateBaseline,
} from '../baseline.js';
import type { MinuteInput, RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { clear, raise, type AlertSignal } from '../signal.js';
import type { RuleFamily } from './rule-family.js';

const MINUTE_MS = 60_000;
const NonNegative = Type.Number({ minimum: 0 });
const Rate = Type.Object(
  {
    samples: Type.Integer({ minimum: 0 }), meanNumerator: NonNegative, meanDenominator: NonNegative,
    dispersion: Type.Number({ minimum: 1 }), dispersionSamples: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
const Key = Type.Object(
  {
    team: Type.String(),
    app: Type.String(),
    /** redacted / events. */
    events: Rate,
    /** redacted busy seconds / busy seconds. */
    seconds: Rate,
    /** [minute, redacted, events, redacted busy seconds, busy seconds] of the last minutes with data, oldest first. */
    recent: Type.Array(Type.Tuple([NonNegative, NonNegative, NonNegative, NonNegative, NonNegative])),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);
const RedactionState = Type.Object({ keys: Type.Record(Type.String(), Key) }, { additionalProperties: false });
type RedactionState = Static<typeof RedactionState>;
type KeyState = Static<typeof Key>;

interface WindowFigures {
  minutes: number;
  redacted: number;
  events: number;
  redactedSeconds: number;
  busySeconds: number;
  /** Redacted busy seconds expected at the learned rate. */
  expected: number;
}

/** `redaction_rate_drop`. */
export class RedactionDropRule implements RuleFamily<RedactionState> {
  readonly stateSchema = RedactionState;
  readonly #settings: RuleSettings['redactionDrop'];
  readonly #learning: LearningOptions;
  readonly #logPValue: number;
  #keys = new Map<string, KeyState>();

  constructor(settings: Pick<RuleSettings, 'redactionDrop'>) {
    this.#settings = settings.redactionDrop;
    this.#learning = { warmupSamples: this.#settings.warmupMinutes, halfLifeSamples: this.#settings.halfLifeMinutes };
    this.#logPValue = Math.log(this.#settings.pValue);
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    if (input.type === 'minute' && !input.gap) this.#minute(input, out);
  }

  /** Whether the team's baseline in the app has finished its warm-up. */
  isWarm(team: string, app: string): boolean {
    const key = this.#keys.get(`${team}\u0000${app}`);
    return key !== undefined && this.#isWarm(key.seconds);
  }

  /** Warm: enough minutes learned, and the dispersion learned from at least half as many. */
  #isWarm(baseline: RateBaseline): boolean {
    return isWarm(baseline, this.#learning) && baseline.dispersionSamples >= this.#learning.warmupSamples / 2;
  }

  #windows(key: KeyState, minute: number, secondsRate: number): WindowFigures[] {
    const windows: WindowFigures[] = [];
    for (let minutes = 1; minutes <= this.#settings.windowMinutes; minutes++) {
      const window = { minutes, redacted: 0, events: 0, redactedSeconds: 0, busySeconds: 0, expected: 0 };
      for (const [at, redacted, events, redactedSeconds, busySeconds] of key.recent) {
        if (at <= minute - minutes * MINUTE_MS) continue;
        window.redacted += redacted;
        window.events += events;
        window.redactedSeconds += redactedSeconds;
        window.busySeconds += busySeconds;
      }
      window.expected = secondsRate * window.busySeconds;
      windows.push(window);
    }
    return windows;
  }

  #minute(input: MinuteInput, out: AlertSignal[]): void {
    const { ratio, clearRatio, minExpected, windowMinutes, minEventsToLearn } = this.#settings;
    const at = input.minute + MINUTE_MS;
    const seen = new Set<string>();
    for (const figures of input.teamApps) {
      if (figures.events === 0) continue;
      const id = `${figures.team}\u0000${figures.app}`;
      seen.add(id);
      let key = this.#keys.get(id);
      if (!key) {
        key = { team: figures.team, app: figures.app, events: emptyRateBaseline(), seconds: emptyRateBaseline(), recent: [], active: false };
        this.#keys.set(id, key);
      }
      key.recent.push([input.minute, figures.redacted, figures.events, figures.redactedBusySeconds, figures.busySeconds]);
      while (key.recent.length > 0 && (key.recent[0]?.[0] ?? 0) <= input.minute - windowMinutes * MINUTE_MS) key.recent.shift();

      const eventsRate = baselineRate(key.events);
      const secondsRate = baselineRate(key.seconds);
      if (eventsRate !== null && secondsRate !== null && eventsRate > 0 && secondsRate > 0 && this.#isWarm(key.seconds)) {
        const dispersion = key.seconds.dispersion;
        const windows = this.#windows(key, input.minute, secondsRate);
        const dropped = windows.find((window) =>
          window.expected >= minExpected
          && window.redactedSeconds <= ratio * window.expected
          && window.redacted <= ratio * eventsRate * window.events
          && logPoissonLowerTailBound(window.redactedSeconds / dispersion, window.expected / dispersion) <= this.#logPValue);
        const labels = { team: key.team, app: key.app };
        if (dropped) {
          key.active = true;
          out.push(raise('redaction_rate_drop', labels, this.#describe(key, dropped, eventsRate, secondsRate), at));
          continue;
        }
        const recent = windows[Math.min(1, windows.length - 1)] as WindowFigures;
        if (key.active && recent.expected >= minExpected && recent.redactedSeconds >= clearRatio * recent.expected) {
          key.active = false;
          out.push(clear('redaction_rate_drop', labels, this.#describe(key, recent, eventsRate, secondsRate), at));
        }
      }
      // Never learn while the rate is down: the baseline would follow it.
      if (!key.active && figures.events >= minEventsToLearn) {
        learnRate(key.events, figures.redacted, figures.events, this.#learning);
        if (figures.busySeconds > 0) learnRate(key.seconds, figures.redactedBusySeconds, figures.busySeconds, this.#learning);
      }
    }
    for (const [id, key] of this.#keys) {
      if (!key.active || seen.has(id)) continue;
      key.active = false;
      out.push(clear('redaction_rate_drop', { team: key.team, app: key.app }, `Team ${key.team} no longer collects in ${key.app}`, at));
    }
  }

  #describe(key: KeyState, window: WindowFigures, eventsRate: number, secondsRate: number): string {
    const percent = (value: number) => `${(100 * value).toFixed(2)} %`;
    const observed = window.events === 0 ? 0 : window.redacted / window.events;
    return `Team ${key.team} in ${key.app}: redaction rate ${percent(observed)} over ${window.minutes} min (learned ${percent(eventsRate)}); `
      + `${Math.round(window.redactedSeconds)} of ${Math.round(window.busySeconds)} busy seconds had a redaction, about ${Math.round(window.expected)} expected (learned ${percent(secondsRate)})`;
  }

  snapshot(): RedactionState {
    return { keys: Object.fromEntries([...this.#keys].map(([key, value]) => [key, structuredClone(value)])) };
  }

  load(state: RedactionState): void {
    this.#keys = new Map(Object.entries(state.keys));
  }
}
