import { Value } from '@sinclair/typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { safeFieldName } from './fields.js';
import { SECURITY_FIELDS, SECURITY_KINDS, SECURITY_TABLE, SecurityEntry, parseSecurityEntry } from './security.js';

type Wire = Readonly<Record<string, string>>;

/** The flat `[field, value, …]` array Redis returns for these wire values. */
const flat = (fields: Wire): string[] => Object.entries(fields).flat();
const without = (fields: Wire, name: string): Wire =>
  Object.fromEntries(Object.entries(fields).filter(([key]) => key !== name));
const parse = (fields: Wire) => parseSecurityEntry(flat(fields));

/** Only the required fields. */
const MINIMAL: Wire = { v: '1', ts: '1700000000456', kind: 'raw_access', actor: 'svc:exporter', outcome: 'denied' };

function rejection(fields: Wire | string[]) {
  const result = parseSecurityEntry(Array.isArray(fields) ? fields : flat(fields));
  if (result.ok) throw new Error('expected a rejection');
  return { reason: result.reason, field: result.field };
}

describe('kw:security field table', () => {
  it('lists the contract fields in contract order, with the contract required ones', () => {
    expect(SECURITY_FIELDS).toEqual(['v', 'ts', 'kind', 'actor', 'resource', 'outcome', 'records', 'detail', 'source']);
    const required = SECURITY_TABLE.specs.filter((spec) => spec.required).map((spec) => spec.name);
    expect(required).toEqual(['v', 'ts', 'kind', 'actor', 'outcome']);
  });
});

describe('SecurityEntry type', () => {
  it('has the kind and outcome words and null for absent optional ids', () => {
    expectTypeOf<SecurityEntry['kind']>().toEqualTypeOf<(typeof SECURITY_KINDS)[number]>();
    expectTypeOf<SecurityEntry['outcome']>().toEqualTypeOf<'allowed' | 'denied'>();
    expectTypeOf<SecurityEntry['source']>().toEqualTypeOf<string | null>();
    expectTypeOf<SecurityEntry['records']>().toEqualTypeOf<number>();
  });
});

describe('parseSecurityEntry: accepted entries', () => {
  it('gives records 0 and the optional ids null when absent', () => {
    expect(parse(MINIMAL)).toEqual({
      ok: true,
      unknownFields: [],
      entry: {
        ts: 1700000000456, kind: 'raw_access', actor: 'svc:exporter', resource: null, outcome: 'denied', records: 0,
        detail: null, source: null,
      },
    });
  });

  it('reads every field', () => {
    const result = parse({
      ...MINIMAL, kind: 'policy_change', outcome: 'allowed', resource: 'policy:redaction', records: '12',
      detail: 'redaction_rules_removed', source: 'host-3.corp',
    });
    expect(result).toEqual({
      ok: true,
      unknownFields: [],
      entry: {
        ts: 1700000000456, kind: 'policy_change', actor: 'svc:exporter', resource: 'policy:redaction',
        outcome: 'allowed', records: 12, detail: 'redaction_rules_removed', source: 'host-3.corp',
      },
    });
    expect(result.ok && Value.Check(SecurityEntry, result.entry)).toBe(true);
  });

  it.each(SECURITY_KINDS.map((kind) => [kind]))('accepts kind %s', (kind) => {
    expect(parse({ ...MINIMAL, kind }).ok).toBe(true);
  });

  it.each([['10.1.2.3'], ['::1'], ['2001:db8::42'], ['::ffff:192.0.2.1'], ['fe80::1%eth0'], ['gateway-2']])(
    'accepts source %s (an id or an IP literal)',
    (source) => {
      const result = parse({ ...MINIMAL, source });
      expect(result.ok && result.entry.source).toBe(source);
      expect(result.ok && Value.Check(SecurityEntry, result.entry)).toBe(true);
    },
  );
});

describe('parseSecurityEntry: rejections', () => {
  it('rejects a field given twice first (duplicate_field)', () => {
    expect(rejection([...flat(MINIMAL), 'actor', 'someone'])).toEqual({ reason: 'duplicate_field', field: 'actor' });
    expect(rejection(['v', '9', 'X', '1', 'X', '2'])).toEqual({ reason: 'duplicate_field', field: safeFieldName('X') });
  });

  it('rejects a missing v as missing and another v as version', () => {
    expect(rejection(without(MINIMAL, 'v'))).toEqual({ reason: 'missing', field: 'v' });
    expect(rejection({ ...MINIMAL, v: '2' })).toEqual({ reason: 'version', field: 'v' });
  });

  it.each(['ts', 'kind', 'actor', 'outcome'])('rejects an entry without %s (missing)', (name) => {
    expect(rejection(without(MINIMAL, name))).toEqual({ reason: 'missing', field: name });
  });

  it.each([
    ['ts', 'yesterday'], ['kind', 'RAW_ACCESS'], ['kind', 'delete'], ['outcome', 'maybe'], ['outcome', ''],
    ['records', '-5'], ['records', '3.0'],
  ])('rejects %s=%j as type', (name, value) => {
    expect(rejection({ ...MINIMAL, [name]: value })).toEqual({ reason: 'type', field: name });
  });

  it.each([
    ['actor', ''], ['actor', 'John Smith'], ['resource', '/raw-store'], ['detail', 'a'.repeat(65)],
    ['source', '[::1]'], ['source', '10.0.0.1:443 '], ['source', 'evil host'], ['source', '999.1.1.1 x'],
  ])('rejects %s=%j as id', (name, value) => {
    expect(rejection({ ...MINIMAL, [name]: value })).toEqual({ reason: 'id', field: name });
  });

  it('rejects a trailing contract field without a value as type', () => {
    expect(rejection([...flat(MINIMAL), 'source'])).toEqual({ reason: 'type', field: 'source' });
  });

  it('never names a collector, even when a collector field is sent', () => {
    const result = parse({ ...MINIMAL, ts: 'x', collector: 'dev-1' });
    expect(result).toMatchObject({ ok: false, collector: null });
    expect(result.unknownFields).toEqual([{ name: 'collector', rawLooking: false }]);
  });
});

describe('parseSecurityEntry: unknown fields', () => {
  it('reports them by safe name on accepted and rejected entries, never their values', () => {
    const accepted = parse({ ...MINIMAL, payload: 'exfiltrated rows', ticket: 'T-1' });
    expect(accepted.ok).toBe(true);
    expect(accepted.unknownFields).toEqual([
      { name: 'payload', rawLooking: true },
      { name: 'ticket', rawLooking: false },
    ]);
    const rejected = parse({ ...without(MINIMAL, 'actor'), Body: 'exfiltrated rows' });
    expect(rejected).toMatchObject({ ok: false, reason: 'missing', field: 'actor' });
    expect(rejected.unknownFields).toEqual([{ name: safeFieldName('Body'), rawLooking: true }]);
    expect(JSON.stringify([accepted, rejected])).not.toContain('exfiltrated');
  });
});
