/**
 * The rule table of interfaces.md ("Alerts"): every rule's name, severity, labels, and
 * whether its alerts are raised by an event (they wait for a person) or by a condition
 * (they resolve themselves once the condition has cleared for `KW_AUTO_RESOLVE_MS`).
 */
import type { AlertSeverity } from '../../shared/alerts.js';

/** `event`: waits for a person; `condition`: resolves itself after the condition clears. */
export type RuleLifecycle = 'event' | 'condition';

export interface RuleSpec {
  readonly severity: AlertSeverity;
  /** Label names an alert of this rule carries (one of them only for `auth_failure_burst`). */
  readonly labels: readonly string[];
  readonly lifecycle: RuleLifecycle;
}

/** The spec's rule table, in its order. Add rules here; never rename one. */
export const RULE_CATALOG = {
  raw_content_in_stream: { severity: 'critical', labels: ['stream', 'collector', 'field'], lifecycle: 'event' },
  consent_revoked_collection: { severity: 'critical', labels: ['team', 'collector'], lifecycle: 'event' },
  unauthorized_raw_access: { severity: 'critical', labels: ['actor', 'resource'], lifecycle: 'event' },
  redaction_policy_weakened: { severity: 'critical', labels: ['actor', 'detail'], lifecycle: 'event' },
  redaction_rate_drop: { severity: 'high', labels: ['team', 'app'], lifecycle: 'condition' },
  unencrypted_collection: { severity: 'high', labels: ['team', 'collector'], lifecycle: 'condition' },
  raw_access_denied_burst: { severity: 'high', labels: ['actor'], lifecycle: 'event' },
  bulk_export: { severity: 'high', labels: ['actor', 'resource'], lifecycle: 'event' },
  auth_failure_burst: { severity: 'high', labels: ['actor', 'source'], lifecycle: 'event' },
  collector_tamper: { severity: 'high', labels: ['actor', 'resource'], lifecycle: 'event' },
  retention_breach: { severity: 'high', labels: ['actor', 'resource'], lifecycle: 'event' },
  volume_spike: { severity: 'warning', labels: ['team', 'app'], lifecycle: 'condition' },
  collector_silent: { severity: 'warning', labels: ['team', 'collector'], lifecycle: 'condition' },
  dropped_events: { severity: 'warning', labels: ['team', 'collector'], lifecycle: 'condition' },
  off_hours_collection: { severity: 'info', labels: ['team'], lifecycle: 'condition' },
  // Keywatch's own pipeline (the reliability issue raises them; listed so the book knows them).
  source_down: { severity: 'high', labels: ['stream'], lifecycle: 'condition' },
  ingest_stalled: { severity: 'high', labels: ['stream'], lifecycle: 'condition' },
  ingest_lag_high: { severity: 'warning', labels: ['stream'], lifecycle: 'condition' },
  reject_rate_high: { severity: 'warning', labels: ['stream'], lifecycle: 'condition' },
} as const satisfies Record<string, RuleSpec>;

export type AlertRuleName = keyof typeof RULE_CATALOG;

/** Every rule name, in the spec's order. */
export const ALERT_RULE_NAMES = Object.keys(RULE_CATALOG) as AlertRuleName[];

/** Rules this module raises from the streams (the pipeline rules come with the reliability issue). */
export const STREAM_RULE_NAMES = ALERT_RULE_NAMES.filter(
  (name) => !['source_down', 'ingest_stalled', 'ingest_lag_high', 'reject_rate_high'].includes(name),
);

/** True when `name` is a rule of the catalog. */
export function isAlertRuleName(name: string): name is AlertRuleName {
  return Object.hasOwn(RULE_CATALOG, name);
}

/** The catalog entry of a rule. */
export function ruleSpec(name: AlertRuleName): RuleSpec {
  return RULE_CATALOG[name];
}
