/**
 * The shape every rule module shares: it reads the inputs it cares about, appends the
 * signals they cause to `out`, and keeps whatever it learns as plain JSON-able state
 * (`snapshot` / `load`) so that the lead can persist it beside the alert book.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { RuleInput } from '../inputs.js';
import type { AlertSignal } from '../signal.js';

export interface RuleFamily<State> {
  /** Schema of the state, checked on `load`. */
  readonly stateSchema: TSchema;
  /** Reads one input; appends the signals it causes to `out`. */
  apply(input: RuleInput, out: AlertSignal[]): void;
  /** A deep copy of what the module has learned. */
  snapshot(): State;
  /** Replaces what the module has learned (state already checked against `stateSchema`). */
  load(state: State): void;
}

/** Checks a family's state against its schema; throws naming the first problem. */
export function checkState<State>(family: RuleFamily<State>, name: string, state: unknown): State {
  if (Value.Check(family.stateSchema, state)) return structuredClone(state) as State;
  const first = Value.Errors(family.stateSchema, state).First();
  throw new TypeError(`alert rule state "${name}" is not valid at ${first?.path || '/'}: ${first?.message ?? 'unknown'}`);
}

/** Whole seconds, for summaries. */
export function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
