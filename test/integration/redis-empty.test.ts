/**
 * Fault: Redis killed and restarted without persistence, so it comes back empty under a
 * running server. The loss is detected (Keywatch's epoch marker is gone) and said
 * plainly: on the pipeline view and as a `source_down` alert that waits for a person.
 * `/readyz` is 200 again as soon as the source is read; sessions and tokens from before
 * are invalid (401, sockets closed with 1008); an alerts resume from before answers
 * `recovered: false`; entries written afterwards are counted exactly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts.js';
import type { PipelineData } from '../../shared/pipeline.js';
import type { ServerMessage } from '../../shared/protocol.js';
import { bearer, createToken, createUser, signIn } from '../support/accounts.js';
import { collectFields, securityFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

let redis: TestRedis;
let producer: TestRedisClient;
let server: KeywatchProcess;

beforeAll(async () => {
  redis = await TestRedis.start({ appendOnly: false });
  producer = await redis.client();
  // A short auto-resolve: a condition alert would resolve within seconds; the data-loss one must not.
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_INSTANCE_ID: 'empty', KW_AUTO_RESOLVE_MS: '1000', KW_LATENESS_MS: '5000' });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

const accepted = async (): Promise<number> => Number((await producer.hGet('kw:ingest', 'accepted_collect')) ?? 0);
const writeCollect = async (count: number): Promise<void> => {
  for (let index = 0; index < count; index++) await producer.sendCommand(['XADD', 'kw:collect', '*', ...collectFields({ ts: Date.now() })]);
};

it('detects Redis that came back empty, says so, invalidates old credentials, and counts what comes after', async () => {
  await createUser(redis.url, 'ops', 'oncall', 'correct horse battery');
  const cookie = await signIn(server.origin, 'ops', 'correct horse battery');
  const token = bearer(await createToken(redis.url, 'oncall'));
  const viaCookie = await RecordingClient.connect(server.origin, ['overview', 'alerts'], cookie);
  const viaToken = await RecordingClient.connect(server.origin, ['pipeline'], token);
  await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'raw_access', actor: 'mallory', resource: 'raw-store', outcome: 'allowed' })]);
  await writeCollect(30);
  await waitFor(async () => (await accepted()) === 30, 10_000);
  await waitFor(() => viaCookie.messages.some((message) => message.type === 'alert'), 10_000, () => 'the first alert');
  const resumeFrom = viaCookie.messages.filter((message) => message.type === 'alert').at(-1)!.id;
  expect((await fetch(`${server.origin}/api/alerts`, { headers: cookie })).status).toBe(200);

  // Redis dies and comes back with nothing.
  await redis.kill();
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).status === 503, 10_000, () => 'readyz 503 while Redis is down');
  await redis.restart();
  producer.destroy();
  producer = await redis.client();
  expect(await producer.sendCommand(['XLEN', 'kw:collect']), 'Redis came back empty').toBe(0);
  const backAt = Date.now();
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 15_000, () => `readyz after the restart: ${server.output.slice(-600)}`);
  const readyAfterMs = Date.now() - backAt;

  // Old credentials: sockets closed with 1008, then 401 over HTTP.
  await waitFor(() => viaCookie.closeCode !== null && viaToken.closeCode !== null, 10_000, () => 'sockets closed');
  expect([viaCookie.closeCode, viaToken.closeCode]).toEqual([1008, 1008]);
  expect((await fetch(`${server.origin}/api/alerts`, { headers: cookie })).status).toBe(401);
  expect((await fetch(`${server.origin}/api/alerts`, { headers: token })).status).toBe(401);

  // The loss, said plainly: a source_down alert that waits for a person, and the pipeline view.
  const fresh = bearer(await createToken(redis.url, 'oncall'));
  let alerts: Alert[] = [];
  const dataLossAlert = (): Alert | undefined => alerts.find((alert) => alert.rule === 'source_down' && /without its data/.test(alert.summary));
  await waitFor(async () => {
    alerts = ((await (await fetch(`${server.origin}/api/alerts?limit=1000`, { headers: fresh })).json()) as { alerts: Alert[] }).alerts;
    return dataLossAlert() !== undefined;
  }, 10_000, () => `alerts: ${JSON.stringify(alerts.map((alert) => [alert.rule, alert.state]))}`);
  expect(dataLossAlert()).toMatchObject({ severity: 'high', labels: { stream: 'kw:*' }, state: 'firing' });
  const pipeline = await RecordingClient.connect(server.origin, ['pipeline'], fresh);
  await waitFor(() => pipeline.messages.some((message) => message.type === 'snapshot'), 5000);
  const pipelineData = (pipeline.messages.find((message) => message.type === 'snapshot') as Extract<ServerMessage, { type: 'snapshot' }>).data as PipelineData;
  expect(pipelineData.dataLoss?.detectedAt).toBeGreaterThanOrEqual(backAt - 1000);
  expect(pipelineData.source.state).toBe('up');

  // An alerts resume from before the loss cannot be honoured.
  const resumer = await RecordingClient.connect(server.origin, [], fresh);
  resumer.send({ type: 'subscribe', channels: ['alerts'], resume: { alerts: resumeFrom } });
  await waitFor(() => resumer.messages.some((message) => message.type === 'snapshot'), 5000);
  const snapshot = resumer.messages.find((message) => message.type === 'snapshot') as Extract<ServerMessage, { type: 'snapshot' }>;
  expect(snapshot.data).toMatchObject({ recovered: false });

  // Entries written afterwards are counted, exactly.
  await writeCollect(40);
  await waitFor(async () => (await accepted()) === 40, 10_000, () => "40 entries accepted after the loss");
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await accepted()).toBe(40);

  // Condition alerts would have auto-resolved by now (1 s); the data-loss alert waits for a person.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  alerts = ((await (await fetch(`${server.origin}/api/alerts?limit=1000`, { headers: fresh })).json()) as { alerts: Alert[] }).alerts;
  expect(dataLossAlert()?.state).toBe('firing');
  console.log(`redis-empty: /readyz 200 again ${readyAfterMs} ms after Redis answered; loss detected at ${pipelineData.dataLoss?.detectedAt}`);
  for (const client of [pipeline, resumer]) client.close();
}, 90_000);
