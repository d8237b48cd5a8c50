/**
 * What the rules emit and the alert book consumes: a signal that a rule's condition holds
 * (`raise`) or no longer holds (`clear`, condition rules only) for one set of labels.
 * Summaries and labels carry contract ids, stream keys, field names and numbers only.
 */
import type { AlertSeverity } from '../../shared/alerts.js';
import { RULE_CATALOG, type AlertRuleName } from './catalog.js';

export type SignalKind = 'raise' | 'clear';

export interface AlertSignal {
  readonly rule: AlertRuleName;
  readonly severity: AlertSeverity;
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  /** When it was observed: event time of the entry, or the end of the minute judged. */
  readonly at: number;
  readonly kind: SignalKind;
  /**
   * Set to `event` when this raise must wait for a person even though its rule is a
   * condition rule (a `source_down` that reports lost data): the alert then never
   * resolves by itself, whatever its rule's clears say.
   */
  readonly waitsForPerson?: true;
}

/** A `raise` signal with the catalog's severity; labels whose value is null are left out. */
export function raise(rule: AlertRuleName, labels: Readonly<Record<string, string | null>>, summary: string, at: number): AlertSignal {
  return { rule, severity: RULE_CATALOG[rule].severity, labels: presentLabels(labels), summary, at, kind: 'raise' };
}

/** A `raise` that waits for a person (see `AlertSignal.waitsForPerson`). */
export function raiseForPerson(rule: AlertRuleName, labels: Readonly<Record<string, string | null>>, summary: string, at: number): AlertSignal {
  return { ...raise(rule, labels, summary, at), waitsForPerson: true };
}

/** A `clear` signal: the condition behind these labels no longer holds. */
export function clear(rule: AlertRuleName, labels: Readonly<Record<string, string | null>>, summary: string, at: number): AlertSignal {
  return { rule, severity: RULE_CATALOG[rule].severity, labels: presentLabels(labels), summary, at, kind: 'clear' };
}

function presentLabels(labels: Readonly<Record<string, string | null>>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) if (value !== null) present[name] = value;
  return present;
}

/**
 * The deduplication key of an alert: its rule and labels, label order ignored. Two
 * signals with the same key update one alert while it is not resolved.
 */
export function alertKey(rule: string, labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  return JSON.stringify([rule, ...names.map((name) => [name, labels[name]])]);
}
