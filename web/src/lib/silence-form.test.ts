import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts.js';
import { buildSilenceRequest, describeMatchers, matcherChoices, matchesMatchers } from './silence-form.js';

const alert: Alert = {
  id: 'a1', rule: 'unencrypted_collection', severity: 'high', state: 'firing', summary: 'tls=0', labels: { team: 'sales', collector: 'c-7', app: '' },
  firstSeen: 0, lastSeen: 0, count: 1, ack: null, resolved: null, silenced: false,
};

describe('silence form', () => {
  it('pre-fills the rule and the labels, severity offered but not ticked', () => {
    expect(matcherChoices(alert)).toEqual([
      { name: 'rule', value: 'unencrypted_collection', selected: true, usable: true },
      { name: 'app', value: '', selected: false, usable: false },
      { name: 'collector', value: 'c-7', selected: true, usable: true },
      { name: 'team', value: 'sales', selected: true, usable: true },
      { name: 'severity', value: 'high', selected: false, usable: true },
    ]);
  });

  it('builds the request from the ticked matchers, with a comment required', () => {
    const choices = matcherChoices(alert).map((choice) => (choice.name === 'collector' ? { ...choice, selected: false } : choice));
    expect(buildSilenceRequest(choices, 3_600_000, '  maintenance window ')).toEqual({
      ok: true, request: { matchers: { rule: 'unencrypted_collection', team: 'sales' }, durationMs: 3_600_000, comment: 'maintenance window' },
    });
    expect(buildSilenceRequest(choices, 3_600_000, '   ')).toMatchObject({ ok: false, problem: expect.stringContaining('comment') });
    expect(buildSilenceRequest(choices.map((choice) => ({ ...choice, selected: false })), 3_600_000, 'x')).toMatchObject({ ok: false });
    expect(buildSilenceRequest(choices, 31 * 86_400_000, 'x')).toMatchObject({ ok: false, problem: expect.stringContaining('30 d') });
  });

  it('describes matchers as name=value', () => {
    expect(describeMatchers({ rule: 'volume_spike', team: 'ops' })).toBe('rule=volume_spike, team=ops');
  });

  it('matches alerts on rule, severity and labels, all of them', () => {
    expect(matchesMatchers({ rule: 'unencrypted_collection', team: 'sales' }, alert)).toBe(true);
    expect(matchesMatchers({ severity: 'high' }, alert)).toBe(true);
    expect(matchesMatchers({ rule: 'unencrypted_collection', team: 'ops' }, alert)).toBe(false);
    expect(matchesMatchers({ region: 'eu' }, alert)).toBe(false);
  });
});
