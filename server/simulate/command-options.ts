/**
 * `keywatch simulate` options: parsed with `node:util` parseArgs and checked, each error
 * naming the option and saying what a good value looks like.
 */
import { parseArgs } from 'node:util';
import { parseClock } from './day-rhythm.js';
import { SIMULATOR_DEFAULTS } from './simulator.js';

/** The checked options of one `keywatch simulate` run. */
export interface SimulateOptions {
  readonly collectors: number;
  /** Total collect entries per second; undefined: one per working collector per second. */
  readonly rate: number | undefined;
  /** Run time in seconds; undefined: until interrupted. */
  readonly durationSeconds: number | undefined;
  readonly anomalies: boolean;
  readonly clock: string;
  readonly maxLength: number;
  readonly seed: number | undefined;
}

/** What the command line asks for. */
export type ParsedSimulateArgs =
  | { readonly kind: 'run'; readonly options: SimulateOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Help text of `keywatch simulate`. */
export const SIMULATE_USAGE = `Usage: keywatch simulate [options]

Writes realistic collection and security traffic into the Redis streams
\${KW_STREAM_PREFIX}collect and \${KW_STREAM_PREFIX}security (default prefix kw:).
Needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0.

Options:
  --collectors N       collectors (devices) in the simulated organisation (default ${SIMULATOR_DEFAULTS.collectors})
  --rate ENTRIES_PER_S total collect entries per second
                       (default: one per working collector per second)
  --duration S         stop after S seconds (default: run until Ctrl-C)
  --anomalies          now and then inject each alert case (raw content, revoked
                       consent, tls=0, dropped events, volume spike, redaction drop,
                       silent collector, off-hours collection, security incidents)
  --clock HH:MM        simulated time of day at start; drives the working-day rhythm,
                       event times stay real (default ${SIMULATOR_DEFAULTS.clock})
  --maxlen N           trim each stream to about N entries (default ${SIMULATOR_DEFAULTS.maxLength})
  --seed N             seed for a reproducible organisation and traffic
  -h, --help           show this help
`;

const COUNT = /^[0-9]+$/;
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

function wholeNumber(option: string, text: string, min: number, max: number): number | string {
  const value = Number(text);
  if (!COUNT.test(text) || value < min || value > max) {
    return `--${option} must be a whole number from ${min} to ${max}, got "${text}"`;
  }
  return value;
}

function positiveNumber(option: string, text: string, max: number, unit: string): number | string {
  const value = Number(text);
  if (!DECIMAL.test(text) || !(value > 0) || value > max) {
    return `--${option} must be a number of ${unit} above 0 and at most ${max}, got "${text}"`;
  }
  return value;
}

/** Parses the arguments after `simulate`; never throws. */
export function parseSimulateArgs(argv: readonly string[]): ParsedSimulateArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        collectors: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        anomalies: { type: 'boolean' },
        clock: { type: 'string' },
        maxlen: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs already names the option ("Unknown option '--colectors'", "Option '--rate <value>' argument missing").
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'error', message: message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '') };
  }
  if (values.help === true) return { kind: 'help' };

  const collectors = values.collectors === undefined
    ? SIMULATOR_DEFAULTS.collectors
    : wholeNumber('collectors', values.collectors, 1, 100_000);
  const rate = values.rate === undefined ? undefined : positiveNumber('rate', values.rate, 1_000_000, 'entries per second');
  const durationSeconds = values.duration === undefined
    ? undefined
    : positiveNumber('duration', values.duration, 31_536_000, 'seconds');
  const maxLength = values.maxlen === undefined
    ? SIMULATOR_DEFAULTS.maxLength
    : wholeNumber('maxlen', values.maxlen, 1, 1_000_000_000);
  const seed = values.seed === undefined ? undefined : wholeNumber('seed', values.seed, 0, 4_294_967_295);
  const clock = values.clock ?? SIMULATOR_DEFAULTS.clock;
  let clockError: string | undefined;
  try {
    parseClock(clock);
  } catch {
    clockError = `--clock must be a time of day HH:MM (00:00 to 23:59), got "${clock}"`;
  }

  for (const checked of [collectors, rate, durationSeconds, maxLength, seed, clockError]) {
    if (typeof checked === 'string') return { kind: 'error', message: checked };
  }
  return {
    kind: 'run',
    options: {
      collectors: collectors as number,
      rate: rate as number | undefined,
      durationSeconds: durationSeconds as number | undefined,
      anomalies: values.anomalies === true,
      clock,
      maxLength: maxLength as number,
      seed: seed as number | undefined,
    },
  };
}
