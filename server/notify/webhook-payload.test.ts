import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeaders, verifyWebhookSignature } from './webhook-payload.js';

const SECRET = 'a-secret-of-enough-length';
const BODY = '{"version":1,"alert":{"id":"a-1"}}';
const NOW = 1_760_000_000_000;

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>", hex, after sha256=', () => {
    const headers = signatureHeaders(SECRET, NOW, BODY);
    expect(headers).toEqual({
      'x-keywatch-timestamp': String(NOW),
      'x-keywatch-signature': `sha256=${createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex')}`,
    });
  });

  it('verifies the exact body, with the secret, within the tolerance', () => {
    const headers = signatureHeaders(SECRET, NOW, BODY);
    const signed = { signature: headers['x-keywatch-signature'], timestamp: headers['x-keywatch-timestamp'] };
    expect(verifyWebhookSignature(SECRET, signed, BODY, NOW + 1000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, signed, BODY.replace('a-1', 'a-2'), NOW)).toBe(false);
    expect(verifyWebhookSignature('another-secret-of-length', signed, BODY, NOW)).toBe(false);
    // A recorded request replayed later, or with its timestamp changed, fails.
    expect(verifyWebhookSignature(SECRET, signed, BODY, NOW + 10 * 60_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...signed, timestamp: String(NOW + 10 * 60_000) }, BODY, NOW + 10 * 60_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { timestamp: signed.timestamp }, BODY, NOW)).toBe(false);
  });
});
