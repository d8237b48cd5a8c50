/**
 * A stream's field table as data — name, required, kind, default — exactly as the
 * contract lists it, and the per-field reading of one wire value by that table.
 */
import { isContractId, isIpLiteral, readContractInt, safeFieldName } from './fields.js';
import type { Rejection } from './parse-result.js';

/**
 * How a field is written on the wire: `version` the literal `1`, `int` and `id` as the
 * contract defines them, `word` one of a fixed list, `flag` `1` or `0`, `address` an id
 * or an IPv4/IPv6 literal.
 */
export type FieldKind = 'version' | 'int' | 'id' | 'word' | 'flag' | 'address';

/** One row of a stream's field table. */
export interface FieldSpec {
  readonly name: string;
  readonly required: boolean;
  readonly kind: FieldKind;
  /** Wire value assumed when an optional field is absent; without one the field reads as `null`. */
  readonly default?: string;
  /** The accepted words of a `word` field. */
  readonly words?: readonly string[];
  /** Inclusive bounds of an `int` field whose range the contract limits (`dur`). */
  readonly min?: number;
  readonly max?: number;
}

/** A field's value once read: ints and the version as numbers, flags as booleans, null for absent. */
export type FieldValue = number | string | boolean | null;

/** A field table ready for reading: rows, names, and each name's slot in the value list. */
export interface FieldTable<Name extends string = string> {
  readonly specs: readonly FieldSpec[];
  readonly names: readonly Name[];
  /** Slot of each field in the value list a reader produces (the row's position). */
  readonly slot: Readonly<Record<Name, number>>;
  // A Map, not an object: field names come from producers, and `__proto__` or
  // `constructor` must look up as unknown rather than hit Object.prototype.
  readonly slotByName: ReadonlyMap<string, number>;
  /** Per slot: the default's value, or null when the field has none. */
  readonly defaults: readonly FieldValue[];
}

/**
 * Checks a table once at load time and indexes it. Throws on a malformed table: that
 * is a programming error in this folder, never something an entry can cause.
 */
export function defineFieldTable<const Specs extends readonly FieldSpec[]>(
  specs: Specs,
): FieldTable<Specs[number]['name']> {
  type Name = Specs[number]['name'];
  const slotByName = new Map<string, number>();
  const slot = Object.create(null) as Record<Name, number>;
  const defaults: FieldValue[] = [];
  specs.forEach((spec, index) => {
    if (slotByName.has(spec.name)) throw new Error(`field table lists "${spec.name}" twice`);
    // Contract names double as the `field` of a rejection, which must be a safe name.
    if (safeFieldName(spec.name) !== spec.name) throw new Error(`field name "${spec.name}" is not a safe name`);
    if (spec.kind === 'word' && !spec.words?.length) throw new Error(`word field "${spec.name}" lists no words`);
    slotByName.set(spec.name, index);
    slot[spec.name as Name] = index;
    let fallback: FieldValue = null;
    if (spec.default !== undefined) {
      const read = readFieldValue(spec, spec.default);
      if (isRejection(read)) throw new Error(`default of "${spec.name}" breaks its own rule`);
      fallback = read;
    }
    defaults.push(fallback);
  });
  return {
    specs,
    names: Object.freeze(specs.map((spec) => spec.name as Name)),
    slot: Object.freeze(slot),
    slotByName,
    defaults: Object.freeze(defaults),
  };
}

/**
 * Reads one present wire value by its row: the typed value, or the rejection the
 * contract names for it (`version`, `type`, `id` or `range`).
 */
export function readFieldValue(spec: FieldSpec, wire: string): FieldValue | Rejection {
  switch (spec.kind) {
    case 'version':
      return wire === '1' ? 1 : { reason: 'version', field: spec.name };
    case 'int': {
      // At most 15 digits, so the value is exact.
      const value = readContractInt(wire);
      if (value < 0) return { reason: 'type', field: spec.name };
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        return { reason: 'range', field: spec.name };
      }
      return value;
    }
    case 'id':
      return isContractId(wire) ? wire : { reason: 'id', field: spec.name };
    case 'word':
      return spec.words?.includes(wire) ? wire : { reason: 'type', field: spec.name };
    case 'flag':
      if (wire === '1') return true;
      if (wire === '0') return false;
      return { reason: 'type', field: spec.name };
    case 'address':
      return isContractId(wire) || isIpLiteral(wire) ? wire : { reason: 'id', field: spec.name };
  }
}

/** True when a read produced a rejection rather than a value. */
export function isRejection(read: FieldValue | Rejection): read is Rejection {
  return typeof read === 'object' && read !== null;
}
