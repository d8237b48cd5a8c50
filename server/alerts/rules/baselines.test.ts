import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '../../simulate/random.js';
import type { MinuteInput, TeamAppMinute } from '../inputs.js';
import { RuleEngine } from '../rule-engine.js';
import { defaultRuleSettings } from '../settings.js';
import type { AlertSignal } from '../signal.js';

const MINUTE = 60_000;
const START = Date.UTC(2025, 2, 3, 9, 0, 0);

interface Traffic {
  /** Events per busy second of each person, before their own intensity. */
  rate: number;
  /** Share of busy seconds with a redaction. */
  redactedShare: number;
  /** People (collectors) in the app. */
  people: number;
}

/** One minute of a team in an app with realistic noise: per-session intensity 0.5–1.4, Poisson counts. */
function teamAppMinute(random: Random, traffic: Traffic, factor = { volume: 1, redaction: 1 }): TeamAppMinute {
  let busyEvents = 0;
  let busySeconds = 0;
  let redactedBusySeconds = 0;
  for (let person = 0; person < traffic.people; person++) {
    const seconds = random.int(40, 60);
    const intensity = random.uniform(0.5, 1.4);
    busySeconds += seconds;
    busyEvents += random.poisson(traffic.rate * intensity * factor.volume * seconds);
    redactedBusySeconds += random.binomial(seconds, Math.min(1, traffic.redactedShare * intensity * factor.redaction));
  }
  const events = busyEvents + random.poisson(20);
  // About three redacted events per redacted second (a typed address, a masked region…).
  const redacted = Math.min(events, redactedBusySeconds * 3);
  return { team: 'support-emea', app: 'email', events, redacted, busyEvents, busySeconds, redactedBusySeconds };
}

function minute(index: number, teamApps: TeamAppMinute[], gap = false): MinuteInput {
  return { type: 'minute', minute: START + index * MINUTE, gap, teamApps, collectors: [] };
}

const EMAIL: Traffic = { rate: 60, redactedShare: 0.18, people: 3 };

/** Runs `normal` minutes of ordinary traffic, then `changed` minutes with `factor`; returns signals by minute index. */
function run(seed: number, normal: number, changed: number, factor: { volume: number; redaction: number }, traffic = EMAIL) {
  const random = new Random(seed);
  const engine = new RuleEngine(defaultRuleSettings());
  const signals: { index: number; signal: AlertSignal }[] = [];
  for (let index = 0; index < normal + changed + 10; index++) {
    const changedNow = index >= normal && index < normal + changed;
    const figures = teamAppMinute(random, traffic, changedNow ? factor : { volume: 1, redaction: 1 });
    for (const signal of engine.apply(minute(index, [figures]))) signals.push({ index, signal });
  }
  return { engine, signals };
}

describe('volume_spike', () => {
  it('raises (warning, team and app) in the first minute of a 6× spike, and clears when it ends', () => {
    const { signals } = run(1, 90, 3, { volume: 6, redaction: 1 });
    const spike = signals.filter(({ signal }) => signal.rule === 'volume_spike');
    expect(spike[0]?.index).toBe(90);
    expect(spike[0]?.signal).toMatchObject({ rule: 'volume_spike', severity: 'warning', labels: { team: 'support-emea', app: 'email' }, kind: 'raise' });
    expect(spike.map(({ signal }) => signal.kind)).toEqual(['raise', 'raise', 'raise', 'clear']);
    expect(spike[3]?.index).toBe(93);
  });

  it('learns nothing from a spike: the same spike an hour later is raised again', () => {
    const random = new Random(2);
    const engine = new RuleEngine(defaultRuleSettings());
    const raisedAt: number[] = [];
    for (let index = 0; index < 200; index++) {
      const spiking = (index >= 60 && index < 70) || (index >= 150 && index < 153);
      for (const signal of engine.apply(minute(index, [teamAppMinute(random, EMAIL, { volume: spiking ? 8 : 1, redaction: 1 })]))) {
        if (signal.kind === 'raise' && signal.rule === 'volume_spike') raisedAt.push(index);
      }
    }
    expect(raisedAt).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 150, 151, 152]);
  });

  it('says nothing during its warm-up of 30 minutes, nor from a gap minute', () => {
    const { signals } = run(3, 20, 5, { volume: 10, redaction: 1 });
    expect(signals.filter(({ signal }) => signal.rule === 'volume_spike')).toEqual([]);
    const engine = new RuleEngine(defaultRuleSettings());
    expect(engine.apply(minute(0, [teamAppMinute(new Random(4), EMAIL, { volume: 10, redaction: 1 })], true))).toEqual([]);
    expect(engine.isBaselineWarm('volume_spike', 'support-emea', 'email')).toBe(false);
  });

  it('never fires on a day of ordinary traffic, whatever the team size, rate and noise (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: 5, max: 300, noNaN: true }),
      (seed, people, rate) => {
        const { signals } = run(seed, 400, 0, { volume: 1, redaction: 1 }, { rate, redactedShare: 0.2, people });
        return signals.every(({ signal }) => signal.rule !== 'volume_spike');
      },
    ), { numRuns: 25 });
  });
});

describe('redaction_rate_drop', () => {
  it('raises (high, team and app) within a few minutes of the redactor breaking, and clears once it works again', () => {
    const { signals } = run(5, 90, 5, { volume: 1, redaction: 0.02 });
    const drop = signals.filter(({ signal }) => signal.rule === 'redaction_rate_drop');
    expect(drop[0]?.signal).toMatchObject({ rule: 'redaction_rate_drop', severity: 'high', labels: { team: 'support-emea', app: 'email' }, kind: 'raise' });
    expect(drop[0]?.index).toBeGreaterThanOrEqual(90);
    expect(drop[0]?.index).toBeLessThanOrEqual(92);
    expect(drop.at(-1)?.signal.kind).toBe('clear');
    expect(drop.at(-1)?.index).toBeLessThanOrEqual(97);
    expect(drop[0]?.signal.summary).toMatch(/^Team support-emea in email: redaction rate [0-9.]+ % over \d min \(learned [0-9.]+ %\); \d+ of \d+ busy seconds had a redaction, about \d+ expected/);
  });

  it('does not take a volume spike (more redactions per second, same rate per event) for a drop', () => {
    const { signals } = run(6, 90, 5, { volume: 8, redaction: 1 });
    expect(signals.filter(({ signal }) => signal.rule === 'redaction_rate_drop')).toEqual([]);
  });

  it('never fires on a day of ordinary traffic, whatever the team size and redaction share (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: 0.01, max: 0.6, noNaN: true }),
      (seed, people, redactedShare) => {
        const { signals } = run(seed, 400, 0, { volume: 1, redaction: 1 }, { rate: 60, redactedShare, people });
        return signals.every(({ signal }) => signal.rule !== 'redaction_rate_drop');
      },
    ), { numRuns: 25 });
  });
});
