/**
 * The rule engine: routes each input to the rule modules and collects the signals they
 * emit, in order. Pure and deterministic: time comes only from the inputs (event times,
 * minute starts, `tick.nowMs`). What the rules have learned (burst windows, baselines,
 * usual end times) is one JSON-able snapshot, so a restart need not learn it again.
 */
import type { RuleInput } from './inputs.js';
import { BurstRules } from './rules/bursts.js';
import { CollectionRules } from './rules/collection.js';
import { CollectorSilentRule } from './rules/collector-silent.js';
import { DroppedEventsRule } from './rules/dropped-events.js';
import { OffHoursRule } from './rules/off-hours.js';
import { RedactionDropRule } from './rules/redaction-drop.js';
import { checkState, type RuleFamily } from './rules/rule-family.js';
import { SecurityEventRules } from './rules/security-events.js';
import { VolumeSpikeRule } from './rules/volume-spike.js';
import type { RuleSettings } from './settings.js';
import type { AlertSignal } from './signal.js';
import { WorkingCalendar } from './working-hours.js';

export const RULE_ENGINE_STATE_VERSION = 1;

/** What the rules have learned, by module; `version` changes when a module's state does. */
export interface RuleEngineState {
  version: typeof RULE_ENGINE_STATE_VERSION;
  families: Record<string, unknown>;
}

export interface RuleEngineOptions {
  /**
   * Maps an event time to the instant whose local time (in `KW_TZ`) decides working
   * hours and usual end times. Identity by default; the embedded mode passes
   * `(ms) => ms + simulator.clock.offsetFromUtcMs()` so that the simulated day counts.
   */
  wallClockOf?: (ms: number) => number;
}

/** Turns rule inputs into alert signals. */
export class RuleEngine {
  readonly #families: ReadonlyMap<string, RuleFamily<unknown>>;
  readonly #volume: VolumeSpikeRule;
  readonly #redaction: RedactionDropRule;

  constructor(settings: RuleSettings, options: RuleEngineOptions = {}) {
    const calendar = new WorkingCalendar(settings.offHours.timeZone, options.wallClockOf);
    this.#volume = new VolumeSpikeRule(settings);
    this.#redaction = new RedactionDropRule(settings);
    const families: [string, RuleFamily<unknown>][] = [
      ['security', new SecurityEventRules(settings)],
      ['bursts', new BurstRules(settings)],
      ['collection', new CollectionRules(settings)],
      ['dropped', new DroppedEventsRule(settings)],
      ['offHours', new OffHoursRule(settings, calendar)],
      ['volume', this.#volume],
      ['redaction', this.#redaction],
      ['silent', new CollectorSilentRule(settings, calendar)],
    ];
    this.#families = new Map(families);
  }

  /** The signals one input causes, in the order the rules emitted them. */
  apply(input: RuleInput): AlertSignal[] {
    const out: AlertSignal[] = [];
    for (const family of this.#families.values()) family.apply(input, out);
    return out;
  }

  /** The signals of several inputs, in order. */
  applyAll(inputs: Iterable<RuleInput>): AlertSignal[] {
    const out: AlertSignal[] = [];
    for (const input of inputs) for (const family of this.#families.values()) family.apply(input, out);
    return out;
  }

  /** Whether a learned baseline (`volume_spike` or `redaction_rate_drop`) of a team in an app has finished its warm-up. */
  isBaselineWarm(rule: 'volume_spike' | 'redaction_rate_drop', team: string, app: string): boolean {
    return (rule === 'volume_spike' ? this.#volume : this.#redaction).isWarm(team, app);
  }

  /** A JSON-able copy of everything the rules have learned. */
  snapshot(): RuleEngineState {
    const families: Record<string, unknown> = {};
    for (const [name, family] of this.#families) families[name] = family.snapshot();
    return { version: RULE_ENGINE_STATE_VERSION, families };
  }

  /**
   * Restores a snapshot. Throws a TypeError naming the problem when it is not one this
   * version wrote (then start without it: the rules learn again); nothing is changed then.
   */
  load(state: unknown): void {
    const candidate = state as Partial<RuleEngineState> | null;
    if (typeof candidate !== 'object' || candidate === null || candidate.version !== RULE_ENGINE_STATE_VERSION) {
      throw new TypeError(`alert rule state has version ${String(candidate?.version)}, expected ${RULE_ENGINE_STATE_VERSION}`);
    }
    const families = candidate.families ?? {};
    const checked = new Map<RuleFamily<unknown>, unknown>();
    for (const [name, family] of this.#families) checked.set(family, checkState(family, name, families[name]));
    for (const [family, familyState] of checked) family.load(familyState);
  }
}
