/**
 * `keywatch replay` as a user runs it (`node bin/keywatch.js replay FILE`, the built CLI)
 * against a redis-server of the test's own: the entries land in the streams exactly
 * (count, order, fields), a running Keywatch counts every one of them, bad lines are named
 * by number and never by value, and the progress bar shows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFields, securityFields } from '../support/entries.js';
import { KeywatchProcess, PROJECT_ROOT, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';

const SECRET = 'S3CRET!hunter2';
const DAY_MS = 86_400_000;

let redis: TestRedis;
let client: TestRedisClient;
let server: KeywatchProcess;
let folder: string;

beforeAll(async () => {
  redis = await TestRedis.start();
  client = await redis.client();
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_TICK_MS: '100' });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 20_000, () => 'the server reads the streams');
  folder = mkdtempSync(join(tmpdir(), 'kw-replay-it-'));
});

afterAll(async () => {
  await server?.stop();
  client?.destroy();
  await redis?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Runs the built CLI; resolves with its exit code and output. */
async function replayCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'keywatch.js'), 'replay', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  return { code, stdout, stderr };
}

async function counters(): Promise<Record<string, number>> {
  const hash = (await client.hGetAll('kw:ingest')) as Record<string, string>;
  return Object.fromEntries(Object.entries(hash).map(([name, value]) => [name, Number(value)]));
}

async function streamFields(key: string): Promise<string[][]> {
  const entries = (await client.sendCommand(['XRANGE', key, '-', '+'])) as [string, string[]][];
  return entries.map(([, fields]) => fields);
}

/** A recording from yesterday: 1,500 entries 1 ms apart (every tenth a security event, one with a field given twice). */
function recording(): { lines: string[]; collect: string[][]; security: string[][] } {
  const startMs = Date.now() - DAY_MS;
  const lines: string[] = [];
  const collect: string[][] = [];
  const security: string[][] = [];
  for (let index = 0; index < 1500; index++) {
    const ts = startMs + index;
    if (index % 10 === 9) {
      const fields = securityFields({ ts, actor: `svc-${index % 4}` });
      security.push(fields);
      lines.push(JSON.stringify({ stream: 'security', id: `${ts + 2}-0`, fields }));
    } else {
      const fields = collectFields({ ts, collector: `c-${index % 7}`, subject: `s-${index % 11}`, keys: 10 + (index % 5) });
      if (index === 700) fields.push('keys', '12');
      collect.push(fields);
      lines.push(JSON.stringify({ stream: 'collect', id: `${ts + 2}-0`, fields }));
    }
  }
  // Bad lines a broken recorder could leave, each carrying a value that must never be printed.
  lines.splice(2, 0, `{"stream":"collect","fields":["text","${SECRET}"`);
  lines.splice(500, 0, JSON.stringify({ stream: 'keystrokes', fields: ['text', SECRET] }));
  lines.splice(800, 0, `{"__proto__":{"polluted":"${SECRET}"},"stream":"collect","fields":["v","1"]}`, '');
  return { lines, collect, security };
}

/** `fields` with each ts moved by `offsetMs`, as --retime does. */
function shifted(fields: string[], offsetMs: number): string[] {
  return fields.map((value, index) => (index > 0 && fields[index - 1] === 'ts' && index % 2 === 1 ? String(Number(value) + offsetMs) : value));
}

describe('keywatch replay', () => {
  const { lines, collect, security } = recording();
  let file: string;

  it('writes every good line in order with --retime, skips the bad ones by number, and Keywatch counts them all', async () => {
    file = join(folder, 'incident.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const result = await replayCli([file, '--retime', '--rate', '1000', '--batch', '100'], { REDIS_URL: redis.url });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/keywatch replay: line 3: not valid JSON/);
    expect(result.stderr).toMatch(/keywatch replay: line 501: unknown stream "keystrokes"/);
    expect(result.stderr).toMatch(/keywatch replay: line 801: unknown key "__proto__"/);
    expect(result.stderr).toMatch(/3 bad lines skipped \(the first at line 3\)\. Every other line was written\./);
    expect(result.stdout + result.stderr).not.toContain('hunter2');
    // Non-terminal output: a progress line per tenth of the file, then the summary.
    expect(result.stdout).toMatch(/^keywatch replay: writing .*incident\.jsonl into kw:collect and kw:security at redis:\/\/127\.0\.0\.1:\d+\/? \(1000 entries\/s, ts moved to now/);
    expect(result.stdout).toMatch(/\nkeywatch replay: \[#+-*\] +\d+% \| line \d+ \| written \d+ \(\d+\/s\)/);
    expect(result.stdout).toMatch(/keywatch replay: done after [0-9.]+ s: \[#{20}\] 100% \| line 1504 \| written 1500 \(\d+\/s\) \| collect 1350 \| security 150 \| bad lines 3\n$/);

    const writtenCollect = await streamFields('kw:collect');
    const writtenSecurity = await streamFields('kw:security');
    expect(writtenCollect).toHaveLength(1350);
    expect(writtenSecurity).toHaveLength(150);
    // One offset for every ts: the first entry's recorded time became the time of the replay.
    const offsetMs = Number(writtenCollect[0]![3]) - Number(collect[0]![3]);
    expect(Math.abs(offsetMs - DAY_MS)).toBeLessThan(60_000);
    expect(writtenCollect).toEqual(collect.map((fields) => shifted(fields, offsetMs)));
    expect(writtenSecurity).toEqual(security.map((fields) => shifted(fields, offsetMs)));

    let counted: Record<string, number> = {};
    await waitFor(async () => {
      counted = await counters();
      return counted.accepted_collect === 1349 && counted.accepted_security === 150 && counted.rejected_duplicate_field === 1;
    }, 15_000, () => `the server counts 1349 collect, 150 security, 1 duplicate_field; it has ${JSON.stringify(counted)}`);
    expect(counted.late ?? 0).toBe(0);
    expect(counted.skewed ?? 0).toBe(0);
  });

  it('without --retime, yesterday\'s collect entries are counted late, not charted; security events are taken at any age', async () => {
    const before = await counters();
    const result = await replayCli([file], { REDIS_URL: redis.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/done after [0-9.]+ s: .* \| written 1500 /);
    expect(Number(await client.xLen('kw:collect'))).toBe(2700);
    let counted: Record<string, number> = {};
    await waitFor(async () => {
      counted = await counters();
      return (counted.late ?? 0) === 1349 && counted.accepted_security === 300 && counted.rejected_duplicate_field === 2;
    }, 15_000, () => `late entries counted: ${JSON.stringify(counted)}`);
    expect((await counters()).accepted_collect).toBe(before.accepted_collect);
  });

  it('stops with exit 1 and names the lines when Redis refuses the writes', async () => {
    await client.set('wt:collect', 'not a stream');
    const result = await replayCli([file, '--batch', '50'], { REDIS_URL: redis.url, KW_STREAM_PREFIX: 'wt:' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/writing to Redis failed for lines 1–\d+: WRONGTYPE.*Every entry before line 1 was written \(0 in all\)/);
    expect(result.stderr).toMatch(/Check that wt:collect and wt:security are streams/);
  });

  it('needs REDIS_URL, and says so with exit 2', async () => {
    const result = await replayCli([file], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/REDIS_URL is not set/);
  });
});
