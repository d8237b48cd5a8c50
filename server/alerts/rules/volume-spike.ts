/**
 * `volume_spike` (condition, per team and app): the input rate while in use — events per
 * busy second of the team's batches in the app, one figure per completed minute —
 * against a learned log-scale baseline (winsorised EWMA, warm-up). Per busy second, so
 * that people arriving, leaving or pausing do not move it; only input far above what
 * the team's people produce in that app does. Raises at `ratio`× the baseline and a z-score
 * of `zScore`, clears below `clearRatio`× (hysteresis) or when the team leaves the app.
 */
import { Type, type Static } from '@sinclair/typebox';
import { emptyLogBaseline, isWarm, learnLog, logSigma, type LearningOptions } from '../baseline.js';
import type { MinuteInput, RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { clear, raise, type AlertSignal } from '../signal.js';
import type { RuleFamily } from './rule-family.js';

// Input rates vary by at least this much (σ of the log) between sessions of one person.
const LOG_SIGMA_FLOOR = 0.1;

const Key = Type.Object(
  {
    team: Type.String(),
    app: Type.String(),
    baseline: Type.Object({
      samples: Type.Integer({ minimum: 0 }), mean: Type.Number(), deviation: Type.Number({ minimum: 0 }), warmup: Type.Array(Type.Number()),
    }),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);
const VolumeState = Type.Object({ keys: Type.Record(Type.String(), Key) }, { additionalProperties: false });
type VolumeState = Static<typeof VolumeState>;
type KeyState = Static<typeof Key>;

/** `volume_spike`. */
export class VolumeSpikeRule implements RuleFamily<VolumeState> {
  readonly stateSchema = VolumeState;
  readonly #settings: RuleSettings['volumeSpike'];
  readonly #learning: LearningOptions;
  #keys = new Map<string, KeyState>();

  constructor(settings: Pick<RuleSettings, 'volumeSpike'>) {
    this.#settings = settings.volumeSpike;
    this.#learning = { warmupSamples: this.#settings.warmupMinutes, halfLifeSamples: this.#settings.halfLifeMinutes };
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    if (input.type === 'minute' && !input.gap) this.#minute(input, out);
  }

  /** Whether the team's baseline in the app has finished its warm-up. */
  isWarm(team: string, app: string): boolean {
    const key = this.#keys.get(`${team}\u0000${app}`);
    return key !== undefined && isWarm(key.baseline, this.#learning);
  }

  #minute(input: MinuteInput, out: AlertSignal[]): void {
    const { ratio: raiseRatio, zScore, clearRatio, minBusySeconds } = this.#settings;
    const at = input.minute + 60_000;
    const judged = new Set<string>();
    for (const figures of input.teamApps) {
      if (figures.busySeconds < minBusySeconds) continue;
      const id = `${figures.team}\u0000${figures.app}`;
      judged.add(id);
      let key = this.#keys.get(id);
      if (!key) this.#keys.set(id, (key = { team: figures.team, app: figures.app, baseline: emptyLogBaseline(), active: false }));
      const rate = figures.busyEvents / figures.busySeconds;
      const logRate = Math.log(Math.max(rate, 1e-3));
      if (!isWarm(key.baseline, this.#learning)) {
        learnLog(key.baseline, logRate, this.#learning, LOG_SIGMA_FLOOR);
        continue;
      }
      const ratio = Math.exp(logRate - key.baseline.mean);
      const z = (logRate - key.baseline.mean) / logSigma(key.baseline, LOG_SIGMA_FLOOR);
      const labels = { team: key.team, app: key.app };
      const described = `Team ${key.team} in ${key.app}: ${rate.toFixed(1)} events per busy second over ${Math.round(figures.busySeconds)} s, ${ratio.toFixed(1)}× its baseline of ${Math.exp(key.baseline.mean).toFixed(1)}`;
      if (ratio >= raiseRatio && z >= zScore) {
        key.active = true;
        out.push(raise('volume_spike', labels, described, at));
      } else if (key.active && ratio < clearRatio) {
        key.active = false;
        out.push(clear('volume_spike', labels, described, at));
      }
      // Never learn from a spike: the baseline would follow it up.
      if (!key.active) learnLog(key.baseline, logRate, this.#learning, LOG_SIGMA_FLOOR);
    }
    for (const [id, key] of this.#keys) {
      if (!key.active || judged.has(id)) continue;
      key.active = false;
      out.push(clear('volume_spike', { team: key.team, app: key.app }, `Team ${key.team} is no longer busy in ${key.app}`, at));
    }
  }

  snapshot(): VolumeState {
    return { keys: Object.fromEntries([...this.#keys].map(([key, value]) => [key, structuredClone(value)])) };
  }

  load(state: VolumeState): void {
    this.#keys = new Map(Object.entries(state.keys));
  }
}
