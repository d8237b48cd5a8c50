/**
 * `kw:collect` — one entry per collector flush: counts only, never content.
 * The field table below is the contract's table, row for row.
 */
import { Type, type Static } from '@sinclair/typebox';
import { REDACTION_REASONS, type RedactionReason } from '../overview.js';
import { parseEntry, type StreamShape } from './entry-reader.js';
import { defineFieldTable, type FieldValue } from './field-table.js';
import type { ParseResult, Rejection } from './parse-result.js';
import { ContractId, ContractInt, Words } from './schemas.js';

/** The subject's consent state when the batch was taken. */
export const CONSENT_STATES = ['granted', 'revoked', 'unknown'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** Bounds of `dur`, the batch interval in ms. */
export const DUR_MIN_MS = 1;
export const DUR_MAX_MS = 60_000;

/** The `kw:collect` field table, in the contract's order (which is also the check order). */
export const COLLECT_TABLE = defineFieldTable([
  { name: 'v', required: true, kind: 'version' },
  { name: 'ts', required: true, kind: 'int' },
  { name: 'dur', required: false, kind: 'int', default: '1000', min: DUR_MIN_MS, max: DUR_MAX_MS },
  { name: 'collector', required: true, kind: 'id' },
  { name: 'subject', required: true, kind: 'id' },
  { name: 'team', required: true, kind: 'id' },
  { name: 'app', required: true, kind: 'id' },
  { name: 'keys', required: true, kind: 'int' },
  { name: 'clicks', required: false, kind: 'int', default: '0' },
  { name: 'moves', required: false, kind: 'int', default: '0' },
  { name: 'scrolls', required: false, kind: 'int', default: '0' },
  { name: 'corrections', required: false, kind: 'int', default: '0' },
  { name: 'dropped', required: false, kind: 'int', default: '0' },
  { name: 'redacted', required: true, kind: 'int' },
  { name: 'red_password', required: false, kind: 'int', default: '0' },
  { name: 'red_email', required: false, kind: 'int', default: '0' },
  { name: 'red_phone', required: false, kind: 'int', default: '0' },
  { name: 'red_card', required: false, kind: 'int', default: '0' },
  { name: 'red_credential', required: false, kind: 'int', default: '0' },
  { name: 'red_govid', required: false, kind: 'int', default: '0' },
  { name: 'red_other', required: false, kind: 'int', default: '0' },
  { name: 'bytes', required: false, kind: 'int', default: '0' },
  { name: 'consent', required: true, kind: 'word', words: CONSENT_STATES },
  { name: 'tls', required: false, kind: 'flag', default: '1' },
]);

/** Field names of `kw:collect`, in contract order. */
export const COLLECT_FIELDS = COLLECT_TABLE.names;
export type CollectFieldName = (typeof COLLECT_FIELDS)[number];

/** A `kw:collect` entry once parsed: numbers as numbers, `red_*` folded into `red`, `tls` as a boolean. */
export const CollectEntry = Type.Object(
  {
    ts: ContractInt,
    dur: Type.Integer({ minimum: DUR_MIN_MS, maximum: DUR_MAX_MS }),
    collector: ContractId,
    subject: ContractId,
    team: ContractId,
    app: ContractId,
    keys: ContractInt,
    clicks: ContractInt,
    moves: ContractInt,
    scrolls: ContractInt,
    corrections: ContractInt,
    dropped: ContractInt,
    redacted: ContractInt,
    red: Type.Object(
      Object.fromEntries(REDACTION_REASONS.map((reason) => [reason, ContractInt])) as Record<
        RedactionReason,
        typeof ContractInt
      >,
      { additionalProperties: false },
    ),
    bytes: ContractInt,
    consent: Words(CONSENT_STATES),
    tls: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type CollectEntry = Static<typeof CollectEntry>;

const slot = COLLECT_TABLE.slot;

/** The sum rules: redactions never exceed events, reasons never exceed redactions, corrections are keys. */
function checkCollectSums(values: readonly FieldValue[]): Rejection | null {
  const at = (index: number) => values[index] as number;
  const events = at(slot.keys) + at(slot.clicks) + at(slot.moves) + at(slot.scrolls);
  const redacted = at(slot.redacted);
  if (redacted > events) return { reason: 'sum', field: 'redacted' };
  const byReason =
    at(slot.red_password) + at(slot.red_email) + at(slot.red_phone) + at(slot.red_card) +
    at(slot.red_credential) + at(slot.red_govid) + at(slot.red_other);
  // Seven fields together break this rule, so no single one is named.
  if (byReason > redacted) return { reason: 'sum', field: null };
  if (at(slot.corrections) > at(slot.keys)) return { reason: 'sum', field: 'corrections' };
  return null;
}

/** Assembles the typed entry; every value has already been read and checked by the table. */
function buildCollectEntry(values: readonly FieldValue[]): CollectEntry {
  const int = (index: number) => values[index] as number;
  const text = (index: number) => values[index] as string;
  return {
    ts: int(slot.ts),
    dur: int(slot.dur),
    collector: text(slot.collector),
    subject: text(slot.subject),
    team: text(slot.team),
    app: text(slot.app),
    keys: int(slot.keys),
    clicks: int(slot.clicks),
    moves: int(slot.moves),
    scrolls: int(slot.scrolls),
    corrections: int(slot.corrections),
    dropped: int(slot.dropped),
    redacted: int(slot.redacted),
    red: {
      password: int(slot.red_password),
      email: int(slot.red_email),
      phone: int(slot.red_phone),
      card: int(slot.red_card),
      credential: int(slot.red_credential),
      govid: int(slot.red_govid),
      other: int(slot.red_other),
    },
    bytes: int(slot.bytes),
    consent: values[slot.consent] as ConsentState,
    tls: values[slot.tls] as boolean,
  };
}

const COLLECT_SHAPE: StreamShape<CollectEntry, CollectFieldName> = {
  table: COLLECT_TABLE,
  collectorSlot: slot.collector,
  check: checkCollectSums,
  build: buildCollectEntry,
};

/** Parses one raw `kw:collect` entry (`[field, value, …]` as Redis returns it); never throws. */
export function parseCollectEntry(fields: readonly string[]): ParseResult<CollectEntry> {
  return parseEntry(COLLECT_SHAPE, fields);
}
