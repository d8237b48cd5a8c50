import { describe, expect, it } from 'vitest';
import { parseCollectEntry } from './collect.js';
import { MAX_REPORTED_UNKNOWN_FIELDS } from './entry-reader.js';
import { safeFieldName } from './fields.js';
import { parseSecurityEntry } from './security.js';

// What a hostile or broken producer (or caller) can hand the parsers: both must answer
// with a result, never throw, and never let an offending value into that result.

const COLLECT = [
  'v', '1', 'ts', '1700000000123', 'collector', 'dev-42', 'subject', 'subj.9f2a', 'team', 'team-7', 'app', 'ide',
  'keys', '120', 'redacted', '4', 'consent', 'granted',
];
const SECURITY = ['v', '1', 'ts', '1700000000456', 'kind', 'export', 'actor', 'svc:exporter', 'outcome', 'allowed'];

/** Calls the parser with input its type does not allow, as a broken caller would. */
const parseAnything = (parser: (fields: readonly string[]) => unknown, input: unknown) =>
  parser(input as readonly string[]);

describe.each([
  ['kw:collect', parseCollectEntry, COLLECT],
  ['kw:security', parseSecurityEntry, SECURITY],
] as const)('%s parser under hostile input', (_stream, parser, valid) => {
  it('handles odd-length arrays', () => {
    expect(parser([])).toMatchObject({ ok: false, reason: 'missing', field: 'v' });
    expect(parser(['v'])).toMatchObject({ ok: false, reason: 'type', field: 'v' });
    expect(parser(['v', '1', 'ts'])).toMatchObject({ ok: false, reason: 'type', field: 'ts' });
    expect(parser(['Odd'])).toMatchObject({
      ok: false, reason: 'missing', field: 'v', unknownFields: [{ name: safeFieldName('Odd'), rawLooking: false }],
    });
    expect(parser([...valid, 'text'])).toMatchObject({ ok: true, unknownFields: [{ name: 'text', rawLooking: true }] });
  });

  it('rejects a huge value quickly and keeps it out of the result', () => {
    const huge = '7'.repeat(8_000_000);
    const started = performance.now();
    const result = parser([...valid.slice(0, 2), 'ts', huge, ...valid.slice(4)]);
    expect(result).toMatchObject({ ok: false, reason: 'type', field: 'ts' });
    expect(JSON.stringify(result).length).toBeLessThan(500);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('flags a huge unknown value as raw-looking without carrying it', () => {
    const result = parser([...valid, 'note', 'z'.repeat(1_000_000)]);
    expect(result).toMatchObject({ ok: true, unknownFields: [{ name: 'note', rawLooking: true }] });
    expect(JSON.stringify(result).length).toBeLessThan(500);
  });

  it('survives 10k fields, reporting a bounded number of them, raw-looking first', () => {
    const fields = [...valid];
    for (let index = 0; index < 10_000; index++) fields.push(`f${index}`, 'x');
    fields.push('clipboard', 'y');
    const started = performance.now();
    const result = parser(fields);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.ok).toBe(true);
    expect(result.unknownFields).toHaveLength(MAX_REPORTED_UNKNOWN_FIELDS);
    expect(result.unknownFields[0]).toEqual({ name: 'clipboard', rawLooking: true });
  });

  it('rejects 10k repetitions of one name as duplicate_field', () => {
    const fields = [...valid];
    for (let index = 0; index < 10_000; index++) fields.push('spam', String(index));
    expect(parser(fields)).toMatchObject({ ok: false, reason: 'duplicate_field', field: 'spam' });
  });

  it('hashes non-ASCII names and refuses non-ASCII ids', () => {
    const result = parser([...valid, '文本', '打字的内容', 'émoji\u{1F600}', 'x']);
    expect(result.ok).toBe(true);
    expect(result.unknownFields).toEqual([
      { name: safeFieldName('文本'), rawLooking: false },
      { name: safeFieldName('émoji\u{1F600}'), rawLooking: false },
    ]);
    expect(JSON.stringify(result)).not.toContain('打字');
    const idField = valid[6]!; // `subject` / `actor`: an id in both streams
    expect(parser([...valid.filter((_, index) => index !== 6 && index !== 7), idField, 'jürgen'])).toMatchObject({
      ok: false, reason: 'id', field: idField,
    });
  });

  it('cannot pollute objects through __proto__, constructor or prototype', () => {
    const result = parser([
      ...valid, '__proto__', '{"polluted":true}', 'constructor', 'prototype', 'prototype', 'x', 'toString', 'y',
      'hasOwnProperty', 'z',
    ]);
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    if (result.ok) {
      expect(Object.getPrototypeOf(result.entry)).toBe(Object.prototype);
      for (const name of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
        expect(Object.hasOwn(result.entry, name)).toBe(false);
      }
    }
    expect(result.unknownFields.map((field) => field.name)).toEqual([
      safeFieldName('__proto__'), 'constructor', 'prototype', safeFieldName('toString'), safeFieldName('hasOwnProperty'),
    ]);
    expect(JSON.stringify(result)).not.toContain('polluted');
  });

  it('treats __proto__ given twice as a duplicate, not as an object key', () => {
    expect(parser([...valid, '__proto__', 'a', '__proto__', 'b'])).toMatchObject({
      ok: false, reason: 'duplicate_field', field: safeFieldName('__proto__'),
    });
  });

  it.each([[null], [undefined], [{}], ['v'], [42], [{ length: 2, 0: 'v', 1: '1' }], [new Map([['v', '1']])]])(
    'rejects non-array input %j as type with no field',
    (input) => {
      expect(parseAnything(parser, input)).toEqual({
        ok: false, reason: 'type', field: null, collector: null, unknownFields: [],
      });
    },
  );

  it('rejects non-string names and values without throwing', () => {
    expect(parseAnything(parser, [...valid, 7, 'x'])).toMatchObject({ ok: false, reason: 'type', field: null });
    expect(parseAnything(parser, [...valid.slice(0, 2), 'ts', 1700000000123, ...valid.slice(4)])).toMatchObject({
      ok: false, reason: 'type', field: 'ts',
    });
    // eslint-disable-next-line no-sparse-arrays
    expect(parseAnything(parser, [, '1', ...valid])).toMatchObject({ ok: false, reason: 'type', field: null });
    const withBuffer = parseAnything(parser, [...valid, 'aux', Buffer.from('typed secret')]);
    expect(withBuffer).toMatchObject({ ok: true, unknownFields: [{ name: 'aux', rawLooking: true }] });
    expect(JSON.stringify(withBuffer)).not.toContain('secret');
  });

  it('answers with a rejection when reading the array itself throws', () => {
    const booby = new Proxy([...valid], {
      get(target, key, receiver) {
        if (key === '3') throw new Error('boom');
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(parser(booby)).toMatchObject({ ok: false, reason: 'type', field: null });
    const revocable = Proxy.revocable([...valid], {});
    revocable.revoke();
    expect(parser(revocable.proxy)).toMatchObject({ ok: false, reason: 'type', field: null });
  });
});
