import { describe, expect, it } from 'vitest';
import type { Alert, AlertsSnapshotData } from '../../../shared/alerts.js';
import {
  applyAlertEvent, applyAnswer, applySnapshot, EMPTY_ALERT_LIST, inferTransition, MAX_RESOLVED_KEPT, orderAlerts, type AlertList,
} from './alert-list.js';
import type { AlertMessage } from '../../../shared/protocol.js';

function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id, rule: 'consent_revoked_collection', severity: 'critical', state: 'firing', summary: 'events under consent=revoked',
    labels: { team: 'payments', collector: 'c-1' }, firstSeen: 1_000, lastSeen: 1_000, count: 1, ack: null, resolved: null, silenced: false,
    ...overrides,
  };
}

const snapshot = (alerts: Alert[], lastEventId: string | null = '10-0'): AlertsSnapshotData => ({ alerts, lastEventId, recovered: false });
const event = (id: string, body: Alert): AlertMessage => ({ type: 'alert', id, alert: body });
const ids = (list: AlertList): string[] => orderAlerts([...list.alerts.values()].map((held) => held.alert)).map((a) => a.id);

describe('alert list: snapshots', () => {
  it('takes a fresh snapshot whole, with its position to resume from', () => {
    const list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a'), alert('b', { severity: 'high' })], '42-0'));
    expect(ids(list)).toEqual(['a', 'b']);
    expect(list.lastEventId).toBe('42-0');
  });

  it('replaces the open alerts on a snapshot that did not recover, keeping the session’s resolved ones', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a'), alert('b')]));
    list = applyAlertEvent(list, event('11-0', alert('a', { state: 'resolved', resolved: { by: 'ana', at: 2_000, note: 'fixed' } }))).list;
    // Reconnected, the resume id was too old: b was resolved meanwhile (absent), c is new.
    list = applySnapshot(list, snapshot([alert('c', { lastSeen: 5_000 })], '90-0'));
    expect(ids(list)).toEqual(['c', 'a']);
    expect(list.alerts.get('a')?.alert.state).toBe('resolved');
    expect(list.alerts.has('b')).toBe(false);
    expect(list.lastEventId).toBe('90-0');
  });

  it('keeps everything on a recovered snapshot and applies the missed events that follow', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a')], '10-0'));
    list = applyAlertEvent(list, event('11-0', alert('a', { count: 2, lastSeen: 2_000 }))).list;
    const recovered = applySnapshot(list, { lastEventId: '20-0', recovered: true });
    expect(recovered).toBe(list);
    expect(recovered.lastEventId).toBe('11-0'); // the missed events move it on, one by one
    const missed = applyAlertEvent(recovered, event('12-0', alert('b', { severity: 'warning' })));
    expect(ids(missed.list)).toEqual(['a', 'b']);
    expect(missed.list.lastEventId).toBe('12-0');
    expect(missed.transition).toBe('opened');
  });

  it('notes in the timeline what changed while away', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a')]));
    list = applySnapshot(list, snapshot([alert('a', { state: 'acknowledged', ack: { by: 'ana', at: 3_000, note: 'looking' } })]));
    expect(list.alerts.get('a')?.timeline.map((entry) => entry.transition)).toEqual(['opened', 'acknowledged']);
    expect(list.alerts.get('a')?.timeline.at(-1)).toMatchObject({ by: 'ana', note: 'looking', at: 3_000, eventId: null });
  });
});

describe('alert list: events', () => {
  it('replaces the alert with the same id and records the event in its timeline', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a')]));
    const outcome = applyAlertEvent(list, event('11-0', alert('a', { count: 3, lastSeen: 4_000 })));
    list = outcome.list;
    expect(list.alerts.size).toBe(1);
    expect(list.alerts.get('a')?.alert.count).toBe(3);
    expect(list.alerts.get('a')?.timeline.at(-1)).toMatchObject({ eventId: '11-0', transition: 'repeated', at: 4_000, count: 3 });
    expect(outcome.transition).toBe('repeated');
  });

  it('folds consecutive repeats into one timeline entry', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a')]));
    for (let n = 2; n <= 5; n++) list = applyAlertEvent(list, event(`1${n}-0`, alert('a', { count: n, lastSeen: n * 1000 }))).list;
    const timeline = list.alerts.get('a')!.timeline;
    expect(timeline.map((entry) => entry.transition)).toEqual(['opened', 'repeated']);
    expect(timeline[1]).toMatchObject({ repeats: 4, count: 5, eventId: '15-0' });
  });

  it('dates a silence by when it was learnt, the rest by the alert’s own times', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a', { lastSeen: 5_000 })]));
    list = applyAlertEvent(list, event('11-0', alert('a', { lastSeen: 5_000, silenced: true })), 9_000).list;
    list = applyAlertEvent(list, event('12-0', alert('a', { lastSeen: 9_500, count: 2, silenced: true })), 9_600).list;
    expect(list.alerts.get('a')?.timeline.map((entry) => [entry.transition, entry.at])).toEqual([['opened', 1_000], ['silenced', 9_000], ['repeated', 9_500]]);
  });

  it('ignores an event it has applied already', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([]));
    list = applyAlertEvent(list, event('11-0', alert('a'))).list;
    const again = applyAlertEvent(list, event('11-0', alert('a')));
    expect(again.transition).toBeNull();
    expect(again.list.alerts.get('a')?.timeline).toHaveLength(1);
  });

  it('keeps a resolved alert, out of the open ones, with who resolved it and why', () => {
    let list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a')]));
    const outcome = applyAlertEvent(list, event('11-0', alert('a', { state: 'resolved', resolved: { by: 'ana', at: 9_000, note: 'false alarm' } })));
    list = outcome.list;
    expect(outcome.transition).toBe('resolved');
    expect(list.alerts.get('a')?.alert.state).toBe('resolved');
    expect(list.alerts.get('a')?.timeline.at(-1)).toMatchObject({ transition: 'resolved', by: 'ana', note: 'false alarm', at: 9_000 });
  });

  it('bounds the resolved alerts kept for the session, dropping the longest resolved', () => {
    let list: AlertList = EMPTY_ALERT_LIST;
    for (let n = 0; n <= MAX_RESOLVED_KEPT; n++) {
      list = applyAlertEvent(list, event(`${n}-0`, alert(`r${n}`, { state: 'resolved', resolved: { by: 'keywatch', at: n, note: '' } }))).list;
    }
    expect(list.alerts.size).toBe(MAX_RESOLVED_KEPT);
    expect(list.alerts.has('r0')).toBe(false);
  });
});

describe('inferTransition', () => {
  it('reads the transition from the change when the message does not say', () => {
    const firing = alert('a');
    expect(inferTransition(undefined, firing)).toBe('opened');
    expect(inferTransition(firing, { ...firing, state: 'acknowledged' })).toBe('acknowledged');
    expect(inferTransition(firing, { ...firing, state: 'resolved', resolved: { by: 'keywatch', at: 1, note: '' } })).toBe('auto_resolved');
    expect(inferTransition(firing, { ...firing, state: 'resolved', resolved: { by: 'ana', at: 1, note: '' } })).toBe('resolved');
    expect(inferTransition(firing, { ...firing, silenced: true })).toBe('silenced');
    expect(inferTransition(firing, { ...firing, count: 2 })).toBe('repeated');
  });
});

describe('applyAnswer', () => {
  it('takes an acknowledged alert from the HTTP answer, unless an event got further first', () => {
    const list = applySnapshot(EMPTY_ALERT_LIST, snapshot([alert('a')]));
    const acked = alert('a', { state: 'acknowledged', ack: { by: 'ana', at: 2_000, note: 'on it' } });
    const answered = applyAnswer(list, acked);
    expect(answered.alerts.get('a')?.alert.state).toBe('acknowledged');
    expect(answered.lastEventId).toBe(list.lastEventId); // an answer is not a position in the event stream
    const resolvedFirst = applyAlertEvent(list, event('11-0', alert('a', { state: 'resolved', resolved: { by: 'bo', at: 2_500, note: '' } }))).list;
    expect(applyAnswer(resolvedFirst, acked).alerts.get('a')?.alert.state).toBe('resolved');
  });
});

describe('orderAlerts', () => {
  it('puts the most severe first, then the most recently seen', () => {
    const alerts = [
      alert('info-old', { severity: 'info', lastSeen: 1 }),
      alert('high-new', { severity: 'high', lastSeen: 9 }),
      alert('crit-old', { severity: 'critical', lastSeen: 2 }),
      alert('crit-new', { severity: 'critical', lastSeen: 8 }),
      alert('warn', { severity: 'warning', lastSeen: 99 }),
    ];
    expect(orderAlerts(alerts).map((a) => a.id)).toEqual(['crit-new', 'crit-old', 'high-new', 'warn', 'info-old']);
  });
});
