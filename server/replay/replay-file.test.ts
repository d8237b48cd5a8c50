import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeFieldName } from '../../shared/contract/index.js';
import { MAX_FIELDS_PER_ENTRY, parseReplayLine, printableName, shiftTimestamps } from './replay-file.js';

// A value no message may contain: not a printable name (it has `!`), not a safe field name.
const SECRET = 'S3CRET!hunter2';

function problemOf(text: string): string {
  const parsed = parseReplayLine(text);
  if (parsed.ok) throw new Error(`expected a problem for ${text.slice(0, 80)}`);
  return parsed.problem;
}

describe('replay line format', () => {
  it('reads a flat field list exactly, keeping order and a field given twice', () => {
    const fields = ['v', '1', 'ts', '1700000000123', 'keys', '3', 'keys', '4', '__proto__', 'x', 'constructor', ''];
    expect(parseReplayLine(JSON.stringify({ stream: 'collect', fields }))).toEqual({
      ok: true, entry: { stream: 'collect', fields, recordedMs: 1_700_000_000_123 },
    });
  });

  it('reads an object of fields and whole numbers as decimal strings', () => {
    expect(parseReplayLine('{"stream":"security","fields":{"v":1,"ts":1700000000456,"kind":"export","records":-3}}')).toEqual({
      ok: true, entry: { stream: 'security', fields: ['v', '1', 'ts', '1700000000456', 'kind', 'export', 'records', '-3'], recordedMs: 1_700_000_000_456 },
    });
    // JSON.parse makes `__proto__` an own key: it is a field like any other, and nothing is polluted.
    const parsed = parseReplayLine('{"stream":"collect","fields":{"__proto__":{"polluted":1}}}');
    expect(parsed).toMatchObject({ ok: false, problem: expect.stringContaining('"#') });
    expect(parseReplayLine('{"stream":"collect","fields":{"__proto__":"1"}}')).toMatchObject({ ok: true, entry: { fields: ['__proto__', '1'] } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('takes the recorded time from the id, else from a ts that is a contract int', () => {
    const line = (extra: object) => parseReplayLine(JSON.stringify({ stream: 'collect', fields: ['ts', '5', 'ts', '7'], ...extra }));
    expect(line({ id: '1700000000999-12' })).toMatchObject({ ok: true, entry: { recordedMs: 1_700_000_000_999 } });
    expect(line({})).toMatchObject({ ok: true, entry: { recordedMs: 5 } });
    expect(parseReplayLine('{"stream":"collect","fields":["ts","-5","ts","09","ts","12"]}')).toMatchObject({ ok: true, entry: { recordedMs: 12 } });
    expect(parseReplayLine('{"stream":"collect","fields":["v","1"]}')).toMatchObject({ ok: true, entry: { recordedMs: undefined } });
  });

  it.each([
    ['{"stream":"collect","fields":["v","1"]', /^not valid JSON \(at character \d+\)$/],
    ['', /^not valid JSON/],
    ['[1,2]', /^not a JSON object .* but a list$/],
    ['"collect"', /but a string$/],
    ['null', /but null$/],
    ['{"fields":["v","1"]}', /^no "stream"/],
    ['{"stream":"collect"}', /^no "fields"/],
    ['{"stream":7,"fields":["v","1"]}', /^"stream" must be a string, got a number/],
    ['{"stream":"kw:collect","fields":["v","1"]}', /^unknown stream "kw:collect": use collect or security \(without the key prefix/],
    ['{"stream":"__proto__","fields":["v","1"]}', /^unknown stream "__proto__"/],
    ['{"stream":"collect","fields":["v","1"],"__proto__":{}}', /^unknown key "__proto__"/],
    ['{"stream":"collect","feilds":["v","1"]}', /^unknown key "feilds"/],
    ['{"stream":"collect","fields":"v=1"}', /^"fields" must be a list of names and values or an object, got a string/],
    ['{"stream":"collect","fields":["v"]}', /in pairs, got 1 items/],
    ['{"stream":"collect","fields":[]}', /"fields" is empty/],
    ['{"stream":"collect","fields":{}}', /"fields" is empty/],
    ['{"stream":"collect","fields":[1,"1"]}', /"fields" item 1 must be a field name \(a string\), got a number/],
    ['{"stream":"collect","fields":["keys",1.5]}', /value of field "keys" \("fields" item 2\) must be a string or a whole number, got a fraction/],
    ['{"stream":"collect","fields":["keys",1e300]}', /value of field "keys"/],
    ['{"stream":"collect","fields":["keys",null]}', /got null/],
    ['{"stream":"collect","fields":["keys",true]}', /got true or false/],
    ['{"stream":"collect","fields":{"keys":[1]}}', /value of field "keys" must be a string or a whole number, got a list/],
    ['{"stream":"collect","fields":["v","1"],"id":"now"}', /^"id" must be a stream id like "1700000000000-0", got another string/],
    ['{"stream":"collect","fields":["v","1"],"id":17}', /got a number/],
  ])('says what is wrong with %j', (text, problem) => {
    expect(problemOf(text)).toMatch(problem);
  });

  it('never quotes a value, and hashes names that are not plain', () => {
    const lines = [
      `{"stream":"collect","fields":["text","${SECRET}"`,
      `{"stream":"collect","fields":["${SECRET}",{"v":"${SECRET}"}]}`,
      `{"stream":"${SECRET}","fields":["text","${SECRET}"]}`,
      `{"${SECRET}":1,"stream":"collect","fields":["v","1"]}`,
      `{"stream":"collect","fields":["v","1"],"id":"${SECRET}"}`,
      `{"stream":"collect","fields":{"${SECRET}":[]}}`,
    ];
    for (const line of lines) expect(problemOf(line)).not.toContain(SECRET);
    expect(problemOf(`{"stream":"collect","fields":["${SECRET}",[]]}`)).toContain(`"${safeFieldName(SECRET)}"`);
    expect(printableName('kw:collect')).toBe('kw:collect');
    expect(printableName(SECRET)).toMatch(/^#[0-9a-f]{8}$/);
    expect(printableName('x'.repeat(65))).toMatch(/^#[0-9a-f]{8}$/);
  });

  it('bounds the number of fields', () => {
    const many = Array.from({ length: MAX_FIELDS_PER_ENTRY + 1 }, (_, index) => [`f${index}`, '1']).flat();
    expect(problemOf(JSON.stringify({ stream: 'collect', fields: many }))).toMatch(/1025 fields, more than the 1024 allowed/);
    const manyObject = Object.fromEntries(Array.from({ length: MAX_FIELDS_PER_ENTRY + 1 }, (_, index) => [`f${index}`, 1]));
    expect(problemOf(JSON.stringify({ stream: 'collect', fields: manyObject }))).toMatch(/more than the 1024 allowed/);
    expect(parseReplayLine(JSON.stringify({ stream: 'collect', fields: many.slice(2) })).ok).toBe(true);
  });

  it('survives a deeply nested and a very long line', () => {
    expect(problemOf(`{"stream":"collect","fields":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)).toMatch(/"fields"/);
    const long = parseReplayLine(JSON.stringify({ stream: 'collect', fields: ['text', 'x'.repeat(900_000)] }));
    expect(long.ok).toBe(true);
  });
});

describe('replay line parser properties', () => {
  const anyName = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'v', 'ts', 'keys', 'text'),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
  const anyValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('', '0', '-1', '1e3', '\u0000', '\uFFFD'));

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json(), fc.jsonValue().map((value) => JSON.stringify(value))), (text) => {
        const parsed = parseReplayLine(text);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any flat field list exactly, whatever the names and values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('collect' as const, 'security' as const),
        fc.array(fc.tuple(anyName, anyValue), { minLength: 1, maxLength: 40 }),
        (stream, pairs) => {
          const fields = pairs.flat();
          const parsed = parseReplayLine(JSON.stringify({ stream, fields }));
          expect(parsed).toMatchObject({ ok: true, entry: { stream, fields } });
        },
      ),
    );
  });

  it('the object form means the same as the list form', () => {
    fc.assert(
      fc.property(fc.dictionary(anyName, fc.oneof(anyValue, fc.integer()), { minKeys: 1, maxKeys: 20 }), (object) => {
        const list = Object.entries(object).flatMap(([name, value]) => [name, String(value)]);
        expect(parseReplayLine(JSON.stringify({ stream: 'collect', fields: object }))).toEqual(parseReplayLine(JSON.stringify({ stream: 'collect', fields: list })));
      }),
    );
  });

  it('a problem never contains a value from the line', () => {
    // Any JSON whose every string is the secret (so a quoted name or value would show it).
    const hostile = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(SECRET), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }), fc.dictionary(fc.constantFrom(SECRET, 'stream', 'fields', 'id'), tie('value'), { maxKeys: 4 })),
      line: fc.record({
        stream: fc.oneof(fc.constantFrom('collect', 'security', SECRET), tie('value')),
        fields: fc.oneof(fc.array(tie('value'), { maxLength: 8 }), fc.dictionary(fc.constant(SECRET), tie('value'), { maxKeys: 2 }), tie('value')),
        id: tie('value'),
      }, { requiredKeys: [] }),
    }));
    fc.assert(
      fc.property(hostile.line, fc.nat(60), (line, cut) => {
        const text = JSON.stringify(line);
        for (const candidate of [text, text.slice(0, Math.max(text.length - cut, 0))]) {
          const parsed = parseReplayLine(candidate);
          if (!parsed.ok) expect(parsed.problem).not.toContain('hunter2');
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('shiftTimestamps', () => {
  it('moves every ts that is a contract int and leaves broken ones and other fields alone', () => {
    expect(shiftTimestamps(['v', '1', 'ts', '1000', 'keys', '1000', 'ts', '2000', 'ts', 'abc', 'ts', '-5'], 500))
      .toEqual(['v', '1', 'ts', '1500', 'keys', '1000', 'ts', '2500', 'ts', 'abc', 'ts', '-5']);
    // Out of the int range: kept as recorded rather than made into another defect.
    expect(shiftTimestamps(['ts', '100'], -200)).toEqual(['ts', '100']);
    expect(shiftTimestamps(['ts', '999999999999999'], 1)).toEqual(['ts', '999999999999999']);
  });

  it('keeps the gaps between entries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2e12 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: -1e12, max: 1e12 }), (a, gap, offset) => {
        const first = Number(shiftTimestamps(['ts', String(a)], offset)[1]);
        const second = Number(shiftTimestamps(['ts', String(a + gap)], offset)[1]);
        if (a + offset >= 0) expect(second - first).toBe(gap);
      }),
    );
  });
});
