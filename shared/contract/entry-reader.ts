/**
 * The one table-driven reader both streams use: turns a raw Redis entry (a flat
 * `[field, value, …]` array) into a typed entry or a single reject reason, in the
 * order the contract fixes — duplicates, then the fields in table order, then the
 * stream's cross-field rules.
 */
import { isContractId, isRawLookingField, isRawLookingName, safeFieldName } from './fields.js';
import { isRejection, readFieldValue, type FieldTable, type FieldValue } from './field-table.js';
import type { ParseResult, Rejection, UnknownField } from './parse-result.js';

/**
 * Most unknown fields reported for one entry. A hostile producer can send thousands;
 * beyond this, raw-looking ones are kept first because each of them is an incident.
 */
export const MAX_REPORTED_UNKNOWN_FIELDS = 32;

/** How one stream turns read field values into its typed entry. */
export interface StreamShape<T, Name extends string> {
  readonly table: FieldTable<Name>;
  /** Slot of the field that names the producing collector in a rejection, or null. */
  readonly collectorSlot: number | null;
  /** Cross-field rules, checked once every field has been read (the collect sums). */
  readonly check?: (values: readonly FieldValue[]) => Rejection | null;
  /** Assembles the typed entry from values the table guarantees valid. */
  readonly build: (values: readonly FieldValue[]) => T;
}

// Markers in the raw slot list. Symbols cannot be produced by a producer.
/** A trailing field name with no value after it (odd-length input). */
const NO_VALUE = Symbol('no value');
/** A contract field given more than once: its value is not trusted for anything. */
const REPEATED = Symbol('repeated');

type RawSlot = unknown;

/** What one pass over the flat array found. */
interface Scan {
  /** Per contract slot: the wire value, NO_VALUE, REPEATED, or undefined when absent. */
  readonly raw: RawSlot[];
  /** First field name seen twice (contract or not), by its raw name. */
  duplicate: string | null;
  /** Whether some field name was not a string at all (only a broken caller does that). */
  badName: boolean;
  /** Unknown names in order of first appearance, with whether any occurrence looked raw. */
  unknown: Map<string, boolean> | null;
}

/** Result for input that is not an array at all: nothing to report, nothing to trust. */
function rejectUnreadable(): ParseResult<never> {
  return { ok: false, reason: 'type', field: null, collector: null, unknownFields: [] };
}

/**
 * Parses one raw entry by `shape`. Never throws; never puts the value of an unknown
 * field, or an invalid value, into its result.
 */
export function parseEntry<T, Name extends string>(shape: StreamShape<T, Name>, fields: unknown): ParseResult<T> {
  try {
    return Array.isArray(fields) ? parseArray(shape, fields) : rejectUnreadable();
  } catch {
    // Unreachable for arrays of strings; a last guard so that a caller passing exotic
    // objects (throwing getters, revoked proxies) still gets a rejection, not a crashed reader.
    return rejectUnreadable();
  }
}

function parseArray<T, Name extends string>(shape: StreamShape<T, Name>, fields: readonly unknown[]): ParseResult<T> {
  const { table } = shape;
  const scan = scanFields(table, fields);
  const unknownFields = reportUnknownFields(scan.unknown);
  const collector = collectorOf(scan.raw, shape.collectorSlot);
  const reject = (rejection: Rejection): ParseResult<T> => ({
    ok: false, reason: rejection.reason, field: rejection.field, collector, unknownFields,
  });

  if (scan.duplicate !== null) return reject({ reason: 'duplicate_field', field: safeFieldName(scan.duplicate) });
  if (scan.badName) return reject({ reason: 'type', field: null });

  // Values are read in place: the raw slot list becomes the value list.
  const values = scan.raw as FieldValue[];
  const { specs, defaults } = table;
  for (let slot = 0; slot < specs.length; slot++) {
    const spec = specs[slot]!;
    const wire = scan.raw[slot];
    if (wire === undefined) {
      if (spec.required) return reject({ reason: 'missing', field: spec.name });
      values[slot] = defaults[slot]!;
    } else if (typeof wire !== 'string') {
      // NO_VALUE (odd-length input) or a non-string from a broken caller.
      return reject({ reason: 'type', field: spec.name });
    } else {
      const read = readFieldValue(spec, wire);
      if (isRejection(read)) return reject(read);
      values[slot] = read;
    }
  }

  const broken = shape.check?.(values);
  if (broken) return reject(broken);
  return { ok: true, entry: shape.build(values), unknownFields };
}

/** One pass over the flat array: contract values into slots, unknown names aside. */
function scanFields(table: FieldTable, fields: readonly unknown[]): Scan {
  const scan: Scan = {
    raw: new Array<RawSlot>(table.specs.length).fill(undefined),
    duplicate: null,
    badName: false,
    unknown: null,
  };
  const { names, slotByName } = table;
  /** The slot the next name most likely fills: producers write fields in table order, some left out. */
  let expected = 0;
  for (let index = 0; index < fields.length; index += 2) {
    const name: unknown = fields[index];
    const value: unknown = index + 1 < fields.length ? fields[index + 1] : NO_VALUE;
    if (typeof name !== 'string') {
      scan.badName = true;
      continue;
    }
    // Comparing with the expected name is cheaper than hashing a name freshly read off
    // the wire; the map decides whenever the guess is wrong.
    const slot = name === names[expected] ? expected : slotByName.get(name);
    if (slot !== undefined) {
      expected = slot + 1;
      if (scan.raw[slot] !== undefined) {
        scan.duplicate ??= name;
        scan.raw[slot] = REPEATED;
      } else {
        scan.raw[slot] = value;
      }
      continue;
    }
    scan.unknown ??= new Map();
    const seen = scan.unknown.get(name);
    if (seen === undefined) {
      scan.unknown.set(name, unknownLooksRaw(name, value));
    } else {
      scan.duplicate ??= name;
      if (!seen && unknownLooksRaw(name, value)) scan.unknown.set(name, true);
    }
  }
  return scan;
}

/** Whether one occurrence of an unknown field looks like raw content. */
function unknownLooksRaw(name: string, value: unknown): boolean {
  if (typeof value === 'string') return isRawLookingField(name, value);
  if (value === NO_VALUE) return isRawLookingName(name);
  // A non-string value (a Buffer from a misconfigured client, say) cannot be shown to
  // be short text, so it is treated as content.
  return true;
}

/** The unknown fields to report, by safe name, bounded by MAX_REPORTED_UNKNOWN_FIELDS. */
function reportUnknownFields(unknown: Map<string, boolean> | null): UnknownField[] {
  const reported: UnknownField[] = [];
  if (unknown === null) return reported;
  if (unknown.size <= MAX_REPORTED_UNKNOWN_FIELDS) {
    for (const [name, rawLooking] of unknown) reported.push({ name: safeFieldName(name), rawLooking });
    return reported;
  }
  for (const wantRaw of [true, false]) {
    for (const [name, rawLooking] of unknown) {
      if (reported.length >= MAX_REPORTED_UNKNOWN_FIELDS) return reported;
      if (rawLooking === wantRaw) reported.push({ name: safeFieldName(name), rawLooking });
    }
  }
  return reported;
}

/**
 * The collector to name in a rejection: its value when given once and a valid id.
 * A repeated `collector` names nobody, since either value may be the forged one.
 */
function collectorOf(raw: readonly RawSlot[], collectorSlot: number | null): string | null {
  if (collectorSlot === null) return null;
  const wire = raw[collectorSlot];
  return typeof wire === 'string' && isContractId(wire) ? wire : null;
}
