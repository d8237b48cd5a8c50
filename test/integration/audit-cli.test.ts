/**
 * `keywatch audit verify|export` run as a user runs it (`node bin/keywatch.js audit …`, the
 * built CLI) against a real redis-server this test starts on a free port (never the
 * shared 6379): an intact trail exits 0, a tampered one exits 1 naming the problem and the
 * entry, and the export is the CSV of the trail. Needs the build (`npm test` builds first).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../server/audit/redis-audit-log.js';
import { openRedis, type RedisClient } from '../../server/ingest/redis-connection.js';
import { PROJECT_ROOT } from '../support/keywatch-process.js';
import { freePort, TestRedis } from '../support/redis-server.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `keywatch audit <args>` with only `env` (and PATH) in its environment. */
async function runAudit(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'keywatch.js'), 'audit', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  return { code, stdout, stderr };
}

describe('keywatch audit', () => {
  let redis: TestRedis;
  let client: RedisClient;
  let prefixCounter = 0;

  beforeAll(async () => {
    redis = await TestRedis.start();
    client = openRedis({ url: redis.url });
    await client.ping();
  });
  afterAll(async () => {
    client.destroy();
    await redis.stop();
  });

  /** A trail of three entries under a fresh prefix. */
  async function seed(): Promise<{ prefix: string; ids: string[]; env: Record<string, string> }> {
    const prefix = `cli${++prefixCounter}:`;
    const log = new RedisAuditLog({ client, prefix });
    const ids = [
      (await log.append({ user: 'admin', action: 'user_add', target: 'alice' })).id,
      (await log.append({ user: 'alice', action: 'sign_in', target: '' })).id,
      (await log.append({ user: 'alice', action: 'alert_ack', target: 'alert-42' })).id,
    ];
    return { prefix, ids, env: { REDIS_URL: redis.url, KW_STREAM_PREFIX: prefix } };
  }

  it('verify: an intact trail exits 0 and says how many entries it checked', async () => {
    const { env } = await seed();
    expect(await runAudit(['verify'], env)).toEqual({ code: 0, stdout: 'audit trail intact: 3 entries\n', stderr: '' });
  });

  it('verify: a deleted entry exits 1, naming the problem and the entry', async () => {
    const { prefix, ids, env } = await seed();
    await client.sendCommand(['XDEL', `${prefix}audit`, ids[1]!]);
    const run = await runAudit(['verify'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('audit trail NOT intact: deleted');
    expect(run.stderr).toContain(`at entry ${ids[2]}`);
  });

  it('verify: an edited entry or a rewritten head exits 1, naming the problem', async () => {
    const edited = await seed();
    // Rebuild the stream with one target changed, as someone with write access could.
    const raw = (await client.sendCommand(['XRANGE', `${edited.prefix}audit`, '-', '+'])) as [string, string[]][];
    await client.sendCommand(['DEL', `${edited.prefix}audit`]);
    for (const [id, fields] of raw) {
      const changed = fields.map((value, index) => (id === edited.ids[2] && fields[index - 1] === 'target' ? 'alert-7' : value));
      await client.sendCommand(['XADD', `${edited.prefix}audit`, id, ...changed]);
    }
    const editRun = await runAudit(['verify'], edited.env);
    expect(editRun.code).toBe(1);
    expect(editRun.stderr).toContain(`audit trail NOT intact: edited at entry ${edited.ids[2]}`);

    const rewritten = await seed();
    await client.sendCommand(['SET', `${rewritten.prefix}audit:head`, 'f'.repeat(64)]);
    const headRun = await runAudit(['verify'], rewritten.env);
    expect(headRun.code).toBe(1);
    expect(headRun.stderr).toContain(`audit trail NOT intact: head_mismatch at entry ${rewritten.ids[2]}`);
  });

  it('export: writes the trail as CSV, oldest first', async () => {
    const { env } = await seed();
    const run = await runAudit(['export'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe('at,user,action,target');
    expect(lines.slice(1, 4).map((line) => line.split(',').slice(1).join(','))).toEqual(['admin,user_add,alice', 'alice,sign_in,', 'alice,alert_ack,alert-42']);
    expect(lines[4]).toBe('');
  });

  it('reads an empty trail as intact under another prefix', async () => {
    expect(await runAudit(['verify'], { REDIS_URL: redis.url, KW_STREAM_PREFIX: 'nothing-here:' })).toMatchObject({ code: 0, stdout: 'audit trail intact: 0 entries\n' });
  });

  it('needs REDIS_URL, and says so', async () => {
    const run = await runAudit(['verify'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('REDIS_URL is not set');
  });

  it('answers --help, and refuses an unknown subcommand or a bad prefix', async () => {
    const help = await runAudit(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: keywatch audit <verify|export>');
    const unknown = await runAudit(['rewrite'], { REDIS_URL: redis.url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "rewrite"');
    const prefix = await runAudit(['verify'], { REDIS_URL: redis.url, KW_STREAM_PREFIX: 'bad prefix' });
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain('KW_STREAM_PREFIX');
  });

  it('exits 1 with a clear message when Redis cannot be reached', async () => {
    const run = await runAudit(['verify'], { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot connect to Redis at redis://127.0.0.1:');
  });
});
