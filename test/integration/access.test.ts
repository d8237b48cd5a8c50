/**
 * Who may see and do what, end to end against a real Redis and the built server: every
 * role × channel and route, sessions that end while sockets are open (sign-out, role
 * change, revoked token, expiry), a stolen cookie replayed after sign-out, hostile
 * requests, and the audit trail those actions leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_ACCESS, CHANNELS, ROLES, type Role } from '../../shared/channels.js';
import { bearer, createToken, createUser, keywatchCli, signIn } from '../support/accounts.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis } from '../support/redis-server.js';
import { RecordingClient } from '../support/ws-client.js';

const PASSWORD = 'correct horse battery staple';

let redis: TestRedis;
let server: KeywatchProcess;
const sessions = {} as Record<Role, Record<string, string>>;

beforeAll(async () => {
  redis = await TestRedis.start();
  for (const role of ROLES) await createUser(redis.url, `${role}-user`, role, PASSWORD);
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_TICK_MS: '100', KW_HEARTBEAT_MS: '300' });
  for (const role of ROLES) sessions[role] = await signIn(server.origin, `${role}-user`, PASSWORD);
});

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

async function api(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${server.origin}${path}`, init);
}

/** Subscribes to `channel` and waits for the snapshot or an error about it. */
async function subscribeOutcome(client: RecordingClient, channel: string): Promise<string> {
  client.send({ type: 'subscribe', channels: [channel] });
  let outcome = '';
  await waitFor(() => {
    for (const message of client.messages) {
      if (message.type === 'snapshot' && message.channel === channel) outcome = 'snapshot';
      if (message.type === 'error' && message.channel === channel) outcome = message.code;
    }
    return outcome !== '';
  }, 5000, () => `an answer about ${channel}`);
  return outcome;
}

describe('role matrix', () => {
  it.each(ROLES)('%s: every channel allowed or refused as the spec says', async (role) => {
    const client = await RecordingClient.connect(server.origin, [], sessions[role]);
    for (const channel of CHANNELS) {
      const allowed = CHANNEL_ACCESS[channel].includes(role);
      const expected = allowed ? 'snapshot' : 'forbidden';
      expect(await subscribeOutcome(client, channel), `${role} → ${channel}`).toBe(expected);
    }
    const hello = client.messages.find((message) => message.type === 'hello');
    expect(hello).toMatchObject({ role, user: `${role}-user`, channels: CHANNELS.filter((channel) => CHANNEL_ACCESS[channel].includes(role)) });
    client.close();
  });

  const routes: [string, string, Role[]][] = [
    ['GET', '/api/me', ['admin', 'security', 'oncall', 'manager']],
    ['GET', '/api/snapshot?channel=overview', ['admin', 'security', 'oncall', 'manager']],
    ['GET', '/api/snapshot?channel=audit', ['admin', 'security']],
    ['GET', '/api/audit', ['admin', 'security']],
    ['GET', '/api/audit/export', ['admin', 'security']],
    ['GET', '/api/users', ['admin']],
    ['GET', '/api/tokens', ['admin']],
    ['GET', '/api/alerts', ['admin', 'security', 'oncall']],
    ['GET', '/api/silences', ['admin', 'security', 'oncall']],
    ['GET', '/api/snapshot?channel=pipeline', ['admin', 'security', 'oncall']],
  ];
  it.each(routes)('%s %s: 200 for its roles, 403 for the others, 401 signed out', async (method, path, allowed) => {
    for (const role of ROLES) {
      const response = await api(path, { method, headers: sessions[role] });
      expect(response.status, `${role} ${method} ${path}`).toBe(allowed.includes(role) ? 200 : 403);
      if (response.status === 403) expect(await response.json()).toMatchObject({ error: 'forbidden' });
    }
    const anonymous = await api(path, { method });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('refuses mutations by non-admins and leaves accounts unchanged', async () => {
    for (const role of ['security', 'oncall', 'manager'] as const) {
      const response = await api('/api/users', {
        method: 'POST', headers: { ...sessions[role], 'content-type': 'application/json' }, body: JSON.stringify({ name: 'mallory', role: 'admin' }),
      });
      expect(response.status).toBe(403);
    }
    expect(await keywatchCli(redis.url, ['user', 'list'])).not.toContain('mallory');
  });

  it('answers an upgrade with no credential 401, and a foreign Origin 403 before anything else', async () => {
    await expect(RecordingClient.connect(server.origin, [])).rejects.toThrow(/401/);
    await expect(RecordingClient.connect(server.origin, [], { ...sessions.admin, Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(RecordingClient.connect(server.origin, [], { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(RecordingClient.connect(server.origin, [], { Cookie: 'kw_session=kws_forged' })).rejects.toThrow(/401/);
  });

  it('gives unknown users and wrong passwords the same answer', async () => {
    const unknown = await api('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'nobody', password: 'x' }) });
    const wrong = await api('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'oncall-user', password: 'x' }) });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
  });
});

describe('credentials that end while sockets are open', () => {
  it('closes the socket with 1008 on sign-out, and the stolen cookie is worthless after', async () => {
    await createUser(redis.url, 'leaver', 'oncall', PASSWORD);
    const cookie = await signIn(server.origin, 'leaver', PASSWORD);
    const client = await RecordingClient.connect(server.origin, ['overview'], cookie);
    expect((await api('/api/session', { method: 'DELETE', headers: cookie })).status).toBe(204);
    await waitFor(() => client.closeCode !== null, 5000);
    expect(client.closeCode).toBe(1008);
    expect((await api('/api/me', { headers: cookie })).status).toBe(401);
    await expect(RecordingClient.connect(server.origin, [], cookie)).rejects.toThrow(/401/);
  });

  it('closes the sockets of a user whose role changes, and the old session no longer works', async () => {
    await createUser(redis.url, 'promoted', 'manager', PASSWORD);
    const cookie = await signIn(server.origin, 'promoted', PASSWORD);
    const client = await RecordingClient.connect(server.origin, ['overview'], cookie);
    const response = await api('/api/users/promoted/role', {
      method: 'PUT', headers: { ...sessions.admin, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'security' }),
    });
    expect(response.status).toBe(200);
    await waitFor(() => client.closeCode !== null, 5000);
    expect(client.closeCode).toBe(1008);
    expect((await api('/api/me', { headers: cookie })).status).toBe(401);
    expect(await (await api('/api/me', { headers: await signIn(server.origin, 'promoted', PASSWORD) })).json()).toEqual({ user: 'promoted', role: 'security' });
  });

  it('closes the sockets of a user who is removed', async () => {
    await createUser(redis.url, 'removed', 'oncall', PASSWORD);
    const cookie = await signIn(server.origin, 'removed', PASSWORD);
    const client = await RecordingClient.connect(server.origin, ['overview'], cookie);
    await keywatchCli(redis.url, ['user', 'remove', 'removed']);
    await waitFor(() => client.closeCode !== null, 5000);
    expect(client.closeCode).toBe(1008);
    expect((await api('/api/me', { headers: cookie })).status).toBe(401);
  });

  it('closes the sockets of a revoked token, which then gets 401', async () => {
    const token = await createToken(redis.url, 'security');
    const client = await RecordingClient.connect(server.origin, ['overview'], bearer(token));
    const name = ((await keywatchCli(redis.url, ['token', 'list'])).split('\n').find((line) => line.startsWith('test-security')) ?? '').split('\t')[0]!;
    await keywatchCli(redis.url, ['token', 'revoke', name]);
    await waitFor(() => client.closeCode !== null, 5000);
    expect(client.closeCode).toBe(1008);
    expect((await api('/api/me', { headers: bearer(token) })).status).toBe(401);
  });

  it('closes the socket of an expired session (idle expiry) with 1008', async () => {
    const shortLived = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_SESSION_IDLE_MS: '1000', KW_SESSION_MAX_MS: '2500', KW_HEARTBEAT_MS: '300', KW_INSTANCE_ID: 'short' });
    try {
      const cookie = await signIn(shortLived.origin, 'oncall-user', PASSWORD);
      const client = await RecordingClient.connect(shortLived.origin, ['overview'], cookie);
      // An open socket keeps the session from idling out; the absolute maximum still ends it.
      await waitFor(() => client.closeCode !== null, 8000);
      expect(client.closeCode).toBe(1008);
      expect((await fetch(`${shortLived.origin}/api/me`, { headers: cookie })).status).toBe(401);
    } finally {
      await shortLived.stop();
    }
  });
});

describe('hostile requests', () => {
  const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
    api('/api/users', { method: 'POST', headers: { ...sessions.admin, 'content-type': 'application/json', ...headers }, body });

  it.each([
    ['an unknown property', JSON.stringify({ name: 'x1', role: 'admin', isAdmin: true }), 400, 'bad_request'],
    ['a wrong type', JSON.stringify({ name: 42, role: 'admin' }), 400, 'bad_request'],
    ['a role that does not exist', JSON.stringify({ name: 'x2', role: 'root' }), 400, 'bad_request'],
    ['a __proto__ key', '{"name":"x3","role":"admin","__proto__":{"polluted":true}}', 400, 'bad_request'],
    ['broken JSON', '{"name":', 400, 'bad_request'],
    ['an oversized body', JSON.stringify({ name: 'x4', role: 'admin', password: 'p'.repeat(100 * 1024) }), 413, 'payload_too_large'],
  ])('refuses %s with a JSON error and changes nothing', async (_what, body, status, code) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: code });
    expect(await keywatchCli(redis.url, ['user', 'list'])).not.toMatch(/^x[1-4]\t/m);
  });

  it('refuses a mutation from a foreign Origin even with a valid session', async () => {
    const response = await post(JSON.stringify({ name: 'csrf-victim', role: 'admin' }), { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await keywatchCli(redis.url, ['user', 'list'])).not.toContain('csrf-victim');
  });

  it('survives header floods and a huge Sec-WebSocket-Protocol with an HTTP error', async () => {
    const many: Record<string, string> = {};
    for (let index = 0; index < 500; index++) many[`x-flood-${index}`] = 'y'.repeat(40);
    const flooded = await api('/api/me', { headers: { ...sessions.admin, ...many } }).catch((error: Error) => error);
    expect(flooded instanceof Response ? flooded.status : 431).toBe(431);
    await expect(RecordingClient.connect(server.origin, [], { ...sessions.admin, 'Sec-WebSocket-Protocol': 'p'.repeat(20_000) })).rejects.toThrow(/431|socket hang up|ECONNRESET/);
    expect((await api('/healthz')).status).toBe(200);
  });

  it('closes a socket with 1009 for a fragmented message over 64 KiB, and rate-limits a flood without closing', async () => {
    const fragmented = await RecordingClient.connect(server.origin, [], sessions.admin);
    for (let index = 0; index < 9; index++) fragmented.sendFragment('x'.repeat(8 * 1024), index === 8);
    await waitFor(() => fragmented.closeCode !== null, 5000);
    expect(fragmented.closeCode).toBe(1009);

    const flooder = await RecordingClient.connect(server.origin, [], sessions.admin);
    for (let index = 0; index < 500; index++) flooder.send({ type: 'unsubscribe', channels: ['overview'] });
    await waitFor(() => flooder.messages.some((message) => message.type === 'error' && message.code === 'rate_limited'), 5000);
    flooder.send({ type: 'subscribe', channels: ['overview'] });
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the bucket refills
    flooder.send({ type: 'subscribe', channels: ['overview'] });
    await waitFor(() => flooder.messages.some((message) => message.type === 'snapshot'), 5000);
    expect(flooder.closeCode).toBeNull();
    flooder.close();
  });

  it('rate-limits sign-in attempts for a user', async () => {
    const attempt = (): Promise<Response> => api('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'limited', password: 'wrong' }) });
    const statuses: number[] = [];
    for (let index = 0; index < 7; index++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('audit trail of these actions', () => {
  it('records sign-ins, sign-outs and account changes, and verifies intact', async () => {
    const response = await api('/api/audit?limit=1000', { headers: sessions.security });
    const { entries } = (await response.json()) as { entries: { user: string; action: string; target: string }[] };
    const actions = new Set(entries.map((entry) => entry.action));
    for (const action of ['sign_in', 'sign_in_failed', 'sign_out', 'user_add', 'user_remove', 'role_change', 'token_create', 'token_revoke']) {
      expect(actions, action).toContain(action);
    }
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect(await keywatchCli(redis.url, ['audit', 'verify'])).toMatch(/audit trail intact: \d+ entries/);
  });
});
