/**
 * Alert notifications to `KW_WEBHOOK_URL`: one signed JSON POST (webhook-payload.ts) per
 * notifiable transition, through a bounded, retrying DeliveryQueue.
 */
import { Value } from '@sinclair/typebox/value';
import type { Alert, AlertEvent, AlertTransition } from '../../shared/alerts.js';
import { DeliveryQueue, notifierQueue, postOnce, type DeliveryOutcome, type NotifyLog } from './delivery-queue.js';
import { alertUrl, isNotifiable, testAlert, type AlertNotifier, type TestNotificationResult } from './notifier.js';
import type { WebhookSettings } from './notify-settings.js';
import { DELIVERY_HEADER, signatureHeaders, WEBHOOK_PAYLOAD_VERSION, WebhookPayload } from './webhook-payload.js';

export interface WebhookNotifierOptions {
  settings: WebhookSettings;
  timeoutMs: number;
  maxAttempts: number;
  /** `KW_INSTANCE_ID` and `KW_PUBLIC_ORIGIN`, named in every payload. */
  instance: string;
  publicOrigin: string;
  log: NotifyLog;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** Most notifications waiting at once (default 1000). */
  capacity?: number;
  /** For tests: the backoff between attempts. */
  retry?: { baseMs: number; maxMs: number };
}

/** About 1000 alert transitions of ~1 KB: room for an outage of a busy hour, and a bound. */
const DEFAULT_CAPACITY = 1000;

export class WebhookNotifier implements AlertNotifier {
  readonly target = 'webhook' as const;
  readonly #options: WebhookNotifierOptions;
  readonly #queue: DeliveryQueue;

  constructor(options: WebhookNotifierOptions) {
    this.#options = options;
    this.#queue = notifierQueue(this.target, options, DEFAULT_CAPACITY);
  }

  get queued(): number {
    return this.#queue.length;
  }

  notify(events: readonly AlertEvent[]): void {
    for (const event of events) {
      if (!isNotifiable(event)) continue;
      const body = this.#body(event.alert, event.transition, event.id, false);
      if (body === null) continue;
      const deliveryId = crypto.randomUUID();
      this.#queue.push({
        describe: `${event.transition} ${event.alert.id}`,
        build: (sentAtMs) => ({ body, headers: this.#headers(body, deliveryId, sentAtMs) }),
      });
    }
  }

  async sendTest(requestedBy: string): Promise<TestNotificationResult> {
    const alert = testAlert(requestedBy, Date.now());
    const body = this.#body(alert, 'opened', null, true)!;
    const { endpoint } = this.#options.settings;
    const result = await postOnce(endpoint, body, this.#headers(body, crypto.randomUUID(), Date.now()), this.#options.timeoutMs);
    return { target: this.target, receiver: endpoint.display, alertId: alert.id, delivered: result.ok, status: result.status, error: result.error };
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  /** The JSON body, or null (logged by path) when the payload is not in its schema: nothing unknown leaves. */
  #body(alert: Alert, transition: AlertTransition, eventId: string | null, test: boolean): string | null {
    const payload: WebhookPayload = {
      version: WEBHOOK_PAYLOAD_VERSION,
      test,
      eventId,
      transition,
      alert,
      instance: this.#options.instance,
      origin: this.#options.publicOrigin,
      url: alertUrl(this.#options.publicOrigin, alert),
      sentAt: Date.now(),
    };
    const problem = Value.Errors(WebhookPayload, payload).First();
    if (problem) {
      this.#options.log.warn({ target: this.target, alert: alert.id, path: problem.path }, 'webhook payload outside its schema; not sent');
      return null;
    }
    return JSON.stringify(payload);
  }

  #headers(body: string, deliveryId: string, sentAtMs: number): Record<string, string> {
    const { secret } = this.#options.settings;
    return { [DELIVERY_HEADER]: deliveryId, ...(secret === null ? {} : signatureHeaders(secret, sentAtMs, body)) };
  }
}
