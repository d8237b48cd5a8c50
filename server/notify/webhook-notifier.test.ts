import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertEvent, AlertTransition } from '../../shared/alerts.js';
import { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { endpointVar } from './notify-settings.js';
import { verifyWebhookSignature, type WebhookPayload } from './webhook-payload.js';
import { WebhookNotifier } from './webhook-notifier.js';

const SECRET = 'a-secret-of-enough-length';
const quiet = { info: () => {}, warn: () => {}, debug: () => {} };

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a-1', rule: 'unauthorized_raw_access', severity: 'critical', state: 'firing', summary: 'mallory read raw-store',
    labels: { actor: 'mallory', resource: 'raw-store' }, firstSeen: 1000, lastSeen: 1000, count: 1, ack: null, resolved: null, silenced: false,
    ...overrides,
  };
}

let seq = 0;
function event(transition: AlertTransition, overrides: Partial<Alert> = {}): AlertEvent {
  return { id: `${1000 + ++seq}-0`, at: 1000, transition, alert: alert(overrides) };
}

let receiver: WebhookReceiver | undefined;
let notifier: WebhookNotifier | undefined;

afterEach(async () => {
  await notifier?.stop();
  await receiver?.stop();
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function start(url: string, secret: string | null = SECRET): WebhookNotifier {
  notifier = new WebhookNotifier({
    settings: { endpoint: endpointVar('KW_WEBHOOK_URL', url), secret }, timeoutMs: 1000, maxAttempts: 2,
    instance: 'kw-test', publicOrigin: 'https://keywatch.example', log: quiet, retry: { baseMs: 10, maxMs: 10 },
  });
  return notifier;
}

describe('WebhookNotifier', () => {
  it('posts one signed payload per transition worth notifying, in order', async () => {
    receiver = await WebhookReceiver.start('ok');
    const notifier = start(receiver.url);
    const events = [
      event('opened'),
      event('repeated', { count: 2 }),
      event('escalated', { count: 2 }),
      event('silenced', { silenced: true }),
      event('unsilenced'),
      event('acknowledged', { state: 'acknowledged', ack: { by: 'alice', at: 2000, note: '' } }),
      event('resolved', { state: 'resolved', resolved: { by: 'alice', at: 3000, note: 'done' } }),
    ];
    notifier.notify(events);
    await until(() => receiver!.requests.length === 5);
    const payloads = receiver.payloads<WebhookPayload>();
    expect(payloads.map((payload) => payload.transition)).toEqual(['opened', 'escalated', 'unsilenced', 'acknowledged', 'resolved']);
    expect(payloads[0]).toEqual({
      version: 1, test: false, eventId: events[0]!.id, transition: 'opened', alert: events[0]!.alert, instance: 'kw-test',
      origin: 'https://keywatch.example', url: 'https://keywatch.example/#/alerts?state=all&q=unauthorized_raw_access', sentAt: expect.any(Number),
    });
    for (const request of receiver.requests) {
      const headers = { signature: String(request.headers['x-keywatch-signature']), timestamp: String(request.headers['x-keywatch-timestamp']) };
      expect(verifyWebhookSignature(SECRET, headers, request.rawBody)).toBe(true);
      expect(request.headers['x-keywatch-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('signs every retry afresh under the same delivery id', async () => {
    receiver = await WebhookReceiver.start('fail');
    start(receiver.url).notify([event('opened')]);
    await until(() => receiver!.requests.length === 2);
    const [first, second] = receiver.requests;
    expect(second!.rawBody).toBe(first!.rawBody);
    expect(second!.headers['x-keywatch-delivery']).toBe(first!.headers['x-keywatch-delivery']);
    for (const request of [first!, second!]) {
      const headers = { signature: String(request.headers['x-keywatch-signature']), timestamp: String(request.headers['x-keywatch-timestamp']) };
      expect(verifyWebhookSignature(SECRET, headers, request.rawBody)).toBe(true);
    }
  });

  it('sends unsigned payloads without a secret', async () => {
    receiver = await WebhookReceiver.start('ok');
    start(receiver.url, null).notify([event('opened')]);
    await until(() => receiver!.requests.length === 1);
    expect(receiver.requests[0]!.headers['x-keywatch-signature']).toBeUndefined();
  });

  it('sends a labelled test notification and says how it went', async () => {
    receiver = await WebhookReceiver.start('ok');
    const result = await start(receiver.url).sendTest('alice');
    expect(result).toMatchObject({ target: 'webhook', receiver: new URL(receiver.url).origin, delivered: true, status: 204, error: null });
    expect(receiver.payloads<WebhookPayload>()[0]).toMatchObject({
      test: true, eventId: null, transition: 'opened', alert: { id: result.alertId, rule: 'keywatch_test', severity: 'info', summary: expect.stringContaining('alice') },
    });
    receiver.mode = 'fail';
    expect(await notifier!.sendTest('alice')).toMatchObject({ delivered: false, status: 500, error: 'HTTP 500' });
  });
});
