/**
 * One contract suite for both audit-log adapters (house style: one suite run against every
 * backend): the Redis adapter against a real redis-server, and the embedded one. Each
 * backend brings its own way to tamper with what it stores, the way someone with write
 * access to Redis (or to the process) could.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../server/audit/audit-actions.js';
import type { StoredAuditEntry } from '../../server/audit/audit-chain.js';
import { AuditError, AuditErrorCode, DAY_MS, type AuditLog, type AuditRecord } from '../../server/audit/audit-log.js';
import { MemoryAuditLog, MemoryAuditStore } from '../../server/audit/memory-audit-log.js';
import { RedisAuditLog } from '../../server/audit/redis-audit-log.js';
import { flatPairs, openRedis, type RedisClient } from '../../server/ingest/redis-connection.js';
import { TestRedis } from '../support/redis-server.js';

type StoredField = Exclude<keyof StoredAuditEntry, 'id'>;
const STORED_FIELDS: readonly StoredField[] = ['at', 'user', 'action', 'target', 'prev', 'hash'];

/** Changes the stored data behind the log's back. */
interface Tamper {
  /** Overwrites one stored field of entry `id`. */
  edit(id: string, field: StoredField, value: string): Promise<void>;
  /** Removes entry `id`. */
  remove(id: string): Promise<void>;
  /** Overwrites the head hash. */
  setHead(hash: string): Promise<void>;
}

interface LogOptions {
  retentionMs?: number;
  now?: () => number;
}

interface AuditBackend {
  /** A new adapter instance over this backend's data (as another server instance would be). */
  log(options?: LogOptions): AuditLog;
  tamper: Tamper;
}

interface BackendFactory {
  name: string;
  setup(): Promise<void>;
  /** A fresh, isolated backend. */
  create(): AuditBackend;
  teardown(): Promise<void>;
}

function memoryFactory(): BackendFactory {
  return {
    name: 'embedded',
    setup: async () => {},
    create() {
      const store = new MemoryAuditStore();
      const entry = (id: string): StoredAuditEntry => {
        const found = store.entries.find((candidate) => candidate.id === id);
        if (!found) throw new Error(`no entry ${id}`);
        return found;
      };
      return {
        log: (options) => new MemoryAuditLog({ store, ...options }),
        tamper: {
          edit: async (id, field, value) => {
            entry(id)[field] = value;
          },
          remove: async (id) => {
            store.entries.splice(store.entries.indexOf(entry(id)), 1);
          },
          setHead: async (hash) => {
            store.head = hash;
          },
        },
      };
    },
    teardown: async () => {},
  };
}

function redisFactory(): BackendFactory {
  let redis: TestRedis;
  let admin: RedisClient;
  const clients: RedisClient[] = [];
  let prefixCounter = 0;
  return {
    name: 'redis',
    async setup() {
      redis = await TestRedis.start();
      admin = openRedis({ url: redis.url });
      await admin.ping();
    },
    create() {
      const prefix = `a${++prefixCounter}:`;
      const stream = `${prefix}audit`;
      return {
        log(options) {
          // Its own connection, like a separate server instance.
          const client = openRedis({ url: redis.url });
          clients.push(client);
          return new RedisAuditLog({ client, prefix, ...options });
        },
        tamper: {
          async edit(id, field, value) {
            // A stream entry cannot be changed in place: rebuild the stream with the same ids.
            const raw = (await admin.sendCommand(['XRANGE', stream, '-', '+'])) as [string, unknown[]][];
            await admin.sendCommand(['DEL', stream]);
            for (const [entryId, fields] of raw) {
              const pairs = [...flatPairs(fields)].map(([name, stored]) => [name, entryId === id && name === field ? value : String(stored)]);
              await admin.sendCommand(['XADD', stream, entryId, ...pairs.flat()]);
            }
          },
          async remove(id) {
            expect(await admin.sendCommand(['XDEL', stream, id])).toBe(1);
          },
          async setHead(hash) {
            await admin.sendCommand(['SET', `${prefix}audit:head`, hash]);
          },
        },
      };
    },
    async teardown() {
      for (const client of clients) client.destroy();
      admin.destroy();
      await redis.stop();
    },
  };
}

const record = (index: number): AuditRecord => ({ user: `user-${index}`, action: AUDIT_ACTIONS[index % AUDIT_ACTIONS.length]!, target: `target-${index}` });

async function appendMany(log: AuditLog, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) ids.push((await log.append(record(index))).id);
  return ids;
}

/** Every entry, newest first, through the `before` cursor. */
async function listAll(log: AuditLog, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  do {
    const page = await log.list({ limit, before });
    ids.push(...page.entries.map((entry) => entry.id));
    before = page.next;
  } while (before !== null);
  return ids;
}

async function csvOf(log: AuditLog): Promise<string> {
  let text = '';
  for await (const line of log.exportCsv()) text += line;
  return text;
}

async function refusal(promise: Promise<unknown>): Promise<AuditError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuditError);
  return error as AuditError;
}

describe.each([memoryFactory(), redisFactory()])('audit log: $name', (factory) => {
  beforeAll(() => factory.setup());
  afterAll(() => factory.teardown());

  it('lists entries newest first, a page at a time through the `before` cursor', async () => {
    const log = factory.create().log();
    const appended = [];
    for (let index = 0; index < 5; index++) appended.push(await log.append(record(index)));
    const ids = appended.map((entry) => entry.id);
    expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(5);

    const first = await log.list({ limit: 2 });
    expect(first.entries).toEqual([appended[4], appended[3]]);
    expect(first.entries[0]).toMatchObject({ user: 'user-4', action: AUDIT_ACTIONS[4], target: 'target-4' });
    expect(first.entries[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    const second = await log.list({ limit: 2, before: first.next });
    expect(second.entries.map((entry) => entry.id)).toEqual([ids[2], ids[1]]);
    const last = await log.list({ limit: 2, before: second.next });
    expect(last).toEqual({ entries: [appended[0]], next: null });
    expect(await log.list({ limit: 5 })).toMatchObject({ next: null });
    expect((await log.list({ limit: 1000 })).entries).toHaveLength(5);
    expect(await log.list({ limit: 10, before: ids[0] })).toEqual({ entries: [], next: null });
  });

  it('refuses a limit outside 1–1000 and a cursor it did not hand out', async () => {
    const log = factory.create().log();
    for (const options of [{ limit: 0 }, { limit: 1001 }, { limit: 1.5 }, { limit: 10, before: 'bogus' }, { limit: 10, before: '1-2-3' }]) {
      expect((await refusal(log.list(options))).code).toBe(AuditErrorCode.query);
    }
  });

  it('keeps entries for a new adapter instance, which continues the same chain', async () => {
    const backend = factory.create();
    const ids = await appendMany(backend.log(), 3);
    const restarted = backend.log();
    expect(await listAll(restarted, 10)).toEqual([...ids].reverse());
    await restarted.append(record(3));
    expect(await restarted.verify()).toEqual({ ok: true, entries: 4 });
    expect(await backend.log().verify()).toEqual({ ok: true, entries: 4 });
  });

  it('verifies an empty trail and an intact chain', async () => {
    const log = factory.create().log();
    expect(await log.verify()).toEqual({ ok: true, entries: 0 });
    await appendMany(log, 12);
    expect(await log.verify()).toEqual({ ok: true, entries: 12 });
  });

  it('detects an edited entry', async () => {
    const backend = factory.create();
    const log = backend.log();
    const ids = await appendMany(log, 4);
    await backend.tamper.edit(ids[1]!, 'target', 'someone-else');
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'edited', at: ids[1], entries: 1 });
  });

  it('detects a deleted middle entry, at the entry after it', async () => {
    const backend = factory.create();
    const log = backend.log();
    const ids = await appendMany(log, 4);
    await backend.tamper.remove(ids[1]!);
    const outcome = await log.verify();
    expect(outcome).toMatchObject({ ok: false, problem: 'deleted', at: ids[2], entries: 1 });
    expect(outcome.ok === false && outcome.message).toContain(ids[2]);
  });

  it('detects a deleted newest entry, and keeps detecting it after new appends', async () => {
    const backend = factory.create();
    const log = backend.log();
    const ids = await appendMany(log, 4);
    await backend.tamper.remove(ids[3]!);
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'head_mismatch', at: ids[2], entries: 3 });
    // The next append links to the head, i.e. to the deleted entry: the gap stays visible.
    const next = await backend.log().append(record(9));
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'deleted', at: next.id, entries: 3 });
  });

  it('detects a rewritten head', async () => {
    const backend = factory.create();
    const log = backend.log();
    const ids = await appendMany(log, 3);
    await backend.tamper.setHead('0'.repeat(64));
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'head_mismatch', at: ids[2], entries: 3 });
  });

  it('detects deletion of every entry when the head remains', async () => {
    const backend = factory.create();
    const log = backend.log();
    const ids = await appendMany(log, 2);
    for (const id of ids) await backend.tamper.remove(id);
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'head_mismatch', at: null, entries: 0 });
  });

  it('keeps one intact chain when two instances append at once', async () => {
    const backend = factory.create();
    const [one, two] = [backend.log(), backend.log()];
    const appended = await Promise.all([
      ...Array.from({ length: 200 }, (_, index) => one.append(record(index))),
      ...Array.from({ length: 200 }, (_, index) => two.append(record(1000 + index))),
    ]);
    expect(new Set(appended.map((entry) => entry.id)).size).toBe(400);
    expect(await one.verify()).toEqual({ ok: true, entries: 400 });
    const listed = await listAll(two, 150);
    expect(listed).toHaveLength(400);
    expect(new Set(listed)).toEqual(new Set(appended.map((entry) => entry.id)));
  });

  it('trims entries older than the retention as it appends, and the kept chain still verifies', async () => {
    const backend = factory.create();
    const start = Date.UTC(2024, 0, 1);
    let clock = start;
    const log = backend.log({ retentionMs: 10 * DAY_MS, now: () => clock });
    const ids: string[] = [];
    for (let day = 0; day < 3; day++) {
      clock = start + day * DAY_MS;
      ids.push((await log.append(record(day))).id);
    }
    clock = start + 11.5 * DAY_MS;
    const newest = await log.append(record(3));
    const listed = await log.list({ limit: 10 });
    expect(listed.entries.map((entry) => entry.id)).toEqual([newest.id, ids[2]]);
    expect(listed.entries.map((entry) => entry.at)).toEqual([start + 11.5 * DAY_MS, start + 2 * DAY_MS]);
    expect(await log.verify()).toEqual({ ok: true, entries: 2 });
    expect(await csvOf(log)).toBe(`at,user,action,target\r\n${start + 2 * DAY_MS},user-2,${AUDIT_ACTIONS[2]},target-2\r\n${start + 11.5 * DAY_MS},user-3,${AUDIT_ACTIONS[3]},target-3\r\n`);

    // The oldest kept entry must follow the newest trimmed one: deleting it shows.
    await backend.tamper.remove(ids[2]!);
    expect(await log.verify()).toMatchObject({ ok: false, problem: 'deleted', at: newest.id, entries: 0 });
  });

  it('exports CSV oldest first, quoted per RFC 4180, with formulas neutralised', async () => {
    let clock = 1_700_000_000_000;
    const log = factory.create().log({ now: () => clock });
    const records: AuditRecord[] = [
      { user: 'alice', action: 'silence_create', target: 'rule=volume_spike, team "ops"' },
      { user: '=HYPERLINK("http://evil.example","x")', action: 'user_add', target: '+1' },
      { user: '-bob', action: 'view_collectors', target: '@SUM(A1)' },
      { user: 'carol', action: 'sign_in', target: '' },
    ];
    for (const entry of records) {
      await log.append(entry);
      clock += 1000;
    }
    expect(await csvOf(log)).toBe(
      'at,user,action,target\r\n' +
        '1700000000000,alice,silence_create,"rule=volume_spike, team ""ops"""\r\n' +
        '1700000001000,"\'=HYPERLINK(""http://evil.example"",""x"")",user_add,\'+1\r\n' +
        "1700000002000,'-bob,view_collectors,'@SUM(A1)\r\n" +
        '1700000003000,carol,sign_in,\r\n',
    );
    expect(await csvOf(factory.create().log())).toBe('at,user,action,target\r\n');
  });

  it('refuses values that may be secrets or forge lines, without storing or repeating them', async () => {
    const log = factory.create().log();
    const secret = 'S3CRET-' + 'x'.repeat(200);
    const refused: AuditRecord[] = [
      { user: secret, action: 'sign_in', target: '' },
      { user: 'alice', action: 'alert_ack', target: secret },
      { user: 'alice\nbob', action: 'sign_in', target: '' },
      { user: 'alice', action: 'sign_in', target: 'x\r\ny' },
      { user: 'alice', action: 'sign_in', target: 'a\u0000b' },
      { user: 'alice', action: 'sign_in', target: '\u001b[31mred' },
      { user: 'alice', action: 'sign_in', target: 'abc\u202edcba' },
      { user: 'alice', action: 'sign_in', target: 'lone \ud800 surrogate' },
      { user: '', action: 'sign_in', target: '' },
      { user: 'alice', action: 'drop_tables' as AuditRecord['action'], target: '' },
    ];
    for (const value of refused) {
      const error = await refusal(log.append(value));
      expect(error.code).toBe(AuditErrorCode.value);
      expect(error.message).not.toContain('S3CRET');
    }
    expect(await log.list({ limit: 10 })).toEqual({ entries: [], next: null });
    // The limit is 200 characters, counted as characters, not UTF-16 units.
    await log.append({ user: 'a'.repeat(200), action: 'user_add', target: '名'.repeat(200) });
    await log.append({ user: 'zoë', action: 'user_add', target: '😀'.repeat(200) });
    expect(await log.verify()).toEqual({ ok: true, entries: 2 });
  });

  it('property: any sequence of appends verifies, and any single-field edit of any entry is detected', async () => {
    const printable = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 10 })).filter((value) => !/[\p{C}\u2028\u2029]/u.test(value));
    const records = fc.array(
      fc.record({ user: printable.filter((value) => value !== ''), action: fc.constantFrom(...AUDIT_ACTIONS), target: printable }),
      { minLength: 1, maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(records, fc.nat(), fc.constantFrom(...STORED_FIELDS), fc.string({ maxLength: 20 }), async (appends, pick, field, replacement) => {
        const backend = factory.create();
        const log = backend.log();
        const ids: string[] = [];
        for (const value of appends) ids.push((await log.append(value)).id);
        expect(await log.verify()).toEqual({ ok: true, entries: appends.length });

        const index = pick % ids.length;
        const stored = (await log.list({ limit: 1000 })).entries.find((entry) => entry.id === ids[index])!;
        const current = field === 'at' ? String(stored.at) : field === 'prev' ? '' : field === 'hash' ? stored.hash : stored[field];
        const value = replacement === current ? `${replacement}x` : replacement;
        await backend.tamper.edit(ids[index]!, field, value);
        expect(await log.verify()).toMatchObject({ ok: false, problem: 'edited', at: ids[index], entries: index });
      }),
      { numRuns: 40 },
    );
  });
});
