/**
 * The canary suite: unique strings planted in every place a producer could smuggle
 * content — unknown field values and names, over-long ids, malformed values — must not
 * come out anywhere: not in any WebSocket frame or HTTP response of any role, not in the
 * server's log, not in any key or value the server writes to Redis; in no encoding.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/channels.js';
import { collectFields, securityFields } from '../support/entries.js';
import { createUser, signIn } from '../support/accounts.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { dumpKeywatchKeys } from '../support/redis-dump.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

const CANARIES = ['kwcanaryvalue1a2b', 'KWCANARYNAME3C4D', 'kwcanaryid5e6f', 'kwcanarymalformed7g8h', 'kwcanarysecurity9i0j'];
const PASSWORD = 'canary suite password';

/** Every form a canary could take on the way out. */
function encodings(canary: string): string[] {
  return [
    canary,
    canary.toLowerCase(),
    JSON.stringify(canary).slice(1, -1),
    Buffer.from(canary).toString('base64').slice(0, 12),
    Buffer.from(canary).toString('base64url').slice(0, 12),
    Buffer.from(canary).toString('hex'),
    encodeURIComponent(canary),
  ];
}

let redis: TestRedis;
let server: KeywatchProcess;
let producer: TestRedisClient;

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
  for (const role of ROLES) await createUser(redis.url, `${role}-canary`, role, PASSWORD);
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_TICK_MS: '100', KW_LOG_LEVEL: 'debug', KW_LATENESS_MS: '1000' });
});

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

it('lets no canary out, in any encoding, to any role, log or Redis key', async () => {
  const sessions = {} as Record<Role, Record<string, string>>;
  const clients = {} as Record<Role, RecordingClient>;
  for (const role of ROLES) {
    sessions[role] = await signIn(server.origin, `${role}-canary`, PASSWORD);
    clients[role] = await RecordingClient.connect(server.origin, ['overview', 'teams', 'alerts', 'collectors', 'pipeline', 'audit'], sessions[role]);
  }
  const [value, name, id, malformed, security] = CANARIES as [string, string, string, string, string];
  const plant = async (stream: string, fields: string[]): Promise<void> => {
    await producer.sendCommand(['XADD', `kw:${stream}`, '*', ...fields]);
  };
  const ts = Date.now();
  await plant('collect', collectFields({ ts, text: `${value} typed words` }));
  await plant('collect', collectFields({ ts, clipboard: value.repeat(10) }));
  await plant('collect', collectFields({ ts, [name]: 'x', [`${name}_and_more_than_thirty_two_chars_long`]: 'y' }));
  await plant('collect', collectFields({ ts, note: `${value}${'.'.repeat(80)}` }));
  await plant('collect', collectFields({ ts, collector: `${id}${'x'.repeat(80)}` }));
  await plant('collect', collectFields({ ts, subject: `${id} with spaces` }));
  await plant('collect', collectFields({ ts, keys: malformed }));
  await plant('collect', collectFields({ ts, consent: malformed }));
  await plant('collect', [...collectFields({ ts }), 'text', value, 'text', value]);
  await plant('security', securityFields({ ts, actor: `${security}!`, payload: security }));
  await plant('security', securityFields({ ts, kind: security }));
  await waitFor(async () => Number(await producer.hGet('kw:ingest', 'rejected_id') ?? 0) >= 2, 10_000, () => 'the planted entries were read');
  await new Promise((resolve) => setTimeout(resolve, 2500)); // past the lateness: managers' seconds are final

  const responses: string[] = [];
  for (const role of ROLES) {
    for (const path of ['/api/me', '/api/snapshot?channel=overview', '/api/snapshot?channel=audit', '/api/audit?limit=1000', '/api/audit/export', '/api/users', '/api/tokens', '/readyz', '/healthz']) {
      const response = await fetch(`${server.origin}${path}`, { headers: sessions[role] });
      responses.push(`${role} ${path} ${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
    }
  }
  const written = [await dumpKeywatchKeys(producer)];
  const places: Record<string, string> = {
    logs: server.output,
    redis: written.join('\n'),
    http: responses.join('\n'),
    ...Object.fromEntries(ROLES.map((role) => [`frames of ${role}`, clients[role].frames.join('\n')])),
  };
  for (const [place, text] of Object.entries(places)) {
    expect(text.length, place).toBeGreaterThan(100);
    for (const canary of CANARIES) {
      for (const form of encodings(canary)) expect(text.includes(form), `${canary} (as ${form}) leaked into ${place}`).toBe(false);
    }
  }
  // The entries still counted where their contract fields were valid, and the rejects were listed.
  expect(await producer.hGet('kw:ingest', 'accepted_collect')).toBe('4'); // the four with only unknown fields added
  expect(Number(await producer.xLen('kw:dlq'))).toBeGreaterThanOrEqual(6);
  for (const role of ROLES) clients[role].close();
});
