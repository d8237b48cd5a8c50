/**
 * The alerts this page knows, stitched from the `alerts` channel: its snapshot (every
 * alert not resolved, or — after an honoured `resume` — nothing, the missed events
 * following) and its `alert` messages, each the whole alert after one transition. An
 * event replaces the alert with the same id; a resolved alert leaves the open list but is
 * kept for the session (resolved is final, so what is held stays true). Each alert keeps
 * the events seen for it as its timeline. Pure and immutable: every change returns a new list.
 */
import type { Alert, AlertState, AlertTransition, AlertsSnapshotData } from '../../../shared/alerts.js';
import type { AlertMessage } from '../../../shared/protocol.js';
import { severityRank } from './alert-labels.js';

/** One thing that happened to an alert, as this page learnt it. */
export interface TimelineEntry {
  /** Its id in the alert event stream; null when learnt from the alert's own record (a snapshot, an HTTP answer). */
  readonly eventId: string | null;
  readonly at: number;
  readonly transition: AlertTransition;
  readonly state: AlertState;
  readonly count: number;
  /** Who acknowledged or resolved it, with their note. */
  readonly by: string | null;
  readonly note: string | null;
  /** Consecutive `repeated` events folded into this entry (1 for a single event). */
  readonly repeats: number;
}

/** An alert and what this page saw happen to it. */
export interface HeldAlert {
  readonly alert: Alert;
  readonly timeline: readonly TimelineEntry[];
}

/** Everything held, and where in the event stream it stands. */
export interface AlertList {
  readonly alerts: ReadonlyMap<string, HeldAlert>;
  /** The last event applied (or the snapshot's position): what a reconnect resumes from. */
  readonly lastEventId: string | null;
}

/** What applying one `alert` message did. */
export interface EventOutcome {
  readonly list: AlertList;
  /** The transition applied; null when the event had been applied already (a replay). */
  readonly transition: AlertTransition | null;
  readonly alert: Alert;
}

export const EMPTY_ALERT_LIST: AlertList = { alerts: new Map(), lastEventId: null };

/** Timeline entries kept per alert: the newest win. */
export const MAX_TIMELINE = 50;
/** Resolved alerts kept for the session; beyond it the longest resolved go first. */
export const MAX_RESOLVED_KEPT = 500;

/** Whether an alert is still open (firing or acknowledged). */
export function isOpen(alert: Alert): boolean {
  return alert.state !== 'resolved';
}

/**
 * What changed between two versions of an alert: the `alert` message carries the alert
 * after the transition (`{"type":"alert","id","alert"}`), not the transition's name.
 */
export function inferTransition(previous: Alert | undefined, next: Alert): AlertTransition {
  if (next.state === 'resolved' && previous?.state !== 'resolved') {
    return next.resolved?.by === 'keywatch' ? 'auto_resolved' : 'resolved';
  }
  if (previous === undefined) return next.state === 'acknowledged' ? 'acknowledged' : 'opened';
  if (next.state === 'acknowledged' && previous.state === 'firing') return 'acknowledged';
  if (next.silenced !== previous.silenced) return next.silenced ? 'silenced' : 'unsilenced';
  return 'repeated';
}

/**
 * When a transition happened, from the alert itself (the message carries no time of its
 * own). A silence starting or ending, or an escalation, leaves no time in the alert: then
 * `receivedAtMs`, when the page learnt of it, if given.
 */
function timeOf(transition: AlertTransition, alert: Alert, receivedAtMs?: number): number {
  switch (transition) {
    case 'opened':
      return alert.firstSeen;
    case 'acknowledged':
      return alert.ack?.at ?? alert.lastSeen;
    case 'resolved':
    case 'auto_resolved':
      return alert.resolved?.at ?? alert.lastSeen;
    case 'repeated':
      return alert.lastSeen;
    default:
      return Math.max(alert.lastSeen, receivedAtMs ?? 0);
  }
}

function entryOf(eventId: string | null, transition: AlertTransition, alert: Alert, receivedAtMs?: number): TimelineEntry {
  const at = timeOf(transition, alert, receivedAtMs);
  const note = transition === 'acknowledged' ? alert.ack : transition === 'resolved' || transition === 'auto_resolved' ? alert.resolved : null;
  return { eventId, at, transition, state: alert.state, count: alert.count, by: note?.by ?? null, note: note?.note || null, repeats: 1 };
}

/** The timeline of an alert first met in a snapshot: what its own record tells. */
function recordTimeline(alert: Alert): TimelineEntry[] {
  const timeline = [entryOf(null, 'opened', { ...alert, state: 'firing', count: 1 })];
  if (alert.ack !== null) timeline.push(entryOf(null, 'acknowledged', { ...alert, state: 'acknowledged' }));
  if (alert.resolved !== null) timeline.push(entryOf(null, alert.resolved.by === 'keywatch' ? 'auto_resolved' : 'resolved', alert));
  return timeline;
}

/** Appends an entry; a repeat right after a repeat is folded into it so a busy alert's timeline stays readable. */
function appendEntry(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const last = timeline.at(-1);
  if (last !== undefined && last.transition === 'repeated' && entry.transition === 'repeated') {
    return [...timeline.slice(0, -1), { ...entry, repeats: last.repeats + 1 }];
  }
  return [...timeline, entry].slice(-MAX_TIMELINE);
}

/** Keeps at most {@link MAX_RESOLVED_KEPT} resolved alerts, dropping those resolved longest ago. */
function boundResolved(alerts: Map<string, HeldAlert>): Map<string, HeldAlert> {
  const resolved = [...alerts.values()].filter((held) => !isOpen(held.alert));
  if (resolved.length <= MAX_RESOLVED_KEPT) return alerts;
  const resolvedAt = (held: HeldAlert): number => held.alert.resolved?.at ?? held.alert.lastSeen;
  resolved.sort((a, b) => resolvedAt(a) - resolvedAt(b));
  for (const held of resolved.slice(0, resolved.length - MAX_RESOLVED_KEPT)) alerts.delete(held.alert.id);
  return alerts;
}

/**
 * A snapshot. `recovered: true` (the resume was honoured) keeps everything: the missed
 * events follow. Otherwise the open alerts are replaced by the snapshot's (an open alert
 * held but missing from it was resolved meanwhile, by whom is unknown, so it is dropped),
 * the resolved ones held for the session stay, and the snapshot's position is taken.
 */
export function applySnapshot(list: AlertList, data: AlertsSnapshotData): AlertList {
  if (data.recovered) return list;
  const alerts = new Map<string, HeldAlert>();
  for (const [id, held] of list.alerts) if (!isOpen(held.alert)) alerts.set(id, held);
  for (const alert of data.alerts ?? []) {
    const previous = list.alerts.get(alert.id);
    if (previous === undefined) {
      alerts.set(alert.id, { alert, timeline: recordTimeline(alert) });
    } else {
      const changed = previous.alert.state !== alert.state || previous.alert.count !== alert.count || previous.alert.silenced !== alert.silenced;
      const timeline = changed ? appendEntry(previous.timeline, entryOf(null, inferTransition(previous.alert, alert), alert)) : previous.timeline;
      alerts.set(alert.id, { alert, timeline });
    }
  }
  return { alerts: boundResolved(alerts), lastEventId: data.lastEventId };
}

/**
 * One `alert` message: replaces the alert with the same id and moves the resume point.
 * `receivedAtMs` dates the transitions the alert holds no time for (silences, escalation).
 */
export function applyAlertEvent(list: AlertList, message: AlertMessage, receivedAtMs?: number): EventOutcome {
  const { alert } = message;
  const previous = list.alerts.get(alert.id);
  if (previous?.timeline.some((entry) => entry.eventId === message.id)) {
    return { list: { ...list, lastEventId: message.id }, transition: null, alert: previous.alert };
  }
  const transition = inferTransition(previous?.alert, alert);
  const entry = entryOf(message.id, transition, alert, receivedAtMs);
  const timeline = previous === undefined ? [entry] : appendEntry(previous.timeline, entry);
  const alerts = new Map(list.alerts);
  alerts.set(alert.id, { alert, timeline });
  return { list: { alerts: boundResolved(alerts), lastEventId: message.id }, transition, alert };
}

const STATE_RANK: Record<AlertState, number> = { firing: 0, acknowledged: 1, resolved: 2 };

/**
 * An alert as an HTTP answer returned it (after an ack or a resolve). Taken unless what is
 * held is already further along — an event may have overtaken the answer.
 */
export function applyAnswer(list: AlertList, alert: Alert): AlertList {
  const previous = list.alerts.get(alert.id);
  if (previous !== undefined) {
    const held = previous.alert;
    if (STATE_RANK[held.state] > STATE_RANK[alert.state] || held.lastSeen > alert.lastSeen) return list;
    if (held.state === alert.state && held.count === alert.count && held.silenced === alert.silenced) return list;
  }
  const transition = inferTransition(previous?.alert, alert);
  const timeline = previous === undefined ? recordTimeline(alert) : appendEntry(previous.timeline, entryOf(null, transition, alert));
  const alerts = new Map(list.alerts);
  alerts.set(alert.id, { alert, timeline });
  return { ...list, alerts };
}

/** Most urgent first: by severity, then the most recently seen, then by id for a stable order. */
export function compareAlerts(a: Alert, b: Alert): number {
  return severityRank(a.severity) - severityRank(b.severity) || b.lastSeen - a.lastSeen || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The alerts in display order. */
export function orderAlerts(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].sort(compareAlerts);
}
