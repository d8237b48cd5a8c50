/**
 * Every event and threshold rule fires on its case through the whole stack on a real
 * Redis — entries XADDed by a plain client, the alert read back over HTTP — with the
 * spec's rule name, severity and labels. (The baseline rules — volume_spike,
 * redaction_rate_drop, collector_silent — need minutes of learned history: they fire
 * on real Redis in alert-baselines.test.ts and are measured over a simulated day in
 * server/alerts/simulated-day.test.ts.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, createToken } from '../support/accounts.js';
import { findAlert, waitForAlerts, type ExpectedAlert } from '../support/alerts.js';
import { collectFields, securityFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';

let redis: TestRedis;
let producer: TestRedisClient;
let server: KeywatchProcess;
let oncall: Record<string, string>;

// Working hours that never include now (half an hour, two hours ahead): every batch is off-hours.
const workHour = String((new Date().getUTCHours() + 2) % 24).padStart(2, '0');
const OFF_HOURS_WINDOW = `${workHour}:00-${workHour}:30 Mon-Sun`;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_INSTANCE_ID: 'rules', KW_WORKING_HOURS: OFF_HOURS_WINDOW, KW_TZ: 'UTC' });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
  oncall = bearer(await createToken(redis.url, 'oncall'));
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

const security = (fields: Record<string, string | number>): Promise<unknown> => producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields(fields)]);
const collect = (fields: Record<string, string | number>): Promise<unknown> => producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields(fields)]);

it('raises every event and threshold rule with the spec name, severity and labels', async () => {
  await security({ kind: 'raw_access', actor: 'mallory', resource: 'raw-store', outcome: 'allowed' });
  for (let index = 0; index < 10; index++) await security({ kind: 'raw_access', actor: 'prober', resource: 'raw-store', outcome: 'denied' });
  await security({ kind: 'export', actor: 'bob', resource: 'export:team-7', outcome: 'allowed', records: 250_000 });
  for (let index = 0; index < 10; index++) await security({ kind: 'auth_failure', actor: 'eve', outcome: 'denied', source: '203.0.113.9' });
  await security({ kind: 'policy_change', actor: 'admin-x', resource: 'policy:redaction', outcome: 'allowed', detail: 'redaction_disabled' });
  await security({ kind: 'collector_tamper', actor: 'c-77', resource: 'agent', outcome: 'allowed' });
  await security({ kind: 'retention_breach', actor: 'svc-retention', resource: 'raw-store', outcome: 'allowed' });
  const ts = Date.now();
  await collect({ ts, collector: 'c-consent', subject: 's-9', team: 'red', consent: 'revoked' });
  await collect({ ts, collector: 'c-plain', subject: 's-8', team: 'red', tls: 0 });
  await collect({ ts, collector: 'c-raw', subject: 's-7', team: 'red', text: 'fake typed words' });
  for (let second = 0; second < 12; second++) {
    await collect({ ts: ts - second * 1000, collector: 'c-drops', subject: 's-6', team: 'blue', keys: 20, clicks: 5, moves: 20, scrolls: 5, dropped: 30, redacted: 0, red_password: 0, red_email: 0, corrections: 0 });
  }
  for (let index = 0; index < 12; index++) await collect({ ts, collector: `c-late-${index}`, subject: `s-late-${index}`, team: 'night-owls' });

  const expected: ExpectedAlert[] = [
    ['unauthorized_raw_access', 'critical', { actor: 'mallory', resource: 'raw-store' }],
    ['raw_access_denied_burst', 'high', { actor: 'prober' }],
    ['bulk_export', 'high', { actor: 'bob', resource: 'export:team-7' }],
    ['auth_failure_burst', 'high', { actor: 'eve' }],
    ['auth_failure_burst', 'high', { source: '203.0.113.9' }],
    ['redaction_policy_weakened', 'critical', { actor: 'admin-x', detail: 'redaction_disabled' }],
    ['collector_tamper', 'high', { actor: 'c-77', resource: 'agent' }],
    ['retention_breach', 'high', { actor: 'svc-retention', resource: 'raw-store' }],
    ['consent_revoked_collection', 'critical', { team: 'red', collector: 'c-consent' }],
    ['unencrypted_collection', 'high', { team: 'red', collector: 'c-plain' }],
    ['raw_content_in_stream', 'critical', { stream: 'kw:collect', collector: 'c-raw', field: 'text' }],
    ['dropped_events', 'warning', { team: 'blue', collector: 'c-drops' }],
    ['off_hours_collection', 'info', { team: 'night-owls' }],
  ];
  const alerts = await waitForAlerts(server.origin, oncall, expected, 90_000);
  const found = (rule: string, labels: Record<string, string>) => findAlert(alerts, rule, labels);
  for (const [rule, severity, labels] of expected) expect(found(rule, labels), rule).toMatchObject({ rule, severity, labels, state: 'firing' });
  // Summaries carry ids and numbers only: the unknown field's value never appears.
  expect(JSON.stringify(alerts)).not.toContain('fake typed words');
}, 120_000);
