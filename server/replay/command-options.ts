/**
 * `keywatch replay` options: parsed with `node:util` parseArgs and checked, each error
 * naming the option and saying what a good value looks like (as `keywatch simulate` does).
 */
import { parseArgs } from 'node:util';
import { MAX_LINE_BYTES } from './replay-file.js';
import type { ReplayPace } from './replayer.js';

/** The checked options of one `keywatch replay` run. */
export interface ReplayOptions {
  /** The file to read; `-` is standard input. */
  readonly file: string;
  readonly pace: ReplayPace;
  readonly retime: boolean;
  readonly batchSize: number;
  readonly maxLength: number;
  /** Only check the file; write nothing and need no Redis. */
  readonly check: boolean;
}

/** What the command line asks for. */
export type ParsedReplayArgs =
  | { readonly kind: 'run'; readonly options: ReplayOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Option defaults; the trim is the same as `keywatch simulate --maxlen`'s. */
export const REPLAY_DEFAULTS = { batchSize: 500, maxLength: 100_000 } as const;

/** Help text of `keywatch replay`. */
export const REPLAY_USAGE = `Usage: keywatch replay FILE.jsonl [options]

Writes the entries recorded in FILE (one JSON object per line; - reads standard input)
into the Redis streams \${KW_STREAM_PREFIX}collect and \${KW_STREAM_PREFIX}security
(default prefix kw:), in file order, with new stream ids, to reproduce an incident or a load.
Needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 (not with --check).

A line:  {"stream":"collect","id":"1700000000000-0","fields":["v","1","ts","1700000000000",…]}
  stream  collect or security (without the prefix)
  fields  flat list of names and values, as XADD takes them (keeps a field given twice),
          or an object {"v":1,"ts":…}; a value is a string or a whole number
  id      optional: the entry's stream id when recorded; its time paces --speed and
          anchors --retime (without it, the entry's ts does)
Blank lines are ignored. A bad line (not JSON, unknown stream, wrong types, longer than
${MAX_LINE_BYTES / 1_048_576} MiB…) is reported with its line number and skipped; the rest is written.
Messages name lines and field names, never field values.

Options:
  --speed X     keep the recorded gaps between entries, divided by X
                (1: the recorded pace, 10: ten times faster)
  --rate N      write N entries per second, evenly (default: as fast as Redis takes them)
  --retime      shift every entry's ts by one offset so that the first entry's recorded
                time becomes now, keeping the gaps. Without it, a recording older than
                the allowed lateness (KW_LATENESS_MS, 10 s) is counted as late, not in
                the charts. Best with --speed 1: a recording replayed faster than it
                was made puts later entries' ts ahead of their arrival (skewed past 5 s).
  --batch N     entries written per round trip (pipelined), at most in flight (default ${REPLAY_DEFAULTS.batchSize})
  --maxlen N    trim each stream to about N entries, as producers do (default ${REPLAY_DEFAULTS.maxLength})
  --check       only read and check the file: report bad lines, write nothing
  -h, --help    show this help

Exit status: 0 every line written (or, with --check, good); 1 some lines were not
written (bad lines skipped, Redis failed, or interrupted; the message says which and
where); 2 bad usage or configuration (options, REDIS_URL, KW_STREAM_PREFIX, unreadable FILE).
`;

const COUNT = /^[0-9]+$/;
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

function wholeNumber(option: string, text: string, min: number, max: number): number | string {
  const value = Number(text);
  if (!COUNT.test(text) || value < min || value > max) return `--${option} must be a whole number from ${min} to ${max}, got "${text}"`;
  return value;
}

function positiveNumber(option: string, text: string, max: number, what: string): number | string {
  const value = Number(text);
  if (!DECIMAL.test(text) || !(value > 0) || value > max) return `--${option} must be ${what} above 0 and at most ${max}, got "${text}"`;
  return value;
}

/** Parses the arguments after `replay`; never throws. */
export function parseReplayArgs(argv: readonly string[]): ParsedReplayArgs {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        speed: { type: 'string' },
        rate: { type: 'string' },
        retime: { type: 'boolean' },
        batch: { type: 'string' },
        maxlen: { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs already names the option ("Unknown option '--sped'", "Option '--rate <value>' argument missing").
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'error', message: message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '') };
  }
  if (values.help === true) return { kind: 'help' };

  if (positionals.length === 0) return { kind: 'error', message: 'name the file to replay, e.g. keywatch replay incident.jsonl (- reads standard input)' };
  if (positionals.length > 1) return { kind: 'error', message: `replay takes one file, got ${positionals.length} arguments` };
  if (values.speed !== undefined && values.rate !== undefined) return { kind: 'error', message: '--speed and --rate exclude each other; give one' };

  const speed = values.speed === undefined ? undefined : positiveNumber('speed', values.speed, 1_000_000, 'a factor');
  const rate = values.rate === undefined ? undefined : positiveNumber('rate', values.rate, 1_000_000, 'a number of entries per second');
  const batchSize = values.batch === undefined ? REPLAY_DEFAULTS.batchSize : wholeNumber('batch', values.batch, 1, 10_000);
  const maxLength = values.maxlen === undefined ? REPLAY_DEFAULTS.maxLength : wholeNumber('maxlen', values.maxlen, 1, 1_000_000_000);
  for (const checked of [speed, rate, batchSize, maxLength]) {
    if (typeof checked === 'string') return { kind: 'error', message: checked };
  }
  const pace: ReplayPace = typeof speed === 'number'
    ? { kind: 'speed', factor: speed }
    : typeof rate === 'number' ? { kind: 'rate', perSecond: rate } : { kind: 'fast' };
  return {
    kind: 'run',
    options: {
      file: positionals[0] as string,
      pace,
      retime: values.retime === true,
      batchSize: batchSize as number,
      maxLength: maxLength as number,
      check: values.check === true,
    },
  };
}
