import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReplayArgs } from './command-options.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, MAX_REPORTED_BAD_LINES, replayCommand } from './command.js';

const folder = mkdtempSync(join(tmpdir(), 'kw-replay-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(argv: string[], env: NodeJS.ProcessEnv = { REDIS_URL: 'redis://127.0.0.1:1' }, stdin: Readable = Readable.from([])) {
  const out = capture();
  const err = capture();
  const code = await replayCommand(argv, env, out.stream, new AbortController().signal, err.stream, stdin);
  return { code, out: out.text(), err: err.text() };
}

const GOOD = '{"stream":"collect","fields":["v","1","keys","3"]}\n{"stream":"security","fields":{"v":1,"kind":"export"}}\n';

describe('keywatch replay options', () => {
  it('has defaults: as fast as Redis takes them, batches of 500, maxlen 100000', () => {
    expect(parseReplayArgs(['a.jsonl'])).toEqual({
      kind: 'run', options: { file: 'a.jsonl', pace: { kind: 'fast' }, retime: false, batchSize: 500, maxLength: 100_000, check: false },
    });
    expect(parseReplayArgs(['--speed', '2.5', '--retime', '--batch=50', '--maxlen', '1000', '--check', '-'])).toEqual({
      kind: 'run', options: { file: '-', pace: { kind: 'speed', factor: 2.5 }, retime: true, batchSize: 50, maxLength: 1000, check: true },
    });
    expect(parseReplayArgs(['x', '--rate', '200'])).toMatchObject({ kind: 'run', options: { pace: { kind: 'rate', perSecond: 200 } } });
    expect(parseReplayArgs(['--', '-odd-name.jsonl'])).toMatchObject({ kind: 'run', options: { file: '-odd-name.jsonl' } });
  });

  it.each([
    [[], /name the file to replay/],
    [['a', 'b'], /one file, got 2/],
    [['a', '--speed', '0'], /--speed must be a factor above 0/],
    [['a', '--speed', 'fast'], /--speed/],
    [['a', '--rate', '-3'], /'--rate'/],
    [['a', '--speed', '1', '--rate', '5'], /--speed and --rate exclude each other/],
    [['a', '--batch', '0'], /--batch must be a whole number from 1 to 10000/],
    [['a', '--maxlen', '1.5'], /--maxlen/],
    [['a', '--sped', '2'], /Unknown option '--sped'/],
  ])('rejects %j, naming the problem', async (argv, message) => {
    const parsed = parseReplayArgs(argv);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' ? parsed.message : '').toMatch(message);
    const result = await run(argv);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('keywatch replay --help');
  });
});

describe('keywatch replay', () => {
  it('prints help with the line format, the options and the exit codes, without needing REDIS_URL', async () => {
    const result = await run(['--help'], {});
    expect(result.code).toBe(EXIT_OK);
    for (const text of ['"stream":"collect"', '--speed', '--rate', '--retime', '--batch', '--maxlen', '--check', 'REDIS_URL', 'Exit status']) {
      expect(result.out).toContain(text);
    }
  });

  it('requires REDIS_URL (except with --check) and a readable file, before connecting', async () => {
    const path = file('good.jsonl', GOOD);
    const noUrl = await run([path], {});
    expect(noUrl.code).toBe(EXIT_USAGE);
    expect(noUrl.err).toMatch(/REDIS_URL is not set.*redis:\/\/127\.0\.0\.1:6379/);
    const missing = await run([join(folder, 'nope.jsonl')]);
    expect(missing.code).toBe(EXIT_USAGE);
    expect(missing.err).toMatch(/cannot read .*nope\.jsonl: no such file/);
    const directory = await run([folder]);
    expect(directory.code).toBe(EXIT_USAGE);
    expect(directory.err).toMatch(/is a folder/);
    const badUrl = await run([path], { REDIS_URL: 'http://user:secret@example.com' });
    expect(badUrl.code).toBe(EXIT_USAGE);
    expect(badUrl.err).not.toContain('secret');
  });

  it('--check reads the whole file and writes nothing', async () => {
    const result = await run(['--check', file('check.jsonl', GOOD)], {});
    expect(result.err).toBe('');
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toMatch(/keywatch replay: checked after [0-9.]+ s: \[#{20}\] 100% \| line 2 \| checked 2 .*collect 1 \| security 1 \| bad lines 0/);
  });

  it('reports bad lines by number and reason, never by value, and exits 1', async () => {
    const secret = 'S3CRET!hunter2';
    const text = [
      '{"stream":"collect","fields":["v","1"]}',
      `{"stream":"collect","fields":["text","${secret}"`,
      `{"stream":"${secret}","fields":["v","1"]}`,
      `{"stream":"collect","fields":["keys",{"x":"${secret}"}]}`,
      `${secret}`,
    ].join('\n');
    const result = await run(['--check', file('bad.jsonl', text)], {});
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toMatch(/line 2: not valid JSON/);
    expect(result.err).toMatch(/line 3: unknown stream "#[0-9a-f]{8}"/);
    expect(result.err).toMatch(/line 4: the value of field "keys" \("fields" item 2\) must be a string or a whole number, got an object; skipped/);
    expect(result.err).toMatch(/line 5: not valid JSON/);
    expect(result.err).toMatch(/4 bad lines found \(the first at line 2\)/);
    expect(result.out + result.err).not.toContain('hunter2');
  });

  it(`shows the first ${MAX_REPORTED_BAD_LINES} bad lines and counts the rest`, async () => {
    const text = ['{"stream":"collect","fields":["v","1"]}', ...Array.from({ length: 200 }, () => 'not json')].join('\n');
    const result = await run(['--check', file('many.jsonl', text)], {});
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err.match(/: not valid JSON/g)).toHaveLength(MAX_REPORTED_BAD_LINES);
    expect(result.err).toMatch(/more bad lines are only counted/);
    expect(result.err).toMatch(/200 bad lines found \(the first at line 2\)/);
  });

  it('stops early on a file that is not a replay file', async () => {
    const result = await run(['--check', file('csv.jsonl', 'time,keys\n'.repeat(1000))], {});
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toMatch(/the first 100 lines with content are all bad: is .*csv\.jsonl a replay file/);
  });

  it('reads standard input for -, without a bar', async () => {
    const result = await run(['--check', '-'], {}, Readable.from([Buffer.from(GOOD)]));
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toMatch(/checked after [0-9.]+ s: line 2 \| checked 2/);
  });

  it('gives up with a clear error when Redis cannot be reached', async () => {
    const result = await run([file('good2.jsonl', GOOD)], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1' });
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toMatch(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(result.err).not.toContain('hunter2');
  }, 20_000);
});
