/**
 * The Alerts view's filters — state, severity, text — and how they travel in the hash
 * (`#/alerts?severity=critical&state=open&q=consent`), so that the Overview's badges can
 * link straight to "the open critical alerts" and a filtered view survives a reload.
 */
import type { Alert, AlertSeverity } from '../../../shared/alerts.js';
import type { RouteParams } from './routes.js';
import { isSeverity, SEVERITIES } from './alert-labels.js';

/** `open` is firing or acknowledged; `resolved` holds those resolved during this session. */
export const STATE_FILTERS = ['open', 'firing', 'acknowledged', 'resolved', 'all'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

export const STATE_FILTER_LABELS: Record<StateFilter, string> = {
  open: 'Open',
  firing: 'Firing',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved (this session)',
  all: 'All',
};

export interface AlertFilter {
  readonly state: StateFilter;
  readonly severity: AlertSeverity | 'any';
  /** Matched, case-insensitively, against the rule, the labels (names and values) and the summary. */
  readonly text: string;
}

export const DEFAULT_FILTER: AlertFilter = { state: 'open', severity: 'any', text: '' };

/** The filter a link asks for; anything unreadable falls back to the default. */
export function filterFromParams(params: RouteParams): AlertFilter {
  const state = STATE_FILTERS.find((name) => name === params.state) ?? DEFAULT_FILTER.state;
  const severity = params.severity !== undefined && isSeverity(params.severity) ? params.severity : 'any';
  return { state, severity, text: (params.q ?? '').slice(0, 200) };
}

/** The params of a filter: defaults left out, so the plain link stays `#/alerts`. */
export function paramsOfFilter(filter: AlertFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.state !== DEFAULT_FILTER.state) params.state = filter.state;
  if (filter.severity !== 'any') params.severity = filter.severity;
  if (filter.text.trim() !== '') params.q = filter.text.trim();
  return params;
}

function matchesState(alert: Alert, state: StateFilter): boolean {
  switch (state) {
    case 'open':
      return alert.state !== 'resolved';
    case 'all':
      return true;
    default:
      return alert.state === state;
  }
}

function matchesText(alert: Alert, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack = [alert.rule, alert.summary, ...Object.entries(alert.labels).map(([name, value]) => `${name}=${value}`)].join('\n').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** Whether an alert passes the filter (every word of the text must appear). */
export function matchesFilter(alert: Alert, filter: AlertFilter): boolean {
  const words = filter.text.toLowerCase().split(/\s+/).filter((word) => word !== '');
  return matchesState(alert, filter.state) && (filter.severity === 'any' || alert.severity === filter.severity) && matchesText(alert, words);
}

/** The alerts that pass, in the order given. */
export function applyFilter(alerts: readonly Alert[], filter: AlertFilter): Alert[] {
  return alerts.filter((alert) => matchesFilter(alert, filter));
}

/** How many alerts of each severity pass the state and text filters: the counts beside the severity choices. */
export function severityCounts(alerts: readonly Alert[], filter: AlertFilter): Record<AlertSeverity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<AlertSeverity, number>;
  for (const alert of applyFilter(alerts, { ...filter, severity: 'any' })) counts[alert.severity] += 1;
  return counts;
}
