/**
 * Alerts end to end on a real Redis: a security event raises the spec's alert at once on
 * the `alerts` channel; an ack is saved, audited and pushed; a client that resumes gets
 * exactly what it missed; a SIGKILLed server keeps every alert, ack and silence.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts.js';
import { bearer, createToken } from '../support/accounts.js';
import { securityFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

let redis: TestRedis;
let producer: TestRedisClient;
let server: KeywatchProcess;
let oncall: Record<string, string>;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_INSTANCE_ID: 'alerts', KW_RAW_ACCESS_ALLOW: 'svc-trainer' });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
  oncall = bearer(await createToken(redis.url, 'oncall'));
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

const alertMessages = (client: RecordingClient): { id: string; alert: Alert }[] =>
  client.messages.flatMap((message) => (message.type === 'alert' ? [{ id: message.id, alert: message.alert }] : []));

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.origin}${path}`, { method: 'POST', headers: { ...oncall, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

it('raises, acknowledges, resumes and survives a SIGKILL without losing or duplicating anything', async () => {
  const live = await RecordingClient.connect(server.origin, ['alerts'], oncall);
  await waitFor(() => live.messages.some((message) => message.type === 'snapshot'), 5000);
  await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'raw_access', actor: 'mallory', resource: 'raw-store', outcome: 'allowed' })]);
  await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'raw_access', actor: 'svc-trainer', resource: 'raw-store', outcome: 'allowed' })]);
  await waitFor(() => alertMessages(live).length >= 1, 10_000, () => 'the alert at once');
  const [opened] = alertMessages(live);
  expect(opened!.alert).toMatchObject({
    rule: 'unauthorized_raw_access', severity: 'critical', state: 'firing', labels: { actor: 'mallory', resource: 'raw-store' }, count: 1,
  });

  const acked = await post(`/api/alerts/${opened!.alert.id}/ack`, { note: 'looking into it' });
  expect(acked.status).toBe(200);
  expect(await acked.json()).toMatchObject({ state: 'acknowledged', ack: { note: 'looking into it' } });
  await waitFor(() => alertMessages(live).some((message) => message.alert.state === 'acknowledged'), 5000);
  const lastSeenId = alertMessages(live).at(-1)!.id;
  live.close();

  // While the client is away: a second alert, acknowledged too, and a silence.
  await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'export', actor: 'bob', resource: 'export:team-7', outcome: 'allowed', records: 500_000 })]);
  let second: Alert | undefined;
  await waitFor(async () => {
    const list = (await (await fetch(`${server.origin}/api/alerts`, { headers: oncall })).json()) as { alerts: Alert[] };
    second = list.alerts.find((alert) => alert.rule === 'bulk_export');
    return second !== undefined;
  }, 10_000, () => 'bulk_export raised');
  expect(second).toMatchObject({ severity: 'high', labels: { actor: 'bob', resource: 'export:team-7' } });
  const silence = await post('/api/silences', { matchers: { rule: 'bulk_export' }, durationMs: 3_600_000, comment: 'known migration' });
  expect(silence.status).toBe(201);

  const resumed = await RecordingClient.connect(server.origin, [], oncall);
  resumed.send({ type: 'subscribe', channels: ['alerts'], resume: { alerts: lastSeenId } });
  await waitFor(() => alertMessages(resumed).some((message) => message.alert.silenced), 5000, () => 'missed events');
  const snapshot = resumed.messages.find((message) => message.type === 'snapshot');
  expect(snapshot).toMatchObject({ channel: 'alerts', data: { recovered: true } });
  expect(snapshot?.type === 'snapshot' && 'alerts' in snapshot.data ? snapshot.data.alerts : undefined).toBeUndefined();
  const missedIds = alertMessages(resumed).map((message) => message.id);
  expect(new Set(missedIds).size).toBe(missedIds.length);
  expect(alertMessages(resumed).every((message) => message.alert.rule === 'bulk_export')).toBe(true);
  const resumeFrom = missedIds.at(-1)!;
  resumed.close();

  // SIGKILL mid-flight, restart: alerts, the ack and the silence are all still there.
  expect(await server.stop('SIGKILL')).toBe(null);
  await server.restart();
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
  const after = (await (await fetch(`${server.origin}/api/alerts`, { headers: oncall })).json()) as { alerts: Alert[] };
  expect(after.alerts.find((alert) => alert.id === opened!.alert.id)).toMatchObject({ state: 'acknowledged', ack: { note: 'looking into it' } });
  expect(after.alerts.filter((alert) => alert.rule === 'unauthorized_raw_access')).toHaveLength(1);
  expect(((await (await fetch(`${server.origin}/api/silences`, { headers: oncall })).json()) as { silences: unknown[] }).silences).toHaveLength(1);
  const again = await RecordingClient.connect(server.origin, [], oncall);
  again.send({ type: 'subscribe', channels: ['alerts'], resume: { alerts: resumeFrom } });
  await waitFor(() => again.messages.some((message) => message.type === 'snapshot'), 5000);
  expect(again.messages.find((message) => message.type === 'snapshot')).toMatchObject({ data: { recovered: true } });
  expect(alertMessages(again)).toEqual([]);
  // A resume id that cannot be honoured gets the full list.
  again.send({ type: 'unsubscribe', channels: ['alerts'] });
  again.send({ type: 'subscribe', channels: ['alerts'], resume: { alerts: 'not-an-id' } });
  await waitFor(() => again.messages.filter((message) => message.type === 'snapshot').length === 2, 5000);
  const full = again.messages.filter((message) => message.type === 'snapshot').at(-1);
  expect(full).toMatchObject({ data: { recovered: false } });
  expect(full?.type === 'snapshot' && 'alerts' in full.data ? full.data.alerts?.length : 0).toBe(2);
  again.close();

  const audit = (await producer.sendCommand(['XRANGE', 'kw:audit', '-', '+'])) as [string, string[]][];
  const actions = audit.map(([, fields]) => fields[fields.indexOf('action') + 1]);
  expect(actions).toEqual(expect.arrayContaining(['alert_ack', 'silence_create']));
});
