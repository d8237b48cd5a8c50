import { describe, expect, it } from 'vitest';
import { collectFields, securityFields } from '../../test/support/entries.js';
import { classifyEntry } from '../ingest/classify.js';
import { inputsFromClassified } from './inputs.js';
import { alertKey } from './signal.js';

const NOW = Date.UTC(2025, 2, 3, 10, 0, 0);
const classify = (stream: 'collect' | 'security', fields: string[], arrivalMs = NOW) =>
  classifyEntry({ stream, id: `${arrivalMs}-0`, arrivalMs, fields }, 10_000);

describe('inputsFromClassified', () => {
  it('turns accepted entries into security and collect inputs', () => {
    const security = inputsFromClassified(classify('security', securityFields({ ts: NOW - 3_600_000 })), 'kw:');
    expect(security).toMatchObject([{ type: 'security', entry: { ts: NOW - 3_600_000, kind: 'export' } }]);
    expect(inputsFromClassified(classify('collect', collectFields({ ts: NOW - 500 })), 'kw:'))
      .toMatchObject([{ type: 'collect', second: NOW - 1000, entry: { collector: 'c-1' } }]);
  });

  it('reports raw-looking fields of late entries too, but feeds no late entry to the rules', () => {
    const late = classify('collect', [...collectFields({ ts: NOW - 60_000 }), 'keystrokes', 'abc', 'colour', 'blue']);
    expect(late.kind).toBe('late');
    expect(inputsFromClassified(late, 'test:')).toEqual([{ type: 'raw_field', stream: 'test:collect', collector: 'c-1', field: 'keystrokes', at: NOW }]);
  });

  it('names raw-looking fields of security entries without a collector', () => {
    expect(inputsFromClassified(classify('security', [...securityFields({ ts: NOW }), 'payload', 'x']), 'kw:'))
      .toContainEqual({ type: 'raw_field', stream: 'kw:security', collector: null, field: 'payload', at: NOW });
  });
});

describe('alertKey', () => {
  it('ignores label order and tells rules and values apart', () => {
    expect(alertKey('bulk_export', { actor: 'a', resource: 'r' })).toBe(alertKey('bulk_export', { resource: 'r', actor: 'a' }));
    expect(alertKey('bulk_export', { actor: 'a' })).not.toBe(alertKey('retention_breach', { actor: 'a' }));
    expect(alertKey('auth_failure_burst', { actor: 'x' })).not.toBe(alertKey('auth_failure_burst', { source: 'x' }));
  });
});
