/**
 * Which alert events call for someone's attention right away (a toast, and the sound and
 * desktop notification when switched on), and what such a notification says.
 */
import type { Alert, AlertTransition } from '../../../shared/alerts.js';
import { SEVERITY_LABELS } from './alert-labels.js';

/** A new critical alert that no silence covers: the one case worth interrupting someone for. */
export function isNewCritical(transition: AlertTransition | null, alert: Alert): boolean {
  return transition === 'opened' && alert.severity === 'critical' && !alert.silenced && alert.state === 'firing';
}

/** Title and body of a desktop notification: rule and summary, never more than the alert carries. */
export function notificationText(alert: Alert): { title: string; body: string } {
  const labels = Object.entries(alert.labels).map(([name, value]) => `${name}=${value}`).join(', ');
  return {
    title: `${SEVERITY_LABELS[alert.severity]}: ${alert.rule}`,
    body: [alert.summary, labels].filter((part) => part !== '').join('\n'),
  };
}
