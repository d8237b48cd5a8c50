/**
 * The port every alert notifier implements (webhook, Alertmanager), and what they share:
 * which transitions are worth a notification, the dashboard link of an alert, and the
 * clearly labelled alert of the admin's "send a test notification".
 */
import type { Alert, AlertEvent } from '../../shared/alerts.js';

/** The receivers Keywatch can notify. */
export const NOTIFY_TARGETS = ['webhook', 'alertmanager'] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

/** Rule name of the test notification. */
export const TEST_RULE = 'keywatch_test';

/** What a test notification did at one receiver (the answer of `POST /api/notifications/test`). */
export interface TestNotificationResult {
  target: NotifyTarget;
  /** The receiver's origin (never the path, which may hold a token). */
  receiver: string;
  /** The test alert's id. */
  alertId: string;
  delivered: boolean;
  /** The receiver's status code, or null when it did not answer. */
  status: number | null;
  /** Why it was not delivered: `HTTP 500`, `ECONNREFUSED`, `timeout`; null when delivered. */
  error: string | null;
}

/** An alert notifier: hears every saved alert transition, in order, and never blocks the caller. */
export interface AlertNotifier {
  readonly target: NotifyTarget;
  /** Queues what these transitions call for and returns at once. */
  notify(events: readonly AlertEvent[]): void;
  /** Sends a test notification now (one attempt, bounded by the timeout) and says what happened. */
  sendTest(requestedBy: string): Promise<TestNotificationResult>;
  /** Notifications waiting to be sent. */
  readonly queued: number;
  /** Stops retrying and discards what waits. */
  stop(): Promise<void>;
}

/**
 * Whether a transition is worth notifying: not a mere repeat (count and lastSeen move on
 * with the next real transition), and not while the alert is silenced — that is what a
 * silence is for. An escalation is a transition like the others: the second notification
 * of a critical alert nobody acknowledged.
 */
export function isNotifiable(event: AlertEvent): boolean {
  return event.transition !== 'repeated' && !event.alert.silenced;
}

/** The dashboard's Alerts view, filtered to the alert's rule (all states, so a resolved one shows too). */
export function alertUrl(publicOrigin: string, alert: Alert): string {
  return `${publicOrigin}/#/alerts?state=all&q=${encodeURIComponent(alert.rule)}`;
}

/** The test alert: rule `keywatch_test`, severity info, firing, saying who asked for it. */
export function testAlert(requestedBy: string, nowMs: number): Alert {
  return {
    id: `test-${crypto.randomUUID().slice(0, 13)}`,
    rule: TEST_RULE,
    severity: 'info',
    state: 'firing',
    summary: `Test notification from Keywatch, sent by ${requestedBy}. Nothing is wrong; no action is needed.`,
    labels: {},
    firstSeen: nowMs,
    lastSeen: nowMs,
    count: 1,
    ack: null,
    resolved: null,
    silenced: false,
  };
}
