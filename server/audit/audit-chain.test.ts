import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryHash, verifyChain, type StoredAuditEntry } from './audit-chain.js';
import { csvCell } from './audit-csv.js';
import { checkAuditRecord } from './audit-log.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('audit chain', () => {
  it('hashes exactly as documented, so anyone can recompute the chain from an export', () => {
    const fields = { at: '1700000000000', user: 'alice', action: 'alert_ack', target: 'alert-1' };
    expect(entryHash('', fields)).toBe(sha256('\n{"at":1700000000000,"user":"alice","action":"alert_ack","target":"alert-1"}'));
    expect(entryHash('ab', fields)).toBe(sha256('ab\n{"at":1700000000000,"user":"alice","action":"alert_ack","target":"alert-1"}'));
  });

  it('treats a re-spelled time as an edit', () => {
    const fields = { at: '1000', user: 'a', action: 'sign_in', target: '' };
    expect(entryHash('', { ...fields, at: '01000' })).not.toBe(entryHash('', fields));
    expect(entryHash('', { ...fields, at: '1e3' })).not.toBe(entryHash('', fields));
  });

  it('checks the oldest entry against the anchor left by retention', async () => {
    const stored = (id: string, prev: string): StoredAuditEntry => {
      const fields = { at: '5', user: 'a', action: 'sign_in', target: id };
      return { id, ...fields, prev, hash: entryHash(prev, fields) };
    };
    const first = stored('5-0', 'trimmed-hash');
    const second = stored('5-1', first.hash);
    expect(await verifyChain([first, second], { head: second.hash, anchor: 'trimmed-hash' })).toEqual({ ok: true, entries: 2 });
    expect(await verifyChain([second], { head: second.hash, anchor: 'trimmed-hash' })).toMatchObject({ ok: false, problem: 'deleted', at: '5-1' });
  });
});

describe('audit values', () => {
  it('neutralises spreadsheet formulas and quotes per RFC 4180', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('-1,2')).toBe('"\'-1,2"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('accepts names and ids, refuses long values and control characters', () => {
    expect(() => checkAuditRecord({ user: 'alice', action: 'role_change', target: 'bob:security' })).not.toThrow();
    expect(() => checkAuditRecord({ user: 'alice', action: 'role_change', target: 'x'.repeat(201) })).toThrow(/longer than 200/);
    expect(() => checkAuditRecord({ user: 'al\tice', action: 'sign_in', target: '' })).toThrow(/control characters/);
  });
});
