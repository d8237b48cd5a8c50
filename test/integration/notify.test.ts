/**
 * Alert notifications end to end, with real processes only: a real Prometheus
 * Alertmanager, real webhook receivers (node:http), real Redis and the built server.
 * - Alertmanager shows a raised alert firing, keeps it firing past its resolve timeout
 *   (Keywatch re-sends it), drops it once it is resolved, and always holds the watchdog.
 * - The webhook payload of each transition arrives signed; the signature verifies with
 *   the secret; an escalation is a second notification; a silenced alert sends nothing.
 * - A receiver that hangs delays nothing else (the `alerts` channel and Alertmanager get
 *   alerts at once) and its retries are bounded.
 * - `POST /api/notifications/test`: admin → 200 and a labelled test at every receiver;
 *   on-call → 403; nothing configured → 409.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts.js';
import { bearer, createToken, signIn } from '../support/accounts.js';
import { TestAlertmanager } from '../support/alertmanager.js';
import { securityFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { RecordingClient } from '../support/ws-client.js';

const SECRET = 'test-webhook-secret-0123456789abcdef';
const RESEND_MS = 1000;
/** Alertmanager's `resolve_timeout` in these tests. */
const RESOLVE_TIMEOUT_MS = 5000;

interface Payload {
  version: number;
  test: boolean;
  eventId: string | null;
  transition: string;
  alert: Alert;
  instance: string;
  origin: string;
  url: string;
  sentAt: number;
}

let alertmanager: TestAlertmanager;

beforeAll(async () => {
  alertmanager = await TestAlertmanager.start({ resolveTimeout: `${RESOLVE_TIMEOUT_MS / 1000}s` });
});

afterAll(async () => {
  await alertmanager?.stop();
});

/** What a receiver does with the documented scheme: HMAC-SHA256 over `<timestamp>.<raw body>`. */
function signatureVerifies(headers: Record<string, string | string[] | undefined>, rawBody: string, secret: string): boolean {
  const timestamp = String(headers['x-keywatch-timestamp'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return /^\d+$/.test(timestamp) && Math.abs(Date.now() - Number(timestamp)) < 5 * 60_000 && headers['x-keywatch-signature'] === expected;
}

function post(origin: string, path: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(`${origin}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function listAlerts(origin: string, headers: Record<string, string>): Promise<Alert[]> {
  return ((await (await fetch(`${origin}/api/alerts?limit=1000`, { headers })).json()) as { alerts: Alert[] }).alerts;
}

function rawAccess(producer: TestRedisClient, actor: string): Promise<unknown> {
  return producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'raw_access', actor, resource: 'raw-store', outcome: 'allowed' })]);
}

describe('with Alertmanager and a webhook receiver', () => {
  let redis: TestRedis;
  let producer: TestRedisClient;
  let receiver: WebhookReceiver;
  let server: KeywatchProcess;
  let oncall: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = await redis.client();
    receiver = await WebhookReceiver.start('ok');
    server = await KeywatchProcess.start({
      REDIS_URL: redis.url,
      KW_INSTANCE_ID: 'notify-a',
      KW_ALERTMANAGER_URL: alertmanager.url,
      KW_ALERTMANAGER_RESEND_MS: String(RESEND_MS),
      KW_WEBHOOK_URL: receiver.url,
      KW_WEBHOOK_SECRET: SECRET,
      KW_ALERT_ESCALATE_AFTER_MS: '2000',
    });
    await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
    oncall = bearer(await createToken(redis.url, 'oncall'));
    admin = bearer(await createToken(redis.url, 'admin'));
  });

  afterAll(async () => {
    await server?.stop();
    await receiver?.stop();
    producer?.destroy();
    await redis?.stop();
  });

  it('keeps a raised alert firing in Alertmanager past its resolve timeout, then resolves it; the watchdog is always there', async () => {
    await waitFor(async () => (await alertmanager.find({ alertname: 'watchdog' })).length === 1, 5000, () => 'the watchdog in Alertmanager');
    const [watchdog] = await alertmanager.find({ alertname: 'watchdog' });
    expect(watchdog!.labels).toEqual({ alertname: 'watchdog', severity: 'info', instance: 'notify-a' });

    await rawAccess(producer, 'mallory');
    const labels = { alertname: 'unauthorized_raw_access', actor: 'mallory' };
    await waitFor(async () => (await alertmanager.find(labels)).length === 1, 5000, () => 'the alert in Alertmanager');
    const [firing] = await alertmanager.find(labels);
    expect(firing!.labels).toEqual({ alertname: 'unauthorized_raw_access', severity: 'critical', actor: 'mallory', resource: 'raw-store' });
    expect(firing!.status.state).toBe('active');
    const alert = (await listAlerts(server.origin, oncall)).find((each) => each.labels.actor === 'mallory')!;
    expect(firing!.annotations).toMatchObject({ keywatch_id: alert.id, keywatch_state: 'firing', summary: alert.summary });
    expect(new Date(firing!.startsAt).getTime()).toBe(alert.firstSeen);

    // Past the resolve timeout (and past the end time of the first send): still firing, because Keywatch re-sends it.
    await new Promise((resolve) => setTimeout(resolve, RESOLVE_TIMEOUT_MS + 3000));
    const [still] = await alertmanager.find(labels);
    expect(still?.status.state).toBe('active');
    expect(new Date(still!.endsAt).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(still!.updatedAt).getTime()).toBeGreaterThan(new Date(firing!.updatedAt).getTime());

    const resolved = await post(server.origin, `/api/alerts/${alert.id}/resolve`, oncall, { note: 'contained' });
    expect(resolved.status).toBe(200);
    const resolvedAt = Date.now();
    await waitFor(async () => (await alertmanager.find(labels)).length === 0, 3000, () => 'the resolve in Alertmanager');
    expect(Date.now() - resolvedAt).toBeLessThan(3000);
    expect(await alertmanager.find({ alertname: 'watchdog' })).toHaveLength(1);

    // The webhook: opened, then escalated (critical, nobody acknowledged it within 2 s), then resolved — each signed.
    await waitFor(() => receiver.payloads<Payload>().some((payload) => payload.alert.id === alert.id && payload.transition === 'resolved'), 5000);
    const received = receiver.requests.filter((request) => (JSON.parse(request.rawBody) as Payload).alert.id === alert.id);
    const payloads = received.map((request) => JSON.parse(request.rawBody) as Payload);
    expect(payloads.map((payload) => payload.transition)).toEqual(['opened', 'escalated', 'resolved']);
    for (const request of received) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/hooks/keywatch');
      expect(request.headers['content-type']).toBe('application/json');
      expect(signatureVerifies(request.headers, request.rawBody, SECRET)).toBe(true);
      expect(signatureVerifies(request.headers, request.rawBody, 'another-secret-0123456789')).toBe(false);
      expect(signatureVerifies(request.headers, request.rawBody.replace('mallory', 'mallorz'), SECRET)).toBe(false);
    }
    expect(payloads[0]).toMatchObject({
      version: 1, test: false, transition: 'opened', instance: 'notify-a', origin: server.origin,
      alert: { id: alert.id, rule: 'unauthorized_raw_access', severity: 'critical', state: 'firing', labels: { actor: 'mallory', resource: 'raw-store' } },
    });
    expect(payloads[0]!.eventId).toMatch(/^\d+-\d+$/);
    expect(payloads[0]!.sentAt).toBeGreaterThan(resolvedAt - 60_000);
    expect(payloads[2]!.alert).toMatchObject({ state: 'resolved', resolved: { by: expect.any(String), note: 'contained' } });
    // The events the channel carries are the ones notified, with the same ids.
    const ids = payloads.map((payload) => payload.eventId);
    expect(new Set(ids).size).toBe(3);
    expect(server.output).not.toContain(SECRET);
  });

  it('sends nothing for a silenced alert', async () => {
    const silence = await post(server.origin, '/api/silences', oncall, { matchers: { rule: 'bulk_export' }, durationMs: 3_600_000, comment: 'known migration' });
    expect(silence.status).toBe(201);
    await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'export', actor: 'bob', resource: 'export:team-7', outcome: 'allowed', records: 500_000 })]);
    await rawAccess(producer, 'eve');
    // Entries are read and notified in order: once eve's alert is in, bob's export was judged before it.
    await waitFor(() => receiver.payloads<Payload>().some((payload) => payload.alert.labels.actor === 'eve'), 5000, () => "eve's alert");
    expect((await listAlerts(server.origin, oncall)).find((alert) => alert.rule === 'bulk_export')).toMatchObject({ silenced: true });
    expect(receiver.payloads<Payload>().filter((payload) => payload.alert.rule === 'bulk_export')).toEqual([]);
    await waitFor(async () => (await alertmanager.find({ actor: 'eve' })).length === 1, 3000);
    expect(await alertmanager.find({ alertname: 'bulk_export' })).toEqual([]);
  });

  it('sends a test notification for an admin, and refuses on-call', async () => {
    const before = receiver.requests.length;
    const answer = await post(server.origin, '/api/notifications/test', admin, {});
    expect(answer.status).toBe(200);
    const { results } = (await answer.json()) as { results: { target: string; delivered: boolean; receiver: string; status: number }[] };
    expect(results).toEqual([
      expect.objectContaining({ target: 'webhook', delivered: true, status: 204, receiver: new URL(receiver.url).origin }),
      expect.objectContaining({ target: 'alertmanager', delivered: true, status: 200, receiver: alertmanager.url }),
    ]);
    const test = receiver.requests.slice(before).find((request) => (JSON.parse(request.rawBody) as Payload).test);
    expect(test).toBeDefined();
    expect(signatureVerifies(test!.headers, test!.rawBody, SECRET)).toBe(true);
    expect(JSON.parse(test!.rawBody)).toMatchObject({ test: true, eventId: null, alert: { rule: 'keywatch_test', severity: 'info', state: 'firing' } });
    await waitFor(async () => (await alertmanager.find({ alertname: 'keywatch_test', severity: 'info' })).length === 1, 3000);

    const webhookOnly = await post(server.origin, '/api/notifications/test', admin, { target: 'webhook' });
    expect(webhookOnly.status).toBe(200);
    expect(((await webhookOnly.json()) as { results: { target: string }[] }).results.map((result) => result.target)).toEqual(['webhook']);

    expect((await post(server.origin, '/api/notifications/test', oncall, {})).status).toBe(403);
    expect((await post(server.origin, '/api/notifications/test', admin, { target: 'email' })).status).toBe(400);
    expect((await fetch(`${server.origin}/api/notifications/test`, { method: 'POST' })).status).toBe(401);
    // No body at all is the same as {}.
    const bare = await fetch(`${server.origin}/api/notifications/test`, { method: 'POST', headers: admin });
    expect(bare.status).toBe(200);
  });

  it('counts notifications in /metrics', async () => {
    const metrics = await (await fetch(`${server.origin}/metrics`)).text();
    expect(metrics).toMatch(/^keywatch_notifications_total\{target="webhook",outcome="delivered"\} [1-9]/m);
    expect(metrics).toMatch(/^keywatch_notifications_total\{target="alertmanager",outcome="delivered"\} [1-9]/m);
    expect(metrics).toMatch(/^keywatch_notification_queue_length\{target="webhook"\} 0$/m);
  });
});

describe('with a webhook receiver that hangs', () => {
  let redis: TestRedis;
  let producer: TestRedisClient;
  let receiver: WebhookReceiver;
  let server: KeywatchProcess;
  const ATTEMPTS = 2;
  // Long enough that the alerts' own path (reader, rules, channel, Alertmanager) fits well
  // inside one webhook timeout on a loaded machine; a path that waited would take three.
  const TIMEOUT_MS = 2000;

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = await redis.client();
    receiver = await WebhookReceiver.start('hang');
    server = await KeywatchProcess.start({
      REDIS_URL: redis.url,
      KW_INSTANCE_ID: 'notify-b',
      KW_ALERTMANAGER_URL: alertmanager.url,
      KW_ALERTMANAGER_RESEND_MS: '60000',
      KW_WEBHOOK_URL: receiver.url,
      KW_NOTIFY_TIMEOUT_MS: String(TIMEOUT_MS),
      KW_NOTIFY_MAX_ATTEMPTS: String(ATTEMPTS),
    });
    await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
  });

  afterAll(async () => {
    await server?.stop();
    await receiver?.stop();
    producer?.destroy();
    await redis?.stop();
  });

  it('delays nothing else: alerts reach the channel and Alertmanager at once, and the retries end', async () => {
    const oncall = bearer(await createToken(redis.url, 'oncall'));
    const live = await RecordingClient.connect(server.origin, ['alerts'], oncall);
    await waitFor(() => live.messages.some((message) => message.type === 'snapshot'), 5000);
    const actors = ['hang-1', 'hang-2', 'hang-3'];
    const sentAt = Date.now();
    for (const actor of actors) await rawAccess(producer, actor);

    const opened = (): string[] => live.messages.flatMap((message) => (message.type === 'alert' ? [message.alert.labels.actor ?? ''] : []));
    await waitFor(() => actors.every((actor) => opened().includes(actor)), 3000, () => 'every alert on the channel');
    expect(Date.now() - sentAt).toBeLessThan(TIMEOUT_MS + 1000);
    await waitFor(async () => (await alertmanager.find({ instance: 'notify-b' })).length === 1
      && (await alertmanager.alerts()).filter((alert) => actors.includes(alert.labels.actor ?? '')).length === actors.length,
    3000, () => 'every alert in Alertmanager');
    expect(Date.now() - sentAt).toBeLessThan(TIMEOUT_MS + 1000);
    // Meanwhile the hanging receiver is still holding the first notification.
    expect(receiver.connectionsSeen).toBeGreaterThanOrEqual(1);
    expect(receiver.connectionsSeen).toBeLessThan(actors.length * ATTEMPTS);

    // Each notification gets ATTEMPTS attempts of TIMEOUT_MS, one after another; then nothing more.
    const bound = actors.length * (ATTEMPTS * TIMEOUT_MS + 1000) + 3000;
    await waitFor(async () => /keywatch_notifications_total\{target="webhook",outcome="failed"\} 3$/m.test(await (await fetch(`${server.origin}/metrics`)).text()),
      bound, () => 'every webhook notification given up');
    expect(receiver.connectionsSeen).toBe(actors.length * ATTEMPTS);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(receiver.connectionsSeen).toBe(actors.length * ATTEMPTS);
    // The abandoned connections are closed too: nothing piles up.
    await waitFor(() => receiver.openConnections === 0, 10_000, () => `${receiver.openConnections} connections still open`);
    expect(server.output).toContain('notification given up after its last attempt');
    expect(server.output).not.toContain('/hooks/keywatch');
    live.close();
  });
});

describe('with nothing to notify', () => {
  let server: KeywatchProcess;

  beforeAll(async () => {
    server = await KeywatchProcess.start({ KW_SIM_COLLECTORS: '5' });
    await waitFor(() => /keywatch: admin password: \S+/.test(server.output), 10_000);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers 409 to a test notification', async () => {
    const password = /keywatch: admin password: (\S+)/.exec(server.output)![1]!;
    const cookie = await signIn(server.origin, 'admin', password);
    const answer = await post(server.origin, '/api/notifications/test', cookie, {});
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ error: 'conflict', message: expect.stringContaining('KW_WEBHOOK_URL') });
  });
});
