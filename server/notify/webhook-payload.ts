/**
 * The webhook's wire format, version 1 (README, "Notifications"): one JSON document per
 * alert transition, and its HMAC-SHA256 signature.
 *
 * Signature: `X-Keywatch-Signature: sha256=<hex>` where hex is
 * HMAC-SHA256(KW_WEBHOOK_SECRET, `<X-Keywatch-Timestamp>.<raw body>`). The timestamp (ms
 * since the epoch, fresh for every attempt) is inside the signed material, so a receiver
 * that refuses timestamps older than a few minutes cannot be fed a recorded request again;
 * `X-Keywatch-Delivery` stays the same over the retries of one notification, for
 * receivers that drop repeats.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Alert, AlertTransition } from '../../shared/alerts.js';

export const WEBHOOK_PAYLOAD_VERSION = 1;

export const SIGNATURE_HEADER = 'x-keywatch-signature';
export const TIMESTAMP_HEADER = 'x-keywatch-timestamp';
export const DELIVERY_HEADER = 'x-keywatch-delivery';

/** The webhook body. Alerts never hold raw content (their summaries and labels are ids and numbers). */
export const WebhookPayload = Type.Object(
  {
    version: Type.Literal(WEBHOOK_PAYLOAD_VERSION),
    /** True for the admin's "send a test notification" (rule `keywatch_test`): route it nowhere that pages. */
    test: Type.Boolean(),
    /** The alert event's id (its position in the alert event stream); null for a test. */
    eventId: Type.Union([Type.String(), Type.Null()]),
    transition: AlertTransition,
    /** The alert after the transition, in the shape of interfaces.md. */
    alert: Alert,
    /** Which Keywatch sent it: `KW_INSTANCE_ID` and `KW_PUBLIC_ORIGIN`. */
    instance: Type.String(),
    origin: Type.String(),
    /** Where a person sees the alert in the dashboard. */
    url: Type.String(),
    /** When the notification was built (ms); the signed timestamp header says when each attempt was sent. */
    sentAt: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type WebhookPayload = Static<typeof WebhookPayload>;

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export function signPayload(secret: string, timestampMs: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}.${body}`, 'utf8').digest('hex');
}

/** The signature headers of one attempt. */
export function signatureHeaders(secret: string, timestampMs: number, body: string): Record<string, string> {
  return { [TIMESTAMP_HEADER]: String(timestampMs), [SIGNATURE_HEADER]: `sha256=${signPayload(secret, timestampMs, body)}` };
}

/**
 * What a receiver does (shown here for receivers written in TypeScript, and for tests):
 * true when the signature matches the raw body and the timestamp is within `toleranceMs`
 * of `nowMs` (default five minutes).
 */
export function verifyWebhookSignature(
  secret: string, headers: { signature?: string | undefined; timestamp?: string | undefined }, rawBody: string,
  nowMs: number = Date.now(), toleranceMs = 5 * 60_000,
): boolean {
  const timestamp = headers.timestamp ?? '';
  const match = /^sha256=([0-9a-f]{64})$/.exec(headers.signature ?? '');
  if (!match || !/^\d{1,16}$/.test(timestamp) || Math.abs(nowMs - Number(timestamp)) > toleranceMs) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}
