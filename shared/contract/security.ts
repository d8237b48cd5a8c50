/**
 * `kw:security` — security and audit events from the pipeline (raw access, exports,
 * auth failures, policy changes…). The field table below is the contract's table.
 */
import { Type, type Static } from '@sinclair/typebox';
import { parseEntry, type StreamShape } from './entry-reader.js';
import { defineFieldTable, type FieldValue } from './field-table.js';
import type { ParseResult } from './parse-result.js';
import { ContractAddress, ContractId, ContractInt, Words } from './schemas.js';

/** What happened. */
export const SECURITY_KINDS = [
  'raw_access', 'export', 'auth_failure', 'policy_change', 'collector_tamper', 'retention_breach',
] as const;
export type SecurityKind = (typeof SECURITY_KINDS)[number];

/** Whether the pipeline let it happen. */
export const SECURITY_OUTCOMES = ['allowed', 'denied'] as const;
export type SecurityOutcome = (typeof SECURITY_OUTCOMES)[number];

/** The `kw:security` field table, in the contract's order (which is also the check order). */
export const SECURITY_TABLE = defineFieldTable([
  { name: 'v', required: true, kind: 'version' },
  { name: 'ts', required: true, kind: 'int' },
  { name: 'kind', required: true, kind: 'word', words: SECURITY_KINDS },
  { name: 'actor', required: true, kind: 'id' },
  { name: 'resource', required: false, kind: 'id' },
  { name: 'outcome', required: true, kind: 'word', words: SECURITY_OUTCOMES },
  { name: 'records', required: false, kind: 'int', default: '0' },
  { name: 'detail', required: false, kind: 'id' },
  { name: 'source', required: false, kind: 'address' },
]);

/** Field names of `kw:security`, in contract order. */
export const SECURITY_FIELDS = SECURITY_TABLE.names;
export type SecurityFieldName = (typeof SECURITY_FIELDS)[number];

// Optional fields without a default are `null` when absent rather than missing keys:
// every entry has the same shape, and `null` reads as "not given" in JSON too.
const OptionalId = Type.Union([ContractId, Type.Null()]);

/** A `kw:security` entry once parsed. */
export const SecurityEntry = Type.Object(
  {
    ts: ContractInt,
    kind: Words(SECURITY_KINDS),
    actor: ContractId,
    resource: OptionalId,
    outcome: Words(SECURITY_OUTCOMES),
    records: ContractInt,
    detail: OptionalId,
    source: Type.Union([ContractAddress, Type.Null()]),
  },
  { additionalProperties: false },
);
export type SecurityEntry = Static<typeof SecurityEntry>;

const slot = SECURITY_TABLE.slot;

/** Assembles the typed entry; every value has already been read and checked by the table. */
function buildSecurityEntry(values: readonly FieldValue[]): SecurityEntry {
  return {
    ts: values[slot.ts] as number,
    kind: values[slot.kind] as SecurityKind,
    actor: values[slot.actor] as string,
    resource: values[slot.resource] as string | null,
    outcome: values[slot.outcome] as SecurityOutcome,
    records: values[slot.records] as number,
    detail: values[slot.detail] as string | null,
    source: values[slot.source] as string | null,
  };
}

const SECURITY_SHAPE: StreamShape<SecurityEntry, SecurityFieldName> = {
  table: SECURITY_TABLE,
  // Security events come from the pipeline's services, not from a collector.
  collectorSlot: null,
  build: buildSecurityEntry,
};

/** Parses one raw `kw:security` entry (`[field, value, …]` as Redis returns it); never throws. */
export function parseSecurityEntry(fields: readonly string[]): ParseResult<SecurityEntry> {
  return parseEntry(SECURITY_SHAPE, fields);
}
