/** Waiting for alerts over the HTTP API, as an on-call script would read them. */
import type { Alert } from '../../shared/alerts.js';
import { waitFor } from './keywatch-process.js';

/** A rule, its severity and the labels an alert of it must carry. */
export type ExpectedAlert = [rule: string, severity: string, labels: Record<string, string>];

/** The alert of `rule` whose labels include `labels`, if any. */
export function findAlert(alerts: readonly Alert[], rule: string, labels: Record<string, string>): Alert | undefined {
  return alerts.find((alert) => alert.rule === rule && Object.entries(labels).every(([name, value]) => alert.labels[name] === value));
}

/** Reads `/api/alerts` until every expected alert is there (or `timeoutMs` passes, naming the missing rules); returns the list. */
export async function waitForAlerts(origin: string, headers: Record<string, string>, expected: readonly ExpectedAlert[], timeoutMs: number): Promise<Alert[]> {
  let alerts: Alert[] = [];
  const missing = (): ExpectedAlert[] => expected.filter(([rule, , labels]) => findAlert(alerts, rule, labels) === undefined);
  await waitFor(async () => {
    alerts = ((await (await fetch(`${origin}/api/alerts?limit=1000`, { headers })).json()) as { alerts: Alert[] }).alerts;
    return missing().length === 0;
  }, timeoutMs, () => `missing: ${missing().map(([rule]) => rule).join(', ')}`);
  return alerts;
}
