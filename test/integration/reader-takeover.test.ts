/**
 * Reader robustness on real Redis: entries left pending by a consumer that died for good
 * are taken over (XAUTOCLAIM) and counted once; entries trimmed by their producer before
 * the group read them are reported as a gap (log, pipeline view, metric) and the rest is
 * read. Each scenario uses its own key prefix on one redis-server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PipelineData } from '../../shared/pipeline.js';
import type { ServerMessage } from '../../shared/protocol.js';
import { bearer, createToken } from '../support/accounts.js';
import { collectFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

let redis: TestRedis;
let producer: TestRedisClient;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
});

afterAll(async () => {
  producer?.destroy();
  await redis?.stop();
});

async function prepareGroup(prefix: string): Promise<void> {
  for (const stream of ['collect', 'security']) await producer.sendCommand(['XGROUP', 'CREATE', `${prefix}${stream}`, 'keywatch', '0', 'MKSTREAM']);
}

async function write(prefix: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) await producer.sendCommand(['XADD', `${prefix}collect`, '*', ...collectFields({ ts: Date.now() })]);
}

const counter = async (prefix: string, name: string): Promise<number> => Number((await producer.hGet(`${prefix}ingest`, name)) ?? 0);

it('takes over the pending entries of a consumer that died, and counts them once', async () => {
  const prefix = 'ghost:';
  await prepareGroup(prefix);
  await write(prefix, 20);
  // A consumer reads them and dies before acknowledging anything.
  await producer.sendCommand(['XREADGROUP', 'GROUP', 'keywatch', 'ghost', 'COUNT', '100', 'STREAMS', `${prefix}collect`, '>']);
  await write(prefix, 5);
  const server = await KeywatchProcess.start({
    REDIS_URL: redis.url, KW_STREAM_PREFIX: prefix, KW_INSTANCE_ID: 'heir', KW_CLAIM_IDLE_MS: '2000', KW_LATENESS_MS: '60000',
  });
  try {
    await waitFor(async () => (await counter(prefix, 'accepted_collect')) === 25, 20_000, () => `taken over: ${server.output.slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(await counter(prefix, 'accepted_collect')).toBe(25);
    expect(await producer.sendCommand(['XPENDING', `${prefix}collect`, 'keywatch'])).toEqual([0, null, null, null]);
  } finally {
    await server.stop();
  }
});

it('reports entries trimmed before they were read, and reads the rest', async () => {
  const prefix = 'trim:';
  await prepareGroup(prefix);
  await write(prefix, 100);
  await producer.sendCommand(['XTRIM', `${prefix}collect`, 'MAXLEN', '10']);
  const server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_STREAM_PREFIX: prefix, KW_INSTANCE_ID: 'trimmed', KW_LATENESS_MS: '60000' });
  try {
    await waitFor(async () => (await counter(prefix, 'accepted_collect')) === 10, 15_000, () => server.output.slice(-500));
    const client = await RecordingClient.connect(server.origin, ['pipeline'], bearer(await createToken(redis.url, 'oncall', prefix)));
    await waitFor(() => client.messages.some((message) => message.type === 'snapshot'), 5000);
    const data = (client.messages.find((message) => message.type === 'snapshot') as Extract<ServerMessage, { type: 'snapshot' }>).data as PipelineData;
    expect(data.trimmedUnread).toMatchObject({ incidents: 1, entries: 90, last: { stream: 'collect', entries: 90 } });
    expect(server.output).toContain('trimmed from the stream before Keywatch read them');
    const metrics = await (await fetch(`${server.origin}/metrics`)).text();
    expect(metrics).toMatch(/^keywatch_ingest_trimmed_unread_entries_total 90$/m);
    client.close();
  } finally {
    await server.stop();
  }
});
