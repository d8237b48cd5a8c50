import { describe, expect, it } from 'vitest';
import type { CollectorMinute, MinuteInput } from '../inputs.js';
import { RuleEngine } from '../rule-engine.js';
import { defaultRuleSettings } from '../settings.js';
import type { AlertSignal } from '../signal.js';

const MINUTE = 60_000;
// Monday 3 March 2025, 00:00 UTC.
const MONDAY = Date.UTC(2025, 2, 3);

/** What one collector did in one minute: busy seconds, or null when it sent nothing. */
type Activity = number | null;

/** Minutes of a collector `c-abc123` of team `eng-platform` (plus a colleague who is always there). */
function minutes(startMs: number, activity: readonly Activity[], gapAt: readonly number[] = []): MinuteInput[] {
  return activity.map((busySeconds, index) => {
    const minute = startMs + index * MINUTE;
    const collectors: CollectorMinute[] = [{ collector: 'c-colleague', team: 'eng-platform', entries: 60, events: 3000, busySeconds: 50, lastSeen: minute + 59_000 }];
    if (busySeconds !== null) {
      collectors.push({ collector: 'c-abc123', team: 'eng-platform', entries: 60, events: busySeconds * 30 + 20, busySeconds, lastSeen: minute + 59_000 });
    }
    return { type: 'minute', minute, gap: gapAt.includes(index), teamApps: [], collectors };
  });
}

function silentSignals(engine: RuleEngine, inputs: readonly MinuteInput[]): { index: number; signal: AlertSignal }[] {
  const out: { index: number; signal: AlertSignal }[] = [];
  inputs.forEach((input, index) => {
    for (const signal of engine.apply(input)) if (signal.rule === 'collector_silent') out.push({ index, signal });
  });
  return out;
}

const busy = (count: number): Activity[] => Array.from({ length: count }, () => 45);
const idle = (count: number): Activity[] => Array.from({ length: count }, () => 0);
const silent = (count: number): Activity[] => Array.from({ length: count }, () => null);

describe('collector_silent', () => {
  it('raises (warning, team and collector) when a collector in use stops, repeats while silent, clears when it sends again', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    const signals = silentSignals(engine, minutes(MONDAY + 10 * 3_600_000, [...busy(5), ...silent(3), ...busy(2)]));
    expect(signals.map(({ index, signal }) => [index, signal.kind])).toEqual([[5, 'raise'], [6, 'raise'], [7, 'raise'], [8, 'clear']]);
    expect(signals[0]?.signal).toMatchObject({ rule: 'collector_silent', severity: 'warning', labels: { team: 'eng-platform', collector: 'c-abc123' } });
    expect(signals[0]?.signal.at).toBe(MONDAY + 10 * 3_600_000 + 6 * MINUTE);
  });

  it('stays quiet at the end of a working day: the device idles for minutes before it goes off', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    expect(silentSignals(engine, minutes(MONDAY + 17 * 3_600_000, [...busy(30), ...idle(3), ...silent(30)]))).toEqual([]);
  });

  it('stays quiet for a collector that only just came on, and across a minute the source was not read', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    expect(silentSignals(engine, minutes(MONDAY + 9 * 3_600_000, [...busy(1), ...silent(5)]))).toEqual([]);
    const gap = new RuleEngine(defaultRuleSettings());
    // Minute 5 is a gap: the collector is missing from it, but nobody knows what it did.
    expect(silentSignals(gap, minutes(MONDAY + 9 * 3_600_000, [...busy(5), ...silent(1), ...busy(3)], [5]))).toEqual([]);
  });

  it('learns a collector’s usual end of day and does not alert a busy stop near it the next day', () => {
    const engine = new RuleEngine(defaultRuleSettings());
    // Monday 09:00-17:30 busy to the last minute, then silent all night: 17:30 is learned as its end of day.
    const monday = minutes(MONDAY + 9 * 3_600_000, [...busy(510), ...silent(16 * 60)]);
    const mondaySignals = silentSignals(engine, monday);
    expect(mondaySignals[0]?.index).toBe(510);
    // Tuesday: the same abrupt stop at 17:10 is an end of day; one at 14:00 is not.
    const tuesdayEvening = silentSignals(engine, minutes(MONDAY + 24 * 3_600_000 + 9 * 3_600_000 + 30 * MINUTE, [...busy(460), ...silent(5)]));
    expect(tuesdayEvening.filter(({ signal }) => signal.kind === 'raise')).toEqual([]);
    const other = new RuleEngine(defaultRuleSettings());
    other.load(engine.snapshot());
    const wednesday = silentSignals(other, minutes(MONDAY + 48 * 3_600_000 + 9 * 3_600_000, [...busy(300), ...silent(3)]));
    expect(wednesday.filter(({ signal }) => signal.kind === 'raise').map(({ index }) => index)).toEqual([300, 301, 302]);
  });
});
