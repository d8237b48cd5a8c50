import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts.js';
import { applyFilter, DEFAULT_FILTER, filterFromParams, paramsOfFilter, severityCounts } from './alert-filters.js';

function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id, rule: 'volume_spike', severity: 'warning', state: 'firing', summary: 'volume 4x baseline',
    labels: { team: 'support', app: 'zendesk' }, firstSeen: 0, lastSeen: 0, count: 1, ack: null, resolved: null, silenced: false,
    ...overrides,
  };
}

const alerts = [
  alert('a', { severity: 'critical', rule: 'consent_revoked_collection', summary: 'revoked consent', labels: { team: 'payments', collector: 'c-9' } }),
  alert('b', { state: 'acknowledged' }),
  alert('c', { state: 'resolved', severity: 'critical' }),
  alert('d', { severity: 'info', rule: 'off_hours_collection', summary: 'at 23:10', labels: { team: 'payments' } }),
];
const ids = (list: Alert[]): string[] => list.map((a) => a.id);

describe('alert filters', () => {
  it('shows the open alerts by default, the resolved ones on request', () => {
    expect(ids(applyFilter(alerts, DEFAULT_FILTER))).toEqual(['a', 'b', 'd']);
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, state: 'resolved' }))).toEqual(['c']);
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, state: 'acknowledged' }))).toEqual(['b']);
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, state: 'all' }))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('filters by severity and by words in the rule, labels or summary', () => {
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, severity: 'critical' }))).toEqual(['a']);
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, text: 'CONSENT' }))).toEqual(['a']);
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, text: 'team=payments' }))).toEqual(['a', 'd']);
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, text: 'payments off_hours' }))).toEqual(['d']);
    expect(ids(applyFilter(alerts, { ...DEFAULT_FILTER, text: '4x' }))).toEqual(['b']);
  });

  it('counts each severity under the other filters', () => {
    expect(severityCounts(alerts, DEFAULT_FILTER)).toEqual({ critical: 1, high: 0, warning: 1, info: 1 });
    expect(severityCounts(alerts, { ...DEFAULT_FILTER, state: 'all', severity: 'info' })).toEqual({ critical: 2, high: 0, warning: 1, info: 1 });
  });

  it('travels in the hash, defaults left out, nonsense ignored', () => {
    expect(filterFromParams({ severity: 'critical' })).toEqual({ state: 'open', severity: 'critical', text: '' });
    expect(filterFromParams({ severity: 'loud', state: 'sleeping' })).toEqual(DEFAULT_FILTER);
    expect(paramsOfFilter(DEFAULT_FILTER)).toEqual({});
    const filter = { state: 'resolved', severity: 'high', text: ' consent ' } as const;
    expect(paramsOfFilter(filter)).toEqual({ state: 'resolved', severity: 'high', q: 'consent' });
    expect(filterFromParams(paramsOfFilter(filter))).toEqual({ ...filter, text: 'consent' });
  });
});
