/**
 * Alerts to a Prometheus Alertmanager (`POST <KW_ALERTMANAGER_URL>/api/v2/alerts`), the
 * way Prometheus itself talks to it:
 * - every transition but a mere repeat is sent at once with the alert's current state;
 * - every open alert, and the always-firing `watchdog`, is re-sent every
 *   `KW_ALERTMANAGER_RESEND_MS` (`resend`, called by the plugin's timer);
 * - a firing alert carries `endsAt` = now + 4 re-send periods (as Prometheus does), so it
 *   stays firing exactly as long as Keywatch keeps re-sending it, whatever the
 *   Alertmanager's `resolve_timeout`; a resolved alert carries its resolve time, and one
 *   that a Keywatch silence covers is ended now (a silence stops the paging);
 * - the `watchdog` (severity info, label `instance`) is the dead man's switch: when
 *   Keywatch stops, it ends within 4 re-send periods.
 * Posts go through a bounded, retrying DeliveryQueue; a newer re-send replaces one still
 * waiting, so an Alertmanager outage costs at most a few queued batches.
 */
import type { Alert, AlertEvent } from '../../shared/alerts.js';
import { DeliveryQueue, notifierQueue, postOnce, type DeliveryOutcome, type NotifyLog } from './delivery-queue.js';
import { alertUrl, testAlert, type AlertNotifier, type TestNotificationResult } from './notifier.js';
import type { AlertmanagerSettings } from './notify-settings.js';

/** One alert of the Alertmanager API v2 (`postableAlert`). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

/** The rule name of Keywatch's dead man's switch. */
export const WATCHDOG_RULE = 'watchdog';

/** A firing alert is valid for this many re-send periods: three re-sends may fail before it ends. */
const VALID_FOR_RESENDS = 4;
/** The test alert ends by itself after this long. */
const TEST_ALERT_MS = 5 * 60_000;
/** Alerts per POST: Alertmanager takes large batches, but a bounded body keeps each attempt short. */
const BATCH_SIZE = 500;
/** Batches waiting at once: re-sends replace each other, so this only bounds a storm of transitions. */
const DEFAULT_CAPACITY = 64;

export interface AlertmanagerNotifierOptions {
  settings: AlertmanagerSettings;
  timeoutMs: number;
  maxAttempts: number;
  /** `KW_INSTANCE_ID`: the watchdog's `instance` label. */
  instance: string;
  publicOrigin: string;
  log: NotifyLog;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  capacity?: number;
  retry?: { baseMs: number; maxMs: number };
  now?: () => number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * An alert as Alertmanager takes it: labels `alertname` (the rule), `severity` and the
 * alert's own labels; annotations `summary`, `keywatch_id`, `keywatch_state`.
 */
export function toAlertmanagerAlert(alert: Alert, nowMs: number, validForMs: number, publicOrigin: string): AlertmanagerAlert {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(alert.labels)) if (value !== '') labels[name] = value;
  labels.alertname = alert.rule;
  labels.severity = alert.severity;
  let endsAtMs: number;
  let state: string = alert.state;
  if (alert.state === 'resolved') {
    endsAtMs = Math.max(alert.resolved?.at ?? nowMs, alert.firstSeen);
  } else if (alert.silenced) {
    endsAtMs = Math.max(nowMs, alert.firstSeen);
    state = 'silenced';
  } else {
    endsAtMs = nowMs + validForMs;
  }
  return {
    labels,
    annotations: { summary: alert.summary, keywatch_id: alert.id, keywatch_state: state },
    startsAt: iso(alert.firstSeen),
    endsAt: iso(endsAtMs),
    generatorURL: alertUrl(publicOrigin, alert),
  };
}

export class AlertmanagerNotifier implements AlertNotifier {
  readonly target = 'alertmanager' as const;
  readonly #options: AlertmanagerNotifierOptions;
  readonly #queue: DeliveryQueue;
  readonly #now: () => number;
  readonly #startedAt: number;

  constructor(options: AlertmanagerNotifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#queue = notifierQueue(this.target, options, DEFAULT_CAPACITY);
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** How long a firing alert sent now stays firing without another re-send. */
  get validForMs(): number {
    return VALID_FOR_RESENDS * this.#options.settings.resendMs;
  }

  notify(events: readonly AlertEvent[]): void {
    // The latest state of each alert the batch changed, in order of first change.
    const latest = new Map<string, Alert>();
    for (const event of events) if (event.transition !== 'repeated') latest.set(event.alert.id, event.alert);
    if (latest.size === 0) return;
    const alerts = [...latest.values()];
    this.#post(alerts, false, alerts.map((alert) => `${alert.state} ${alert.id}`).join(', '));
  }

  /** Re-sends every open alert that no silence covers, and the watchdog. */
  resend(openAlerts: readonly Alert[]): void {
    const alerts = openAlerts.filter((alert) => alert.state !== 'resolved' && !alert.silenced);
    // The watchdog rides in the first batch (there is always one).
    for (let start = 0, batch = 0; start === 0 || start < alerts.length; start += BATCH_SIZE, batch++) {
      const chunk = alerts.slice(start, start + BATCH_SIZE);
      this.#post(chunk, start === 0, `re-send of ${chunk.length} alert(s)${start === 0 ? ' and the watchdog' : ''}`, `resend-${batch}`);
    }
  }

  /** The always-firing dead man's switch of this instance. */
  watchdog(nowMs: number): AlertmanagerAlert {
    const { instance, publicOrigin } = this.#options;
    return {
      labels: { alertname: WATCHDOG_RULE, severity: 'info', instance },
      annotations: {
        summary: `Keywatch ${instance} is running. This alert always fires: route it to a dead man's switch, which pages when it stops.`,
      },
      startsAt: iso(this.#startedAt),
      endsAt: iso(nowMs + this.validForMs),
      generatorURL: `${publicOrigin}/`,
    };
  }

  async sendTest(requestedBy: string): Promise<TestNotificationResult> {
    const now = this.#now();
    const alert = testAlert(requestedBy, now);
    const { publicOrigin, instance, settings, timeoutMs } = this.#options;
    const posted: AlertmanagerAlert = {
      ...toAlertmanagerAlert(alert, now, TEST_ALERT_MS, publicOrigin),
      labels: { alertname: alert.rule, severity: alert.severity, instance },
    };
    const result = await postOnce(settings.endpoint, JSON.stringify([posted]), {}, timeoutMs);
    return {
      target: this.target, receiver: settings.endpoint.display, alertId: alert.id, delivered: result.ok, status: result.status, error: result.error,
    };
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /** Queues a POST of `alerts` (and the watchdog); firing alerts are valid from the moment each attempt is sent. */
  #post(alerts: readonly Alert[], withWatchdog: boolean, describe: string, replaces?: string): void {
    const { publicOrigin } = this.#options;
    this.#queue.push({
      describe,
      build: (sentAtMs) => {
        const posted = alerts.map((alert) => toAlertmanagerAlert(alert, sentAtMs, this.validForMs, publicOrigin));
        if (withWatchdog) posted.push(this.watchdog(sentAtMs));
        return { body: JSON.stringify(posted), headers: {} };
      },
      ...(replaces === undefined ? {} : { replaces }),
    });
  }
}
