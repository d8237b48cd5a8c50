import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSecurityEntry, type SecurityEntry } from '../../../shared/contract/index.js';
import { securityFields, type CollectOverrides } from '../../../test/support/entries.js';
import { RuleEngine } from '../rule-engine.js';
import { defaultRuleSettings, type RuleSettings } from '../settings.js';
import type { AlertSignal } from '../signal.js';

const T0 = Date.UTC(2025, 2, 3, 10, 0, 0);

function security(overrides: CollectOverrides): SecurityEntry {
  const parsed = parseSecurityEntry(securityFields({ ts: T0, ...overrides }));
  if (!parsed.ok) throw new Error(`bad test entry: ${parsed.reason} ${parsed.field}`);
  return parsed.entry;
}

function judge(entries: SecurityEntry[], settings: RuleSettings = defaultRuleSettings()): AlertSignal[] {
  const engine = new RuleEngine(settings);
  return engine.applyAll(entries.map((entry) => ({ type: 'security' as const, entry })));
}

const shape = (signal: AlertSignal) => ({ rule: signal.rule, severity: signal.severity, labels: signal.labels, kind: signal.kind });

describe('rules on single security events', () => {
  it.each([
    ['an allowed raw access by an actor outside the allow list',
      { kind: 'raw_access', actor: 'u-1a2b3c', resource: 'raw-store', outcome: 'allowed', records: 340, source: '10.20.30.40' },
      { rule: 'unauthorized_raw_access', severity: 'critical', labels: { actor: 'u-1a2b3c', resource: 'raw-store' } }],
    ['an export of 150 000 records',
      { kind: 'export', actor: 'svc-bi-sync', resource: 'export:all-teams', outcome: 'allowed', records: 150_000 },
      { rule: 'bulk_export', severity: 'high', labels: { actor: 'svc-bi-sync', resource: 'export:all-teams' } }],
    ['a policy change that disables redaction',
      { kind: 'policy_change', actor: 'u-9f9f9f', resource: 'policy:redaction', outcome: 'allowed', detail: 'redaction_disabled' },
      { rule: 'redaction_policy_weakened', severity: 'critical', labels: { actor: 'u-9f9f9f', detail: 'redaction_disabled' } }],
    ['a policy change that removes redaction rules',
      { kind: 'policy_change', actor: 'svc-policy-sync', resource: 'policy:redaction', outcome: 'allowed', detail: 'redaction_rules_removed' },
      { rule: 'redaction_policy_weakened', severity: 'critical', labels: { actor: 'svc-policy-sync', detail: 'redaction_rules_removed' } }],
    ['a collector tamper event',
      { kind: 'collector_tamper', actor: 's-0011223344', resource: 'collector:c-abc123', outcome: 'allowed', detail: 'agent_stopped' },
      { rule: 'collector_tamper', severity: 'high', labels: { actor: 's-0011223344', resource: 'collector:c-abc123' } }],
    ['a retention breach',
      { kind: 'retention_breach', actor: 'svc-retention', resource: 'raw-store', outcome: 'allowed', records: 4000, detail: 'retention_exceeded' },
      { rule: 'retention_breach', severity: 'high', labels: { actor: 'svc-retention', resource: 'raw-store' } }],
  ] as const)('raises on %s with the spec name, severity and labels', (_name, overrides, expected) => {
    const signals = judge([security(overrides)]);
    expect(signals.map(shape)).toEqual([{ ...expected, kind: 'raise' }]);
    expect(signals[0]?.at).toBe(T0);
  });

  it.each([
    ['a raw access by an allowed actor', { kind: 'raw_access', actor: 'svc-gateway', resource: 'raw-store', outcome: 'allowed' }],
    ['a denied raw access', { kind: 'raw_access', actor: 'u-1a2b3c', resource: 'raw-store', outcome: 'denied' }],
    ['a routine export of 400 records', { kind: 'export', actor: 'svc-reporting', resource: 'export:team-a', outcome: 'allowed', records: 400 }],
    ['a denied bulk export', { kind: 'export', actor: 'u-1a2b3c', resource: 'export:all', outcome: 'denied', records: 2_000_000 }],
    ['a policy change that tightens redaction', { kind: 'policy_change', actor: 'u-1', resource: 'policy:redaction', outcome: 'allowed', detail: 'redaction_rules_added' }],
    ['a single failed sign-in', { kind: 'auth_failure', actor: 'u-1a2b3c', resource: 'console', outcome: 'denied', source: 'bastion-1' }],
  ] as const)('stays quiet on %s', (_name, overrides) => {
    const settings = { ...defaultRuleSettings(), rawAccessAllow: ['svc-gateway'] };
    expect(judge([security(overrides)], settings)).toEqual([]);
  });

  it('summarises with ids and numbers only', () => {
    const [signal] = judge([security({ kind: 'export', actor: 'svc-bi-sync', resource: 'export:all-teams', outcome: 'allowed', records: 1_234_567 })]);
    expect(signal?.summary).toBe('svc-bi-sync exported 1234567 records from export:all-teams (threshold 100000)');
  });
});

describe('burst rules', () => {
  const denied = (atMs: number, actor = 'u-1a2b3c') =>
    security({ ts: atMs, kind: 'raw_access', actor, resource: 'raw-store', outcome: 'denied', source: '10.1.2.3' });
  const failure = (atMs: number, actor: string, source: string) =>
    security({ ts: atMs, kind: 'auth_failure', actor, resource: 'console', outcome: 'denied', source });

  it('raises raw_access_denied_burst at the 10th denied access of one actor within a minute', () => {
    const signals = judge(Array.from({ length: 15 }, (_, i) => denied(T0 + i * 1000)));
    expect(signals.length).toBe(6);
    expect(shape(signals[0] as AlertSignal)).toEqual({ rule: 'raw_access_denied_burst', severity: 'high', labels: { actor: 'u-1a2b3c' }, kind: 'raise' });
    expect(signals[0]?.at).toBe(T0 + 9000);
  });

  it('does not count accesses spread wider than the window, or by different actors', () => {
    expect(judge(Array.from({ length: 30 }, (_, i) => denied(T0 + i * 7000)))).toEqual([]);
    expect(judge(Array.from({ length: 27 }, (_, i) => denied(T0 + i * 100, `u-${i % 3}`)))).toEqual([]);
  });

  it('raises auth_failure_burst once per actor and once per source', () => {
    const signals = judge(Array.from({ length: 10 }, (_, i) => failure(T0 + i * 1000, 'u-1a2b3c', '198.51.100.7')));
    expect(signals.map(shape)).toEqual([
      { rule: 'auth_failure_burst', severity: 'high', labels: { actor: 'u-1a2b3c' }, kind: 'raise' },
      { rule: 'auth_failure_burst', severity: 'high', labels: { source: '198.51.100.7' }, kind: 'raise' },
    ]);
  });

  it('raises per source when many actors fail from one address (password spraying)', () => {
    const signals = judge(Array.from({ length: 10 }, (_, i) => failure(T0 + i * 1000, `u-${i}`, '198.51.100.9')));
    expect(signals.map((signal) => signal.labels)).toEqual([{ source: '198.51.100.9' }]);
  });

  it('fires exactly when some window of the threshold length holds the threshold count', () => {
    const settings = defaultRuleSettings();
    const { count, windowMs } = settings.rawAccessDeniedBurst;
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 40 }), fc.boolean(), (offsets, shuffled) => {
      const sorted = [...offsets].sort((a, b) => a - b);
      const order = shuffled ? offsets : sorted;
      const fired = judge(order.map((offset) => denied(T0 + offset)), settings).length > 0;
      const exists = sorted.some((start, i) => i + count - 1 < sorted.length && (sorted[i + count - 1] as number) - start <= windowMs);
      // In time order it fires iff a burst exists; out of order it may miss a burst whose
      // newest event came first, but it never invents one.
      return shuffled ? !fired || exists : fired === exists;
    }));
  });

  it('forgets old bursts on tick, keeping its state small', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    engine.applyAll(Array.from({ length: 3 }, (_, i) => ({ type: 'security' as const, entry: denied(T0 + i) })));
    expect(Object.keys((engine.snapshot().families.bursts as { deniedByActor: object }).deniedByActor)).toEqual(['u-1a2b3c']);
    engine.apply({ type: 'tick', nowMs: T0 + 10 * 60_000 });
    expect((engine.snapshot().families.bursts as { deniedByActor: object }).deniedByActor).toEqual({});
  });
});
