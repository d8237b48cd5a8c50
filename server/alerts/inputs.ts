/**
 * What the rule engine consumes: one discriminated union of plain, JSON-able inputs.
 * The reader turns each classified entry into inputs (`inputsFromClassified`), the minute
 * finaliser sends one `minute` per completed event-time minute (`MinuteAggregator`),
 * and a timer sends `tick` so that quiet periods can end conditions.
 */
import type { CollectEntry, SecurityEntry } from '../../shared/contract/index.js';
import type { ClassifiedEntry } from '../ingest/classify.js';

/** A parsed `kw:security` entry, at any age. */
export interface SecurityInput {
  readonly type: 'security';
  readonly entry: SecurityEntry;
}

/** An accepted, on-time `kw:collect` entry and its event-time second. */
export interface CollectInput {
  readonly type: 'collect';
  readonly entry: CollectEntry;
  readonly second: number;
}

/** An unknown field that looks like content, by safe name only (never its value). */
export interface RawFieldInput {
  readonly type: 'raw_field';
  /** Full stream key, e.g. `kw:collect`. */
  readonly stream: string;
  /** The entry's collector when it was a valid id, else null. */
  readonly collector: string | null;
  /** Safe field name as the parser reports it (`text`, or `#` and 8 hex digits). */
  readonly field: string;
  readonly at: number;
}

/** One completed minute of one team in one app. */
export interface TeamAppMinute {
  readonly team: string;
  readonly app: string;
  /** keys + clicks + moves + scrolls of every accepted entry. */
  readonly events: number;
  readonly redacted: number;
  /** Events and collection seconds of the batches in which the device was in use (see `BUSY_EVENTS_PER_SECOND`). */
  readonly busyEvents: number;
  readonly busySeconds: number;
  /** Busy seconds of the batches that had at least one redaction: clumps (a typed password) count once. */
  readonly redactedBusySeconds: number;
}

/** One completed minute of one collector. */
export interface CollectorMinute {
  readonly collector: string;
  readonly team: string;
  readonly entries: number;
  readonly events: number;
  readonly busySeconds: number;
  /** Newest event time seen from it in the minute. */
  readonly lastSeen: number;
}

/**
 * A completed event-time minute (its figures final: after the allowed lateness). `gap`
 * means the source was not being read during some of it: its figures are unknown, and
 * rules judge nothing from it (a collector absent from a gap minute is not silent).
 */
export interface MinuteInput {
  readonly type: 'minute';
  readonly minute: number;
  readonly gap: boolean;
  readonly teamApps: readonly TeamAppMinute[];
  readonly collectors: readonly CollectorMinute[];
}

/** The passage of time (the reader's clock): ends quiet periods, expires windows. */
export interface TickInput {
  readonly type: 'tick';
  readonly nowMs: number;
}

export type RuleInput = SecurityInput | CollectInput | RawFieldInput | MinuteInput | TickInput;

/**
 * The rule inputs of one classified entry: a `security` or `collect` input when it was
 * accepted (collect only when on time), and a `raw_field` input for each raw-looking
 * unknown field whatever became of the entry (rejected, late and skewed ones included).
 */
export function inputsFromClassified(classified: ClassifiedEntry, prefix: string): RuleInput[] {
  const inputs: RuleInput[] = [];
  const stream = `${prefix}${classified.source.stream}`;
  let collector: string | null = null;
  let at = classified.source.arrivalMs;
  if (classified.kind === 'security') inputs.push({ type: 'security', entry: classified.entry });
  else if (classified.kind === 'point') {
    inputs.push({ type: 'collect', entry: classified.entry, second: classified.second });
    collector = classified.entry.collector;
    at = classified.entry.ts;
  } else collector = classified.collector;
  for (const field of classified.unknownFields) {
    if (field.rawLooking) inputs.push({ type: 'raw_field', stream, collector, field: field.name, at });
  }
  return inputs;
}
