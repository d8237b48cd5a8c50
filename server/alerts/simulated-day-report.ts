/**
 * The simulated-day report as Markdown tables: alerts opened per rule and per simulated
 * day, and the detection of each injected case (how many, how fast).
 */
import { ANOMALY_CASES } from '../simulate/anomalies.js';
import { ALERT_RULE_NAMES, type AlertRuleName } from './catalog.js';
import type { SimulatedDayReport } from './simulated-day.js';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Cases started between 09:00 and 18:00 simulated time, when most teams are at work. At
 * night the injector has only the one or two people of the shift team to act on, so their
 * baselines are learned from mostly injected traffic.
 */
export function isDayTime(clock: string): boolean {
  return clock >= '09:00' && clock < '18:00';
}

/** The value below which a share `q` of the values lie (nearest rank), or null for none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

function seconds(ms: number | null): string {
  return ms === null ? '—' : `${Math.round(ms / 1000)} s`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** Alerts opened per rule and per simulated day, as a Markdown table. */
export function formatFalseAlarms(report: SimulatedDayReport): string {
  const perDay = DAY_MS / report.simulatedMs;
  const rows = ALERT_RULE_NAMES.filter((rule) => rule in report.opened).map((rule: AlertRuleName) => {
    const count = report.opened[rule] ?? 0;
    return [rule, String(count), (count * perDay).toFixed(1)];
  });
  return table(['rule', 'alerts opened', 'per simulated day'], rows);
}

/** Detection per injected case, as a Markdown table. */
export function formatDetections(report: SimulatedDayReport): string {
  const rows = ANOMALY_CASES.map((anomaly) => {
    const all = report.cases.filter((outcome) => outcome.anomaly === anomaly);
    const judged = all.filter((outcome) => outcome.applicable && outcome.baselineWarm !== false);
    const delays = judged.flatMap((outcome) => (outcome.detectedAfterMs === null ? [] : [outcome.detectedAfterMs]));
    const dayTime = judged.filter((outcome) => isDayTime(outcome.clock));
    const dayTimeDetected = dayTime.filter((outcome) => outcome.detectedAfterMs !== null).length;
    return [
      anomaly, String(all.length), String(judged.length), `${delays.length}/${judged.length}`, `${dayTimeDetected}/${dayTime.length}`,
      seconds(quantile(delays, 0.5)), seconds(quantile(delays, 0.9)), seconds(quantile(delays, 1)),
    ];
  });
  return table(['case', 'injected', 'judgeable', 'detected', 'of them 09-18 h', 'median delay', '90 % within', 'max delay'], rows);
}
