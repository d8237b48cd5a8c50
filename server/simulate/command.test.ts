import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseSimulateArgs } from './command-options.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, simulateCommand } from './command.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function runCommand(argv: string[], env: NodeJS.ProcessEnv = { REDIS_URL: 'redis://127.0.0.1:1' }) {
  const out = capture();
  const err = capture();
  const code = await simulateCommand(argv, env, out.stream, new AbortController().signal, err.stream);
  return { code, out: out.text(), err: err.text() };
}

describe('keywatch simulate options', () => {
  it('has defaults: 50 collectors, one entry per working collector per second, 10:30, maxlen 100000', () => {
    expect(parseSimulateArgs([])).toEqual({
      kind: 'run',
      options: { collectors: 50, rate: undefined, durationSeconds: undefined, anomalies: false, clock: '10:30', maxLength: 100_000, seed: undefined },
    });
    expect(parseSimulateArgs(['--collectors', '200', '--rate', '12500.5', '--duration', '90', '--anomalies', '--clock', '07:45', '--maxlen=5000', '--seed', '3']))
      .toEqual({
        kind: 'run',
        options: { collectors: 200, rate: 12500.5, durationSeconds: 90, anomalies: true, clock: '07:45', maxLength: 5000, seed: 3 },
      });
  });

  it.each([
    [['--collectors', 'abc'], /--collectors must be a whole number from 1 to 100000, got "abc"/],
    [['--collectors', '0'], /--collectors/],
    [['--rate', '0'], /--rate must be a number of entries per second above 0/],
    [['--rate', 'fast'], /--rate/],
    [['--duration', '-5'], /'--duration'/],
    [['--duration', '1h'], /--duration must be a number of seconds/],
    [['--clock', '25:00'], /--clock must be a time of day HH:MM/],
    [['--maxlen', '0'], /--maxlen/],
    [['--colectors', '5'], /Unknown option '--colectors'/],
    [['--rate'], /'--rate <value>' argument missing/],
    [['now'], /Unexpected argument 'now'/],
  ])('rejects %j, naming the option', async (argv, message) => {
    const parsed = parseSimulateArgs(argv);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' ? parsed.message : '').toMatch(message);
    const result = await runCommand(argv);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('keywatch simulate --help');
  });
});

describe('keywatch simulate', () => {
  it('prints usage for --help, without needing REDIS_URL', async () => {
    const result = await runCommand(['--help'], {});
    expect(result.code).toBe(EXIT_OK);
    for (const option of ['--collectors', '--rate', '--duration', '--anomalies', '--clock', '--maxlen']) expect(result.out).toContain(option);
    expect(result.out).toContain('REDIS_URL');
  });

  it('requires REDIS_URL and says how to set it', async () => {
    const result = await runCommand([], {});
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toMatch(/REDIS_URL is not set.*redis:\/\/127\.0\.0\.1:6379/);
  });

  it('rejects a REDIS_URL that is not redis:// and a bad KW_STREAM_PREFIX, naming them', async () => {
    const badUrl = await runCommand([], { REDIS_URL: 'http://user:secret@example.com' });
    expect(badUrl.code).toBe(EXIT_USAGE);
    expect(badUrl.err).toContain('REDIS_URL must start with redis://');
    expect(badUrl.err).not.toContain('secret');
    const badPrefix = await runCommand([], { REDIS_URL: 'redis://127.0.0.1:1', KW_STREAM_PREFIX: 'kw collect ' });
    expect(badPrefix.code).toBe(EXIT_USAGE);
    expect(badPrefix.err).toContain('KW_STREAM_PREFIX');
  });

  it('gives up with a clear error when Redis cannot be reached at start', async () => {
    const result = await runCommand(['--duration', '1'], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1' });
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toMatch(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(result.err).not.toContain('hunter2');
  }, 20_000);
});
