/**
 * The replay file format: one JSON object per line, each one stream entry to write,
 *
 *   {"stream":"collect","id":"1700000000000-0","fields":["v","1","ts","1700000000000",…]}
 *
 * `stream` is `collect` or `security` (the prefix comes from `KW_STREAM_PREFIX`);
 * `fields` is the flat name/value list `XADD` takes, so a field given twice (a malformed
 * entry worth reproducing) survives, or, for hand-written files, an object of names to
 * values; a value is a string or a whole number. `id` is optional: the entry's stream id
 * when it was recorded, whose time part paces `--speed` and anchors `--retime` (without
 * it the entry's `ts` does). Entries are always written with new ids.
 *
 * Nothing here ever puts a field value into a message: problems name the line's keys and
 * field names only, field names as the contract reports unknown ones (`safeFieldName`).
 */
import { createHash } from 'node:crypto';
import { isContractInt, MAX_INT, safeFieldName } from '../../shared/contract/index.js';
import { INPUT_STREAMS, type InputStream } from '../ingest/stream-source.js';

/** Longest line read, in bytes: a contract entry is well under 2 KiB; past this a line is skipped unread. */
export const MAX_LINE_BYTES = 1_048_576;
/** Most fields one entry may have (the contract has about 25). */
export const MAX_FIELDS_PER_ENTRY = 1024;

/** One entry to write, as read from a line. */
export interface ReplayEntry {
  readonly stream: InputStream;
  /** Flat name/value pairs, exactly as `XADD` takes them. */
  readonly fields: readonly string[];
  /** When the entry was recorded, ms since the epoch: the `id`'s time part, else its `ts`; undefined when neither is there. */
  readonly recordedMs: number | undefined;
}

/** What one line holds: an entry, or the problem that makes it unusable (never quoting a value). */
export type ParsedLine = { readonly ok: true; readonly entry: ReplayEntry } | { readonly ok: false; readonly problem: string };

const LINE_KEYS = new Set(['stream', 'fields', 'id']);
// A stream id `<ms>-<seq>` as XRANGE returns it.
const RECORDED_ID = /^([0-9]{1,15})-[0-9]{1,20}$/;
// Names (keys, stream names) that may be shown as they are; anything else is shown hashed.
const PRINTABLE_NAME = /^[A-Za-z0-9:._{}-]{1,64}$/;

/** A key or stream name for a message: itself when it is short and plain, else `#` and 8 hex digits of its SHA-256. */
export function printableName(name: string): string {
  if (name.length <= 64 && PRINTABLE_NAME.test(name)) return name;
  return '#' + createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
}

function bad(problem: string): ParsedLine {
  return { ok: false, problem };
}

/** How a JSON value's type is named in messages, without its content. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return 'a number';
    return Number.isInteger(value) ? 'a number too large to keep exactly' : 'a fraction';
  }
  if (typeof value === 'boolean') return 'true or false';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** A field value as Redis gets it: strings as they are, whole numbers in decimal; undefined for anything else. */
function fieldValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function readFields(raw: unknown): string[] | string {
  const fields: string[] = [];
  if (Array.isArray(raw)) {
    if (raw.length > MAX_FIELDS_PER_ENTRY * 2) return `"fields" has ${Math.ceil(raw.length / 2)} fields, more than the ${MAX_FIELDS_PER_ENTRY} allowed`;
    if (raw.length % 2 !== 0) return `"fields" must list names and values in pairs, got ${raw.length} items`;
    for (let index = 0; index < raw.length; index += 2) {
      const name: unknown = raw[index];
      if (typeof name !== 'string') return `"fields" item ${index + 1} must be a field name (a string), got ${typeName(name)}`;
      const value = fieldValue(raw[index + 1]);
      if (value === undefined) {
        return `the value of field "${safeFieldName(name)}" ("fields" item ${index + 2}) must be a string or a whole number, got ${typeName(raw[index + 1])}`;
      }
      fields.push(name, value);
    }
  } else if (typeof raw === 'object' && raw !== null) {
    // JSON.parse makes every key an own property, `__proto__` included, so entries() sees them all.
    for (const [name, rawValue] of Object.entries(raw)) {
      const value = fieldValue(rawValue);
      if (value === undefined) return `the value of field "${safeFieldName(name)}" must be a string or a whole number, got ${typeName(rawValue)}`;
      fields.push(name, value);
    }
  } else {
    return `"fields" must be a list of names and values or an object, got ${typeName(raw)}`;
  }
  if (fields.length === 0) return '"fields" is empty; an entry needs at least one field';
  if (fields.length > MAX_FIELDS_PER_ENTRY * 2) return `"fields" has ${fields.length / 2} fields, more than the ${MAX_FIELDS_PER_ENTRY} allowed`;
  return fields;
}

/** The time an entry was recorded: its id's time part, else its first `ts` that is a contract int. */
function recordedTime(id: string | undefined, fields: readonly string[]): number | undefined {
  if (id !== undefined) return Number(RECORDED_ID.exec(id)?.[1]);
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const value = fields[index + 1] as string;
    if (fields[index] === 'ts' && isContractInt(value)) return Number(value);
  }
  return undefined;
}

/** Parses one line of a replay file (without its line break); never throws. */
export function parseReplayLine(text: string): ParsedLine {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input, so only the position is kept from it.
    const position = error instanceof Error ? /position ([0-9]+)/.exec(error.message)?.[1] : undefined;
    if (!(error instanceof SyntaxError)) return bad('not readable as JSON (nested too deeply)');
    return bad(`not valid JSON${position === undefined ? '' : ` (at character ${Number(position) + 1})`}`);
  }
  if (typeof line !== 'object' || line === null || Array.isArray(line)) {
    return bad(`not a JSON object like {"stream":"collect","fields":[…]} but ${typeName(line)}`);
  }
  for (const key of Object.keys(line)) {
    if (!LINE_KEYS.has(key)) return bad(`unknown key "${printableName(key)}" (allowed: stream, fields, id)`);
  }
  const record = line as { stream?: unknown; fields?: unknown; id?: unknown };
  if (!Object.hasOwn(record, 'stream')) return bad('no "stream" (collect or security)');
  if (typeof record.stream !== 'string') return bad(`"stream" must be a string, got ${typeName(record.stream)}`);
  const stream = record.stream;
  if (!(INPUT_STREAMS as readonly string[]).includes(stream)) {
    return bad(`unknown stream "${printableName(stream)}": use collect or security (without the key prefix, which comes from KW_STREAM_PREFIX)`);
  }
  if (!Object.hasOwn(record, 'fields')) return bad('no "fields"');
  let id: string | undefined;
  if (Object.hasOwn(record, 'id')) {
    if (typeof record.id !== 'string' || !RECORDED_ID.test(record.id)) {
      return bad(`"id" must be a stream id like "1700000000000-0", got ${typeof record.id === 'string' ? 'another string' : typeName(record.id)}`);
    }
    id = record.id;
  }
  const fields = readFields(record.fields);
  if (typeof fields === 'string') return bad(fields);
  return { ok: true, entry: { stream: stream as InputStream, fields, recordedMs: recordedTime(id, fields) } };
}

/**
 * `fields` with every `ts` that is a contract int moved by `offsetMs` (for `--retime`).
 * A `ts` that is not an int, or would leave the int range, is a recorded defect and stays as it is.
 */
export function shiftTimestamps(fields: readonly string[], offsetMs: number): string[] {
  const shifted = [...fields];
  for (let index = 0; index + 1 < shifted.length; index += 2) {
    const value = shifted[index + 1] as string;
    if (shifted[index] !== 'ts' || !isContractInt(value)) continue;
    const moved = Number(value) + offsetMs;
    if (Number.isSafeInteger(moved) && moved >= 0 && moved <= MAX_INT) shifted[index + 1] = String(moved);
  }
  return shifted;
}
