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
}

/** A `raise` signal with the catalog's severity; labels whose value is null are left out. */
export function raise(rule: AlertRuleName, labels: Readonly<Record<string, string | null>>, summary: string, at: number): AlertSignal {
  return { rule, severity: RULE_CATALOG[rule].severity, labels: presentLabels(labels), summary, at, kind: 'raise' };
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
