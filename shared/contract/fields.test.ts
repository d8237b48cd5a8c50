import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INT_PATTERN, isContractId, isContractInt, isIpLiteral, isRawLookingField, isRawLookingName, readContractInt, safeFieldName,
} from './fields.js';

const INT_REGEX = new RegExp(INT_PATTERN);

const sha8 = (name: string) => '#' + createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);

describe('ints', () => {
  it.each(['0', '7', '1000', '999999999999999'])('accepts %s', (value) => {
    expect(isContractInt(value)).toBe(true);
  });
  it.each(['', '-1', '+1', '01', '00', '1.5', '1e3', ' 1', '1 ', '1000000000000000', '٣', '0x10', 'NaN'])(
    'refuses %j',
    (value) => expect(isContractInt(value)).toBe(false),
  );
  it('refuses a huge digit string without scanning it as a regex', () => {
    expect(isContractInt('1'.repeat(5_000_000))).toBe(false);
    expect(readContractInt('1'.repeat(5_000_000))).toBe(-1);
  });
  it('reads exactly the strings the pattern accepts, to the value Number() gives', () => {
    const candidates = fc.oneof(fc.string({ maxLength: 18 }), fc.stringMatching(/^[0-9]{0,17}$/), fc.nat().map(String), fc.constant('999999999999999'));
    fc.assert(
      fc.property(candidates, (value) => {
        expect(readContractInt(value)).toBe(INT_REGEX.test(value) ? Number(value) : -1);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('ids', () => {
  it.each(['a', 'dev-7', 'team.7', 'svc:gateway', 'user@corp', 'x_y', '0', 'A'.repeat(64)])('accepts %s', (value) => {
    expect(isContractId(value)).toBe(true);
  });
  it.each(['', '-a', '.a', '_a', 'a b', 'a/b', 'é', 'A'.repeat(65), 'a\n', '::1'])('refuses %j', (value) => {
    expect(isContractId(value)).toBe(false);
  });
});

describe('IP literals', () => {
  it.each(['10.0.0.1', '::1', '2001:db8::7', '::ffff:10.0.0.1', 'fe80::1%eth0'])('accepts %s', (value) => {
    expect(isIpLiteral(value)).toBe(true);
  });
  it.each(['', '[::1]', '10.0.0.256', '10.0.0.1 ', 'localhost', '01.2.3.4'])('refuses %j', (value) => {
    expect(isIpLiteral(value)).toBe(false);
  });
});

describe('safeFieldName', () => {
  it.each(['text', 'a', 'x_1', 'a'.repeat(32), 'red_other'])('reports %s as it is', (name) => {
    expect(safeFieldName(name)).toBe(name);
  });

  it.each([
    'Text', 'TEXT', 'a'.repeat(33), 'x'.repeat(40), '1abc', '_a', 'a-b', 'a.b', '', 'tëxt', '文本', '__proto__',
    'Constructor', 'a\nb', 'text ', '\u{1F600}',
  ])('hashes %j to # and 8 hex digits of its SHA-256', (name) => {
    const safe = safeFieldName(name);
    expect(safe).toMatch(/^#[0-9a-f]{8}$/);
    expect(safe).toBe(sha8(name));
  });

  it('matches digests computed outside Node (`printf … | sha256sum`)', () => {
    expect(safeFieldName('Text')).toBe('#71988c4d');
    expect(safeFieldName('x'.repeat(40))).toBe('#bd913ff6');
    expect(safeFieldName('')).toBe('#e3b0c442');
  });

  it('does not throw on lone surrogates', () => {
    expect(safeFieldName('\uD800')).toMatch(/^#[0-9a-f]{8}$/);
  });
});

describe('raw-looking fields', () => {
  it.each([
    'text', 'chars', 'content', 'payload', 'input', 'value', 'clipboard', 'keystrokes', 'raw', 'body',
    'typed', 'message', 'string', 'paste', 'buffer', 'transcript', 'snippet', 'keylog', 'password',
  ])('flags the name %s', (name) => {
    expect(isRawLookingField(name, 'x')).toBe(true);
  });

  it.each(['TEXT', 'RawText', 'typed_text', 'Key_Strokes', 'clip-board', 'msg_body', 'ｔｅｘｔ', 'user.input'])(
    'flags %s whatever its case or separators',
    (name) => expect(isRawLookingField(name, '')).toBe(true),
  );

  it.each(['trace_id', 'region', 'build', 'host', 'latency_ms'])('leaves a plain name like %s alone', (name) => {
    expect(isRawLookingField(name, 'short')).toBe(false);
  });

  it('flags a value longer than 64 characters, not one of 64', () => {
    expect(isRawLookingField('note', 'a'.repeat(64))).toBe(false);
    expect(isRawLookingField('note', 'a'.repeat(65))).toBe(true);
  });

  it('counts UTF-16 units, so 33 emoji (66 units) count as long', () => {
    expect(isRawLookingField('note', '\u{1F600}'.repeat(33))).toBe(true);
  });

  it('flags a name that is itself longer than 64 characters', () => {
    expect(isRawLookingName('n'.repeat(65))).toBe(true);
    expect(isRawLookingName('n'.repeat(64))).toBe(false);
  });
});
