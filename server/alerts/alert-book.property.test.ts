import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { Alert, type AlertState } from '../../shared/alerts.js';
import { AlertError } from './alert-error.js';
import { AlertBook, type NewAlertEvent } from './alert-book.js';
import type { AlertRuleName } from './catalog.js';
import { alertKey, clear, raise } from './signal.js';
import { matchesSilence } from './silences.js';

// Two event rules and two condition rules, a few label sets each: enough collisions to
// exercise deduplication, reopening, silences and the condition lifecycle.
const RULES: readonly AlertRuleName[] = ['bulk_export', 'consent_revoked_collection', 'volume_spike', 'unencrypted_collection'];
const LABELS = [{ team: 'eng', collector: 'c-1' }, { team: 'eng', collector: 'c-2' }, { team: 'ops', collector: 'c-1' }];
const MATCHERS: readonly Record<string, string>[] = [{ team: 'eng' }, { collector: 'c-1' }, { rule: 'volume_spike' }, { severity: 'critical' }, { rule: 'bulk_export', team: 'ops' }];

type Op =
  | { op: 'signal'; rule: number; labels: number; kind: 'raise' | 'clear' }
  | { op: 'ack' | 'resolve' | 'unsilence'; pick: number }
  | { op: 'silence'; matchers: number; minutes: number }
  | { op: 'advance'; ms: number }
  | { op: 'tick' };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('signal' as const), rule: fc.nat(RULES.length - 1), labels: fc.nat(LABELS.length - 1), kind: fc.constantFrom('raise' as const, 'clear' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('ack' as const, 'resolve' as const, 'unsilence' as const), pick: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('silence' as const), matchers: fc.nat(MATCHERS.length - 1), minutes: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 25 * 60_000 })) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'tick' as const }) },
);

const RANK: Record<AlertState, number> = { firing: 0, acknowledged: 1, resolved: 2 };

class Harness {
  now = Date.UTC(2025, 2, 3, 10, 0, 0);
  readonly book = new AlertBook({ now: () => this.now });
  readonly events: NewAlertEvent[] = [];

  apply(op: Op): void {
    const book = this.book;
    const ids = book.alerts().map((alert) => alert.id).sort();
    const silenceIds = book.silences().map((silence) => silence.id);
    try {
      switch (op.op) {
        case 'signal': {
          const rule = RULES[op.rule] as AlertRuleName;
          const labels = LABELS[op.labels] as Record<string, string>;
          this.events.push(...book.signal(op.kind === 'raise' ? raise(rule, labels, `${rule} seen`, this.now) : clear(rule, labels, 'gone', this.now)));
          break;
        }
        case 'ack':
          this.events.push(...book.acknowledge(ids[op.pick] ?? 'alert-unknown', { by: 'alice', note: 'n' }).events);
          break;
        case 'resolve':
          this.events.push(...book.resolve(ids[op.pick] ?? 'alert-unknown', { by: 'bob', note: 'n' }).events);
          break;
        case 'unsilence':
          this.events.push(...book.removeSilence(silenceIds[op.pick] ?? 'silence-unknown').events);
          break;
        case 'silence':
          this.events.push(...book.addSilence({ matchers: MATCHERS[op.matchers] ?? {}, durationMs: op.minutes * 60_000, comment: 'c', by: 'carol' }).events);
          break;
        case 'advance':
          this.now += op.ms;
          break;
        case 'tick':
          this.events.push(...book.tick());
      }
    } catch (error) {
      // Acting on an unknown or resolved alert, or an unknown silence, is refused — and changes nothing.
      if (!(error instanceof AlertError) || error.code === 'bad_request') throw error;
    }
  }
}

/** Checks what must hold after every step; returns a description of the first violation. */
function violation(harness: Harness): string | null {
  const alerts = harness.book.alerts();
  const open = alerts.filter((alert) => alert.state !== 'resolved');
  const keys = open.map((alert) => alertKey(alert.rule, alert.labels));
  if (new Set(keys).size !== keys.length) return 'two open alerts share rule and labels';
  const silences = harness.book.silences();
  for (const alert of alerts) {
    const { id } = alert;
    if (!Value.Check(Alert, alert)) return `alert ${id} does not match the schema`;
    if (alert.count < 1 || alert.firstSeen > alert.lastSeen) return `alert ${alert.id} has count ${alert.count}, seen ${alert.firstSeen}..${alert.lastSeen}`;
    if ((alert.state === 'resolved') !== (alert.resolved !== null)) return `alert ${alert.id} is ${alert.state} with resolved ${JSON.stringify(alert.resolved)}`;
    if (alert.state === 'acknowledged' && alert.ack === null) return `alert ${alert.id} is acknowledged without ack`;
    if (alert.state === 'firing' && alert.ack !== null) return `alert ${alert.id} is firing with an ack`;
    const silenced = silences.some((silence) => matchesSilence(silence.matchers, alert));
    if (alert.state !== 'resolved' && alert.silenced !== silenced) return `alert ${alert.id} silenced=${alert.silenced}, silences say ${silenced}`;
  }
  const lastState = new Map<string, AlertState>();
  const lastAt = new Map<string, number>();
  for (const event of harness.events) {
    const { id, state } = event.alert;
    const previous = lastState.get(id);
    if (previous !== undefined && RANK[state] < RANK[previous]) return `alert ${id} went from ${previous} back to ${state}`;
    if (previous === 'resolved') return `alert ${id} had an event after it was resolved`;
    if (previous === undefined && event.transition !== 'opened') return `alert ${id} began with ${event.transition}`;
    const at = lastAt.get(id);
    if (at !== undefined && event.at - at < 1000) return `alert ${id} had two events ${event.at - at} ms apart`;
    lastState.set(id, state);
    lastAt.set(id, event.at);
  }
  for (const alert of alerts) {
    const previous = lastState.get(alert.id);
    if (previous !== undefined && RANK[alert.state] < RANK[previous]) return `alert ${alert.id} is ${alert.state} after an event said ${previous}`;
  }
  return null;
}

describe('AlertBook under arbitrary signals and actions (property)', () => {
  it('never reaches an invalid state, and always sends the last state of every alert', () => {
    fc.assert(fc.property(fc.array(opArbitrary, { maxLength: 120 }), (ops) => {
      const harness = new Harness();
      for (const op of ops) {
        harness.apply(op);
        const problem = violation(harness);
        if (problem !== null) throw new Error(`${problem} after ${JSON.stringify(op)}`);
      }
      // Once the hold-back has passed after the last transition (a tick may cause one more:
      // an escalation, an expiry), the last event of each alert is its state.
      for (let round = 0; round < 3; round++) {
        harness.apply({ op: 'advance', ms: 10_000 });
        harness.apply({ op: 'tick' });
      }
      const lastEvent = new Map(harness.events.map((event) => [event.alert.id, event.alert]));
      for (const alert of harness.book.alerts()) expect(lastEvent.get(alert.id)).toEqual(alert);
    }), { numRuns: 300 });
  });

  it('round-trips its state through JSON at any point and then behaves identically', () => {
    fc.assert(fc.property(fc.array(opArbitrary, { maxLength: 80 }), fc.array(opArbitrary, { maxLength: 80 }), (before, after) => {
      const original = new Harness();
      for (const op of before) original.apply(op);
      const restored = new Harness();
      restored.now = original.now;
      restored.book.load(JSON.parse(JSON.stringify(original.book.snapshot())));
      expect(restored.book.snapshot()).toEqual(original.book.snapshot());
      const eventsBefore = original.events.length;
      for (const op of after) {
        original.apply(op);
        restored.apply(op);
      }
      expect(restored.events).toEqual(original.events.slice(eventsBefore));
      expect(restored.book.snapshot()).toEqual(original.book.snapshot());
    }), { numRuns: 200 });
  });
});
