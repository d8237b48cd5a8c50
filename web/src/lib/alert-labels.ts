/**
 * Alert severities, states and transitions as the dashboard words them, and the severity
 * order (most urgent first). Plain values, since `shared/alerts.ts` builds TypeBox schemas
 * and the web may only import its types.
 */
import type { AlertSeverity, AlertState, AlertTransition } from '../../../shared/alerts.js';

/** From the most to the least urgent (the order of `ALERT_SEVERITIES` in shared/alerts.ts). */
export const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const satisfies readonly AlertSeverity[];

/** How each severity reads: colour is never the only sign of it. */
export const SEVERITY_LABELS: Record<AlertSeverity, string> = {
  critical: 'Critical',
  high: 'High',
  warning: 'Warning',
  info: 'Info',
};

/** 0 for critical … 3 for info; unknown severities sort last. */
export function severityRank(severity: string): number {
  const rank = (SEVERITIES as readonly string[]).indexOf(severity);
  return rank === -1 ? SEVERITIES.length : rank;
}

/** Whether `value` names a severity. */
export function isSeverity(value: string): value is AlertSeverity {
  return (SEVERITIES as readonly string[]).includes(value);
}

export const STATE_LABELS: Record<AlertState, string> = {
  firing: 'Firing',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

/** What a timeline entry says happened. */
export const TRANSITION_LABELS: Record<AlertTransition, string> = {
  opened: 'Opened',
  repeated: 'Seen again',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  auto_resolved: 'Resolved by itself (condition cleared)',
  silenced: 'Silenced',
  unsilenced: 'Silence ended',
  escalated: 'Escalated (still unacknowledged)',
};
