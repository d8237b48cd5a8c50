/**
 * Alert severities as the dashboard shows them: the order (most urgent first), the words,
 * and a rank for sorting. Plain values, since `shared/alerts.ts` builds TypeBox schemas
 * and the web may only import its types.
 */
import type { AlertSeverity } from '../../../shared/alerts.js';

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
