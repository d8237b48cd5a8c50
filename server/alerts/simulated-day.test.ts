import { describe, expect, it } from 'vitest';
import { SECURITY_ANOMALIES, type AnomalyCase } from '../simulate/anomalies.js';
import { STREAM_RULE_NAMES } from './catalog.js';
import { formatDetections, formatFalseAlarms, isDayTime, quantile } from './simulated-day-report.js';
import { simulateAlertDay, type SimulatedDayReport } from './simulated-day.js';

// A whole simulated day (00:00 to 24:00 of a Monday) with 24 collectors: ~730k collect
// entries parsed and judged in a few seconds. The seed fixes the organisation and traffic.
const DAY = { collectors: 24, seed: 5 } as const;
const BASELINE_RULES = ['volume_spike', 'redaction_rate_drop', 'collector_silent'];

function detection(report: SimulatedDayReport, anomaly: AnomalyCase) {
  const judged = report.cases.filter((outcome) => outcome.anomaly === anomaly && outcome.applicable && outcome.baselineWarm !== false);
  const delays = judged.flatMap((outcome) => (outcome.detectedAfterMs === null ? [] : [outcome.detectedAfterMs]));
  const dayTime = judged.filter((outcome) => isDayTime(outcome.clock));
  return {
    judged: judged.length,
    rate: delays.length / Math.max(1, judged.length),
    dayTimeRate: dayTime.filter((outcome) => outcome.detectedAfterMs !== null).length / Math.max(1, dayTime.length),
    median: quantile(delays, 0.5) ?? Infinity,
  };
}

describe('a simulated day of normal traffic', () => {
  it('raises no false alarm: none from the baselines, none from any rule but off-hours collection', async () => {
    const report = await simulateAlertDay({ ...DAY, anomalies: false });
    console.log(`normal day, ${report.collectors} collectors, ${report.collectEntries} collect and ${report.securityEntries} security entries, ${report.runtimeMs} ms\n${formatFalseAlarms(report)}`);
    console.log(`off_hours_collection alerts: ${report.openedAlerts.map((alert) => `${alert.labels.team} at ${alert.clock}`).join(', ')}`);
    expect(report.collectEntries).toBeGreaterThan(500_000);
    for (const rule of STREAM_RULE_NAMES) {
      if (rule === 'off_hours_collection') continue;
      expect({ rule, opened: report.opened[rule] }).toEqual({ rule, opened: 0 });
    }
    // Off-hours alerts on a normal day are true by definition: early starters, late leavers and
    // the APAC shift do collect outside 08:00-19:00 (see the README); at most one episode a team per morning and evening.
    expect(report.opened.off_hours_collection).toBeLessThanOrEqual(8);
    // Faster than real time by far (a day is 86,400 s); the bound is loose because test files share two cores.
    expect(report.runtimeMs).toBeLessThan(60_000);
  }, 120_000);
});

describe('a simulated day with every case injected every 7.5 minutes', () => {
  it('detects each case with the spec rule and labels, within bounds', async () => {
    const report = await simulateAlertDay({ ...DAY, anomalies: true });
    console.log(`day with anomalies, ${report.cases.length} cases, ${report.runtimeMs} ms\n${formatDetections(report)}`);
    console.log(`side effects of injected cases: ${report.sideEffects.length}; unexplained: ${report.unexplained.map((alert) => `${alert.rule} ${JSON.stringify(alert.labels)} at ${alert.clock}`).join(', ') || 'none'}`);

    for (const anomaly of SECURITY_ANOMALIES) {
      const { judged, rate, median } = detection(report, anomaly);
      expect({ anomaly, judged: judged > 100, rate }).toEqual({ anomaly, judged: true, rate: 1 });
      // A burst is detected at its 10th event, about 10 s in; single events at once.
      expect(median).toBeLessThanOrEqual(15_000);
    }
    for (const anomaly of ['raw_content_in_stream', 'consent_revoked_collection', 'unencrypted_collection', 'dropped_events', 'off_hours_collection'] as const) {
      const { judged, rate, median } = detection(report, anomaly);
      expect({ anomaly, judged: judged > 50, rate }).toEqual({ anomaly, judged: true, rate: 1 });
      expect(median).toBeLessThanOrEqual(5_000);
    }
    const silent = detection(report, 'collector_silent');
    expect(silent.rate).toBeGreaterThanOrEqual(0.95);
    expect(silent.median).toBeLessThanOrEqual(150_000);
    // At night the injector acts on the one shift team all the time: its baselines learn the
    // anomalies. In the day, with every team at work, nearly every spike is found.
    const spike = detection(report, 'volume_spike');
    expect(spike.rate).toBeGreaterThanOrEqual(0.7);
    expect(spike.dayTimeRate).toBeGreaterThanOrEqual(0.95);
    expect(spike.median).toBeLessThanOrEqual(120_000);
    // The weakest: a broken redactor is visible only where redactions were frequent enough
    // to be missed (rare in terminals and IDEs, and in teams of one or two).
    const redaction = detection(report, 'redaction_rate_drop');
    expect(redaction.rate).toBeGreaterThanOrEqual(0.35);
    expect(redaction.dayTimeRate).toBeGreaterThanOrEqual(0.6);
    expect(redaction.median).toBeLessThanOrEqual(300_000);

    // Whatever opened and is neither a case nor a side effect of one: only the early starters' off-hours collection.
    expect(report.unexplained.filter((alert) => alert.rule !== 'off_hours_collection')).toEqual([]);
    expect(report.unexplained.filter((alert) => BASELINE_RULES.includes(alert.rule))).toEqual([]);
  }, 60_000);
});
