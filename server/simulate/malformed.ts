/**
 * Malformed entries, made on purpose from good ones: each breaks the stream contract in
 * exactly one way, so a reader's per-reason reject counts can be checked against them.
 */
import type { FieldList } from '../ingest/stream-writer.js';
import type { Random } from './random.js';

/** The ways an entry is broken, named after the reject reason it must cause. */
export const MALFORMED_KINDS = ['type', 'id', 'sum', 'duplicate_field', 'missing', 'version', 'range'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** Share of entries the simulator breaks (within the 0.2–0.5% the brief allows). */
export const MALFORMED_SHARE = 0.003;

function indexOfField(fields: readonly string[], name: string): number {
  for (let index = 0; index < fields.length; index += 2) if (fields[index] === name) return index;
  return -1;
}

function valueOf(fields: readonly string[], name: string): string | undefined {
  const index = indexOfField(fields, name);
  return index < 0 ? undefined : fields[index + 1];
}

function withValue(fields: readonly string[], name: string, value: string): string[] {
  const copy = [...fields];
  const index = indexOfField(copy, name);
  if (index < 0) copy.push(name, value);
  else copy[index + 1] = value;
  return copy;
}

function withoutField(fields: readonly string[], name: string): string[] {
  const index = indexOfField(fields, name);
  return index < 0 ? [...fields] : [...fields.slice(0, index), ...fields.slice(index + 2)];
}

function countOf(fields: readonly string[], name: string): number {
  return Number(valueOf(fields, name) ?? '0');
}

/** Breaks a `kw:collect` entry in the given way. */
export function malformCollectEntry(fields: FieldList, kind: MalformedKind, random: Random): FieldList {
  switch (kind) {
    case 'type': {
      const field = random.pick(['keys', 'moves', 'bytes', 'consent', 'tls'] as const);
      const bad = { keys: '12.5', moves: '-3', bytes: '1e3', consent: 'yes', tls: 'true' }[field];
      return withValue(fields, field, bad);
    }
    case 'id': {
      const field = random.pick(['collector', 'team', 'app'] as const);
      const bad = { collector: 'c 0000 (unset)', team: 'Eng Platform', app: 'web browser' }[field];
      return withValue(fields, field, bad);
    }
    case 'sum': {
      const variant = random.int(0, 2);
      const keys = countOf(fields, 'keys');
      if (variant === 0) {
        const events = keys + countOf(fields, 'clicks') + countOf(fields, 'moves') + countOf(fields, 'scrolls');
        return withValue(fields, 'redacted', String(events + random.int(1, 5)));
      }
      if (variant === 1) return withValue(fields, 'corrections', String(keys + random.int(1, 3)));
      // A reason count above the total: Σ red_* > redacted. Keep redacted ≤ events.
      const redacted = countOf(fields, 'redacted');
      return withValue(withoutField(fields, 'red_other'), 'red_other', String(redacted + 1));
    }
    case 'duplicate_field':
      return [...fields, 'keys', String(countOf(fields, 'keys') + 1)];
    case 'missing':
      return withoutField(fields, random.pick(['subject', 'team', 'redacted', 'consent'] as const));
    case 'version':
      return withValue(fields, 'v', '2');
    case 'range':
      return withValue(fields, 'dur', random.chance(0.5) ? '0' : '120000');
  }
}

/** Breaks a `kw:security` entry in a way that applies to it. */
export function malformSecurityEntry(fields: FieldList, random: Random): FieldList {
  switch (random.int(0, 4)) {
    case 0: return withValue(fields, 'outcome', 'ok');
    case 1: return withValue(fields, 'actor', 'svc reporting');
    case 2: return withoutField(fields, 'kind');
    case 3: return withValue(fields, 'v', '0');
    default: return [...fields, 'outcome', 'denied'];
  }
}
