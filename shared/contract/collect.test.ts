import { Value } from '@sinclair/typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { REDACTION_REASONS } from '../overview.js';
import { COLLECT_FIELDS, COLLECT_TABLE, CollectEntry, parseCollectEntry } from './collect.js';
import { safeFieldName } from './fields.js';

type Wire = Readonly<Record<string, string>>;

/** The flat `[field, value, …]` array Redis returns for these wire values. */
const flat = (fields: Wire): string[] => Object.entries(fields).flat();
const without = (fields: Wire, name: string): Wire =>
  Object.fromEntries(Object.entries(fields).filter(([key]) => key !== name));
const parse = (fields: Wire) => parseCollectEntry(flat(fields));

/** Only the required fields. */
const MINIMAL: Wire = {
  v: '1', ts: '1700000000123', collector: 'dev-42', subject: 'subj.9f2a', team: 'team-7', app: 'ide',
  keys: '120', redacted: '4', consent: 'granted',
};

/** Every field given, none at its default. */
const FULL: Wire = {
  ...MINIMAL, dur: '2500', clicks: '7', moves: '300', scrolls: '12', corrections: '9', dropped: '2', redacted: '20',
  red_password: '1', red_email: '2', red_phone: '3', red_card: '4', red_credential: '5', red_govid: '1', red_other: '2',
  bytes: '4096', consent: 'revoked', tls: '0',
};

function rejection(fields: Wire | string[]) {
  const result = parseCollectEntry(Array.isArray(fields) ? fields : flat(fields));
  if (result.ok) throw new Error('expected a rejection');
  return { reason: result.reason, field: result.field };
}

describe('kw:collect field table', () => {
  it('lists the contract fields in contract order', () => {
    expect(COLLECT_FIELDS).toEqual([
      'v', 'ts', 'dur', 'collector', 'subject', 'team', 'app', 'keys', 'clicks', 'moves', 'scrolls', 'corrections',
      'dropped', 'redacted', ...REDACTION_REASONS.map((reason) => `red_${reason}`), 'bytes', 'consent', 'tls',
    ]);
  });

  it('marks as required exactly what the contract requires', () => {
    const required = COLLECT_TABLE.specs.filter((spec) => spec.required).map((spec) => spec.name);
    expect(required).toEqual(['v', 'ts', 'collector', 'subject', 'team', 'app', 'keys', 'redacted', 'consent']);
  });
});

describe('CollectEntry type', () => {
  it('has numbers, folded reasons, a boolean tls and the consent words', () => {
    expectTypeOf<CollectEntry['keys']>().toEqualTypeOf<number>();
    expectTypeOf<CollectEntry['red']>().toEqualTypeOf<Record<(typeof REDACTION_REASONS)[number], number>>();
    expectTypeOf<CollectEntry['tls']>().toEqualTypeOf<boolean>();
    expectTypeOf<CollectEntry['consent']>().toEqualTypeOf<'granted' | 'revoked' | 'unknown'>();
  });
});

describe('parseCollectEntry: accepted entries', () => {
  it('fills the defaults of every optional field', () => {
    const result = parse(MINIMAL);
    expect(result).toEqual({
      ok: true,
      unknownFields: [],
      entry: {
        ts: 1700000000123, dur: 1000, collector: 'dev-42', subject: 'subj.9f2a', team: 'team-7', app: 'ide',
        keys: 120, clicks: 0, moves: 0, scrolls: 0, corrections: 0, dropped: 0, redacted: 4,
        red: { password: 0, email: 0, phone: 0, card: 0, credential: 0, govid: 0, other: 0 },
        bytes: 0, consent: 'granted', tls: true,
      },
    });
  });

  it('reads every field, folds red_* into red and tls into a boolean', () => {
    const result = parse(FULL);
    expect(result).toEqual({
      ok: true,
      unknownFields: [],
      entry: {
        ts: 1700000000123, dur: 2500, collector: 'dev-42', subject: 'subj.9f2a', team: 'team-7', app: 'ide',
        keys: 120, clicks: 7, moves: 300, scrolls: 12, corrections: 9, dropped: 2, redacted: 20,
        red: { password: 1, email: 2, phone: 3, card: 4, credential: 5, govid: 1, other: 2 },
        bytes: 4096, consent: 'revoked', tls: false,
      },
    });
    expect(result.ok && Value.Check(CollectEntry, result.entry)).toBe(true);
  });

  it('does not care about field order', () => {
    const reversed = Object.fromEntries(Object.entries(FULL).reverse());
    expect(parse(reversed)).toEqual(parse(FULL));
  });

  it.each([['granted'], ['revoked'], ['unknown']])('accepts consent %s', (consent) => {
    expect(parse({ ...MINIMAL, consent }).ok).toBe(true);
  });

  it('accepts the largest int and the ends of the dur range', () => {
    expect(parse({ ...MINIMAL, ts: '999999999999999', bytes: '999999999999999' }).ok).toBe(true);
    expect(parse({ ...MINIMAL, dur: '1' }).ok).toBe(true);
    expect(parse({ ...MINIMAL, dur: '60000' }).ok).toBe(true);
  });

  it('accepts sums exactly at their limits', () => {
    const atLimits = {
      ...MINIMAL, keys: '10', clicks: '1', moves: '2', scrolls: '3', redacted: '16', corrections: '10',
      red_password: '10', red_other: '6',
    };
    expect(parse(atLimits).ok).toBe(true);
  });

  it('counts an entry whose only problem is an unknown field, and reports that field', () => {
    const result = parse({ ...MINIMAL, region: 'eu-west' });
    expect(result.ok).toBe(true);
    expect(result.unknownFields).toEqual([{ name: 'region', rawLooking: false }]);
    expect(JSON.stringify(result)).not.toContain('eu-west');
  });
});

describe('parseCollectEntry: rejections', () => {
  it('rejects a field given twice before anything else (duplicate_field)', () => {
    expect(rejection([...flat(MINIMAL), 'keys', '1'])).toEqual({ reason: 'duplicate_field', field: 'keys' });
    // Even when `v` is missing, and even for an unknown field (named by its safe name).
    expect(rejection(['Note', 'a', 'Note', 'b'])).toEqual({ reason: 'duplicate_field', field: safeFieldName('Note') });
  });

  it('names the first duplicated field when several are', () => {
    expect(rejection([...flat(MINIMAL), 'team', 'x', 'app', 'y'])).toEqual({ reason: 'duplicate_field', field: 'team' });
  });

  it('rejects a missing v as missing and another v as version', () => {
    expect(rejection(without(MINIMAL, 'v'))).toEqual({ reason: 'missing', field: 'v' });
    for (const v of ['2', '0', '01', '1.0', '', ' 1', 'v1']) {
      expect(rejection({ ...MINIMAL, v })).toEqual({ reason: 'version', field: 'v' });
    }
  });

  it('checks the version before the other fields', () => {
    expect(rejection({ v: '2' })).toEqual({ reason: 'version', field: 'v' });
  });

  it.each(['ts', 'collector', 'subject', 'team', 'app', 'keys', 'redacted', 'consent'])(
    'rejects an entry without %s (missing)',
    (name) => expect(rejection(without(MINIMAL, name))).toEqual({ reason: 'missing', field: name }),
  );

  it.each([
    ['ts', '-1'], ['ts', '1.5'], ['ts', '01'], ['ts', '1000000000000000'], ['ts', ''],
    ['dur', 'abc'], ['keys', 'twelve'], ['keys', ' 12'], ['clicks', '0x1'], ['moves', '1e3'], ['scrolls', '+3'],
    ['corrections', '-0'], ['dropped', 'NaN'], ['redacted', '4.0'], ['red_card', '١'], ['bytes', 'Infinity'],
    ['consent', 'GRANTED'], ['consent', 'yes'], ['consent', ''], ['tls', 'true'], ['tls', '2'], ['tls', ''],
  ])('rejects %s=%j as type', (name, value) => {
    expect(rejection({ ...MINIMAL, [name]: value })).toEqual({ reason: 'type', field: name });
  });

  it.each([
    ['collector', 'dev 42'], ['subject', ''], ['team', '-team'], ['app', 'a'.repeat(65)], ['collector', 'dév'],
    ['subject', 'a/b'], ['team', 'x\n'],
  ])('rejects %s=%j as id', (name, value) => {
    expect(rejection({ ...MINIMAL, [name]: value })).toEqual({ reason: 'id', field: name });
  });

  it.each([['0'], ['60001'], ['999999999999999']])('rejects dur=%s as range', (dur) => {
    expect(rejection({ ...MINIMAL, dur })).toEqual({ reason: 'range', field: 'dur' });
  });

  it('rejects redacted above the events (sum, field redacted)', () => {
    const entry = { ...MINIMAL, keys: '1', clicks: '1', moves: '1', scrolls: '1', redacted: '5' };
    expect(rejection(entry)).toEqual({ reason: 'sum', field: 'redacted' });
  });

  it('rejects red_* summing above redacted (sum, no single field)', () => {
    const entry = { ...MINIMAL, redacted: '4', red_password: '2', red_govid: '2', red_other: '1' };
    expect(rejection(entry)).toEqual({ reason: 'sum', field: null });
  });

  it('rejects corrections above keys (sum, field corrections)', () => {
    expect(rejection({ ...MINIMAL, keys: '3', redacted: '0', corrections: '4' })).toEqual({
      reason: 'sum', field: 'corrections',
    });
  });

  it('reports the first problem in table order', () => {
    // ts comes before collector and keys in the table.
    expect(rejection({ ...without(MINIMAL, 'collector'), ts: 'x', keys: 'y' })).toEqual({ reason: 'type', field: 'ts' });
    expect(rejection({ ...MINIMAL, dur: '0', collector: 'bad id' })).toEqual({ reason: 'range', field: 'dur' });
    // Field checks come before the sums.
    expect(rejection({ ...MINIMAL, redacted: '999', tls: 'x' })).toEqual({ reason: 'type', field: 'tls' });
  });

  it('rejects a trailing contract field without a value (odd-length input) as type', () => {
    expect(rejection([...flat(without(MINIMAL, 'consent')), 'consent'])).toEqual({ reason: 'type', field: 'consent' });
    expect(rejection([...flat(MINIMAL), 'dur'])).toEqual({ reason: 'type', field: 'dur' });
  });

  it('ignores a trailing unknown field without a value, reporting only its name', () => {
    const result = parseCollectEntry([...flat(MINIMAL), 'region']);
    expect(result.ok).toBe(true);
    expect(result.unknownFields).toEqual([{ name: 'region', rawLooking: false }]);
  });
});

describe('parseCollectEntry: the collector named in a rejection', () => {
  it('is the collector id when it is present and valid', () => {
    const result = parse({ ...MINIMAL, keys: 'x' });
    expect(result).toMatchObject({ ok: false, collector: 'dev-42' });
  });

  it('is null when the collector is absent, invalid or given twice', () => {
    expect(parse(without(MINIMAL, 'collector'))).toMatchObject({ ok: false, collector: null });
    expect(parse({ ...MINIMAL, collector: 'not valid' })).toMatchObject({ ok: false, collector: null });
    expect(parseCollectEntry([...flat(MINIMAL), 'collector', 'dev-43'])).toMatchObject({
      ok: false, reason: 'duplicate_field', collector: null,
    });
  });
});

describe('parseCollectEntry: unknown fields', () => {
  it('flags raw-looking fields even on a rejected entry, and never carries their values', () => {
    const typed = 'my password is hunter2';
    const long = 'q'.repeat(65);
    const result = parseCollectEntry([...flat({ ...MINIMAL, keys: 'bad' }), 'typed_text', typed, 'Note', long, 'lang', 'en']);
    expect(result).toMatchObject({ ok: false, reason: 'type', field: 'keys', collector: 'dev-42' });
    expect(result.unknownFields).toEqual([
      { name: 'typed_text', rawLooking: true },
      { name: safeFieldName('Note'), rawLooking: true },
      { name: 'lang', rawLooking: false },
    ]);
    const serialised = JSON.stringify(result);
    expect(serialised).not.toContain('hunter2');
    expect(serialised).not.toContain(long);
    expect(serialised).not.toContain('Note');
  });

  it('never copies an unknown field into the entry', () => {
    const result = parse({ ...MINIMAL, text: 'secret words', extra: '1' });
    expect(result.ok && Object.keys(result.entry)).not.toContain('text');
    expect(result.ok && Object.keys(result.entry)).not.toContain('extra');
  });

  it('treats fields of the other stream as unknown', () => {
    const result = parse({ ...MINIMAL, kind: 'export', actor: 'svc' });
    expect(result.ok).toBe(true);
    expect(result.unknownFields.map((field) => field.name)).toEqual(['kind', 'actor']);
  });
});
