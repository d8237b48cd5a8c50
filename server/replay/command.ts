/**
 * `keywatch replay FILE.jsonl`: writes recorded entries into the input streams of
 * `REDIS_URL`, with a progress bar, to reproduce an incident or a load. A producer tool:
 * it writes what the file holds, but never prints a field value (line numbers and field
 * names only). Exit codes: 0 every line written, 1 some lines not written, 2 bad usage.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { describe, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, failWith, safeUrl, withRedis } from '../cli/redis-command.js';
import { RedisStreamWriter } from '../ingest/redis-stream-writer.js';
import type { StreamWriter } from '../ingest/stream-writer.js';
import { parseReplayArgs, REPLAY_USAGE, type ReplayOptions } from './command-options.js';
import { readLines } from './line-reader.js';
import { MAX_LINE_BYTES } from './replay-file.js';
import { ReplayProgress } from './replay-progress.js';
import { GIVE_UP_AFTER_BAD_LINES, Replayer, type ReplayOutcome } from './replayer.js';

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE };

/** Bad lines printed one by one; the rest are only counted, so a wrong file cannot flood the terminal. */
export const MAX_REPORTED_BAD_LINES = 20;
const COMMAND = 'replay';
const READ_CHUNK_BYTES = 64 * 1024;

interface OpenedInput {
  readonly chunks: AsyncIterable<Uint8Array | string>;
  /** Size in bytes for the progress bar; undefined for standard input or a pipe. */
  readonly size: number | undefined;
  readonly close: () => Promise<void>;
}

/** Opens FILE (or standard input for `-`); a message when it cannot be read. */
async function openInput(file: string, stdin: AsyncIterable<Uint8Array | string>): Promise<OpenedInput | string> {
  if (file === '-') return { chunks: stdin, size: undefined, close: async () => {} };
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : describe(error);
    return `cannot read ${file}: ${reason}.`;
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    return `${file} is a folder; name a .jsonl file.`;
  }
  const stream = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES, autoClose: true });
  return {
    chunks: stream,
    // A pipe or process substitution (<(zcat x.gz)) has no size: counts only, no bar.
    size: stat.isFile() ? stat.size : undefined,
    close: async () => {
      stream.destroy();
    },
  };
}

/**
 * Runs `keywatch replay` with the arguments after `replay`. Progress goes to `out`,
 * problems to `err`. Resolves to the exit code; never throws.
 */
export async function replayCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
  signal: AbortSignal,
  err: NodeJS.WritableStream = process.stderr,
  stdin: AsyncIterable<Uint8Array | string> = process.stdin,
): Promise<number> {
  const parsed = parseReplayArgs(argv);
  if (parsed.kind === 'help') {
    out.write(REPLAY_USAGE);
    return EXIT_OK;
  }
  if (parsed.kind === 'error') {
    return failWith(err, COMMAND, EXIT_USAGE, `${parsed.message}. Run \`keywatch replay --help\` for the options and the file format.`);
  }
  const options = parsed.options;
  if (!options.check && !env.REDIS_URL?.trim()) {
    return failWith(err, COMMAND, EXIT_USAGE,
      'REDIS_URL is not set. Set it to the Redis to write into, e.g. REDIS_URL=redis://127.0.0.1:6379/0 (embedded mode has no streams to replay into; --check needs none).');
  }
  // The file first: a wrong path is reported before any connection is made.
  const input = await openInput(options.file, stdin);
  if (typeof input === 'string') return failWith(err, COMMAND, EXIT_USAGE, input);
  try {
    if (options.check) return await replay(null, env.KW_STREAM_PREFIX ?? 'kw:', options, input, out, err, signal);
    const target = safeUrl((env.REDIS_URL ?? '').trim());
    return await withRedis(COMMAND, env, err, async (client, prefix) => {
      out.write(`keywatch replay: writing ${options.file} into ${prefix}collect and ${prefix}security at ${target} (${describePace(options)}). Ctrl-C stops.\n`);
      return replay(new RedisStreamWriter(client), prefix, options, input, out, err, signal);
    });
  } finally {
    await input.close();
  }
}

function describePace(options: ReplayOptions): string {
  const pace = options.pace.kind === 'fast'
    ? 'as fast as Redis takes them'
    : options.pace.kind === 'speed' ? `recorded pace x${options.pace.factor}` : `${options.pace.perSecond} entries/s`;
  return `${pace}${options.retime ? ', ts moved to now' : ''}, batches of ${options.batchSize}, maxlen ~${options.maxLength}`;
}

/** Replays `input` into `writer` (null: check only) with a progress bar, then says how it went. */
async function replay(
  writer: StreamWriter | null,
  prefix: string,
  options: ReplayOptions,
  input: OpenedInput,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<number> {
  let firstBadLine: number | undefined;
  let progress: ReplayProgress | undefined;
  const report = (message: string): void => {
    progress?.breakLine();
    err.write(`keywatch replay: ${message}\n`);
  };
  const replayer = new Replayer(writer, { prefix, maxLength: options.maxLength, batchSize: options.batchSize, pace: options.pace, retime: options.retime }, {
    onBadLine: (lineNumber, problem) => {
      firstBadLine ??= lineNumber;
      const seen = replayer.stats.badLines;
      if (seen <= MAX_REPORTED_BAD_LINES) report(`line ${lineNumber}: ${problem}; skipped.`);
      if (seen === MAX_REPORTED_BAD_LINES) report(`more bad lines are only counted, not shown (the summary gives the total).`);
    },
  });
  progress = new ReplayProgress(out, () => replayer.stats, input.size, writer === null ? 'checked' : 'written');
  progress.start();

  let outcome: ReplayOutcome;
  try {
    outcome = await replayer.run(readLines(input.chunks, MAX_LINE_BYTES), signal);
  } catch (error) {
    progress.finish('stopped');
    report(`reading ${options.file} failed after line ${replayer.stats.lines}: ${describe(error)}. The lines before it were ${writer === null ? 'checked' : 'written'}.`);
    return EXIT_FAILURE;
  }
  const { stats } = replayer;
  const badSummary = stats.badLines === 0
    ? ''
    : `${stats.badLines} bad line${stats.badLines === 1 ? '' : 's'} ${writer === null ? 'found' : 'skipped'} (the first at line ${firstBadLine}).`;
  switch (outcome.kind) {
    case 'done':
      progress.finish(writer === null ? 'checked' : 'done');
      if (badSummary === '') return EXIT_OK;
      report(`${badSummary} ${writer === null ? 'Fix them before replaying' : 'Every other line was written'}.`);
      return EXIT_FAILURE;
    case 'interrupted':
      progress.finish('interrupted');
      report(`interrupted after line ${outcome.afterLine}: the lines up to it were ${writer === null ? 'checked' : 'written'}, the rest not. ${badSummary}`.trim());
      return EXIT_FAILURE;
    case 'write_failed':
      progress.finish('stopped');
      report(
        `writing to Redis failed for lines ${outcome.fromLine}–${outcome.toLine}: ${describe(outcome.error)}. ` +
          `Every entry before line ${outcome.fromLine} was written (${stats.entries} in all); lines ${outcome.fromLine}–${outcome.toLine} may be partly written, nothing after them. ` +
          `Check that ${prefix}collect and ${prefix}security are streams (or absent) and that Redis accepts writes. ${badSummary}`.trim(),
      );
      return EXIT_FAILURE;
    case 'not_a_replay_file':
      progress.finish('stopped');
      report(
        `the first ${GIVE_UP_AFTER_BAD_LINES} lines with content are all bad: is ${options.file} a replay file ` +
          `(one JSON object per line, see keywatch replay --help)? Nothing was ${writer === null ? 'checked' : 'written'}.`,
      );
      return EXIT_FAILURE;
  }
}
