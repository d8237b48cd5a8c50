import { describe, expect, it } from 'vitest';
import { expiryText, nameProblem, parseTtlDays } from './accounts.js';

describe('nameProblem', () => {
  it('asks for a name that the server will take', () => {
    expect(nameProblem('bob')).toBeNull();
    expect(nameProblem('  ')).toBe('Enter a name.');
    expect(nameProblem(' bob')).toBe('The name may not start or end with a space.');
    expect(nameProblem('x'.repeat(65))).toBe('The name may have at most 64 characters.');
  });
});

describe('parseTtlDays', () => {
  it('takes whole days, or nothing for the default', () => {
    expect(parseTtlDays('')).toEqual({ ok: true, days: undefined });
    expect(parseTtlDays(' 30 ')).toEqual({ ok: true, days: 30 });
    for (const text of ['0', '1.5', '-3', 'abc', '3651']) expect(parseTtlDays(text).ok).toBe(false);
  });
});

describe('expiryText', () => {
  it('says never, expired, or in how many days', () => {
    expect(expiryText(null, 0)).toBe('never');
    expect(expiryText(1000, 2000)).toMatch(/^expired /);
    expect(expiryText(3 * 86_400_000, 0)).toMatch(/\(in 3 days\)$/);
    expect(expiryText(30 * 86_400_000, 5_000)).toMatch(/\(in 30 days\)$/);
    expect(expiryText(3_600_000, 0)).toMatch(/\(in 1 day\)$/);
  });
});
