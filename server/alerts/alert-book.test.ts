import { beforeEach, describe, expect, it } from 'vitest';
import { AlertError } from './alert-error.js';
import { AlertBook, type NewAlertEvent } from './alert-book.js';
import type { AlertRuleName } from './catalog.js';
import { raise, clear, raiseForPerson, type AlertSignal } from './signal.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 2, 3, 10, 0, 0);

let now = T0;
let book: AlertBook;

beforeEach(() => {
  now = T0;
  book = new AlertBook({ now: () => now });
});

const export1 = (at = now) => raise('bulk_export', { actor: 'u-1', resource: 'export:all' }, 'u-1 exported 200000 records', at);
const spike = (at = now) => raise('volume_spike', { team: 'eng', app: 'ide' }, 'Team eng in ide: 9× its baseline', at);
const spikeCleared = () => clear('volume_spike', { team: 'eng', app: 'ide' }, 'back to normal', now);
const revoked = (collector = 'c-1') => raise('consent_revoked_collection', { team: 'eng', collector }, 'revoked consent', now);

function advance(ms: number): NewAlertEvent[] {
  now += ms;
  return book.tick();
}

const transitions = (events: NewAlertEvent[]) => events.map((event) => [event.alert.id, event.transition, event.alert.state]);

describe('opening and deduplication', () => {
  it('opens an alert of the spec shape', () => {
    const events = book.signal(export1(T0 - 5000));
    expect(events).toEqual([{
      at: T0,
      transition: 'opened',
      alert: {
        id: 'alert-1', rule: 'bulk_export', severity: 'high', state: 'firing', summary: 'u-1 exported 200000 records',
        labels: { actor: 'u-1', resource: 'export:all' }, firstSeen: T0 - 5000, lastSeen: T0 - 5000, count: 1, ack: null, resolved: null,
        silenced: false,
      },
    }]);
  });

  it('updates one alert for repeats with the same rule and labels (in any order), keeping its state', () => {
    book.signal(export1());
    now += 1000;
    book.acknowledge('alert-1', { by: 'alice', note: 'looking' });
    now += 10_000;
    const events = book.signal(raise('bulk_export', { resource: 'export:all', actor: 'u-1' }, 'again', now));
    expect(transitions(events)).toEqual([['alert-1', 'repeated', 'acknowledged']]);
    expect(book.get('alert-1')).toMatchObject({ count: 2, lastSeen: now, firstSeen: T0, state: 'acknowledged', summary: 'again' });
    now += 1000;
    book.signal(raise('bulk_export', { actor: 'u-2', resource: 'export:all' }, 'other actor', now));
    expect(book.openAlerts().map((alert) => alert.id)).toEqual(['alert-2', 'alert-1']);
  });

  it('opens a new alert with a new id for a repeat after the alert was resolved', () => {
    book.signal(export1());
    book.resolve('alert-1', { by: 'alice', note: 'expected export' });
    now += 2000;
    expect(transitions(book.signal(export1()))).toEqual([['alert-2', 'opened', 'firing']]);
    expect(book.get('alert-1')?.state).toBe('resolved');
  });

  it('counts open alerts by severity', () => {
    book.signals([export1(), spike(), revoked('c-1'), revoked('c-2')]);
    expect(book.openCounts()).toEqual({ critical: 2, high: 1, warning: 1, info: 0 });
  });
});

describe('people acting on alerts', () => {
  it('acknowledges a firing alert, once, with who, when and a note', () => {
    book.signal(export1());
    now += 3000;
    const { value, events } = book.acknowledge('alert-1', { by: 'alice', note: 'on it' });
    expect(value).toMatchObject({ state: 'acknowledged', ack: { by: 'alice', at: now, note: 'on it' } });
    expect(transitions(events)).toEqual([['alert-1', 'acknowledged', 'acknowledged']]);
    now += 3000;
    expect(book.acknowledge('alert-1', { by: 'bob', note: '' })).toMatchObject({ value: { ack: { by: 'alice' } }, events: [] });
  });

  it('answers not_found (404) for an unknown alert and conflict (409) for acknowledging a resolved one', () => {
    expect(() => book.acknowledge('alert-9', { by: 'alice', note: '' })).toThrow(AlertError);
    book.signal(export1());
    book.resolve('alert-1', { by: 'alice', note: 'done' });
    let caught: unknown;
    try {
      book.acknowledge('alert-1', { by: 'bob', note: '' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'conflict', status: 409, message: 'alert alert-1 is already resolved' });
    expect(book.resolve('alert-1', { by: 'bob', note: 'again' })).toMatchObject({ value: { resolved: { by: 'alice', note: 'done' } }, events: [] });
    expect(() => book.resolve('alert-1', { by: '', note: '' })).toThrow(/needs the user/);
  });

  it('resolves an acknowledged alert, keeping the acknowledgement', () => {
    book.signal(export1());
    book.acknowledge('alert-1', { by: 'alice', note: 'looking' });
    now += 2000;
    const { value } = book.resolve('alert-1', { by: 'bob', note: 'export was approved' });
    expect(value).toMatchObject({ state: 'resolved', ack: { by: 'alice' }, resolved: { by: 'bob', at: now, note: 'export was approved' } });
    expect(book.openAlerts()).toEqual([]);
  });
});

describe('condition alerts', () => {
  it('resolve themselves once the condition has been cleared for 10 minutes', () => {
    book.signal(spike());
    now += 60_000;
    book.signal(spikeCleared());
    expect(advance(9 * MINUTE + 59_000)).toEqual([]);
    const events = advance(1000);
    expect(transitions(events)).toEqual([['alert-1', 'auto_resolved', 'resolved']]);
    expect(events[0]?.alert.resolved).toEqual({ by: 'keywatch', at: now, note: 'condition cleared for 10 min' });
  });

  it('stay open when the condition comes back before the hold ends, acknowledged or not', () => {
    book.signal(spike());
    now += 1000;
    book.acknowledge('alert-1', { by: 'alice', note: '' });
    book.signal(spikeCleared());
    advance(5 * MINUTE);
    expect(transitions(book.signal(spike()))).toEqual([['alert-1', 'repeated', 'acknowledged']]);
    expect(advance(9 * MINUTE)).toEqual([]);
    book.signal(spikeCleared());
    expect(transitions(advance(10 * MINUTE))).toEqual([['alert-1', 'auto_resolved', 'resolved']]);
  });

  it('resolve after 30 minutes without any signal (their rule stopped judging them)', () => {
    book.signal(spike());
    expect(advance(29 * MINUTE)).toEqual([]);
    expect(advance(MINUTE)[0]?.alert.resolved?.note).toBe('no report of the condition for 30 min');
  });

  it('hold back flapping: each automatic resolve within two hours doubles the next hold, up to an hour', () => {
    const holds: number[] = [];
    for (let round = 0; round < 4; round++) {
      book.signal(spike());
      book.signal(spikeCleared());
      const clearedAt = now;
      while (book.openAlerts().length > 0) advance(MINUTE);
      holds.push((now - clearedAt) / MINUTE);
    }
    expect(holds).toEqual([10, 20, 40, 60]);
    advance(2 * 60 * MINUTE);
    book.signal(spike());
    book.signal(spikeCleared());
    const clearedAt = now;
    while (book.openAlerts().length > 0) advance(MINUTE);
    expect((now - clearedAt) / MINUTE).toBe(10);
  });

  it('never resolve event alerts by themselves, and ignore clears for them', () => {
    book.signal(export1());
    book.signal(clear('bulk_export', { actor: 'u-1', resource: 'export:all' }, '', now));
    expect(advance(24 * 60 * MINUTE)).toEqual([]);
    expect(book.get('alert-1')?.state).toBe('firing');
  });
});

describe('coalescing', () => {
  it('sends at most one event per alert per second, the last state always', () => {
    expect(transitions(book.signal(revoked()))).toEqual([['alert-1', 'opened', 'firing']]);
    for (let i = 0; i < 5; i++) {
      now += 100;
      expect(book.signal(revoked())).toEqual([]);
    }
    now += 100;
    expect(book.acknowledge('alert-1', { by: 'alice', note: '' }).events).toEqual([]);
    expect(advance(200)).toEqual([]);
    const flushed = advance(300);
    expect(flushed).toEqual([{ at: T0 + 1100, transition: 'acknowledged', alert: book.get('alert-1') }]);
    expect(flushed[0]?.alert).toMatchObject({ count: 6, state: 'acknowledged' });
  });

  it('sends a mere repeat at most every 10 seconds: an ongoing condition is not a stream of events', () => {
    book.signal(revoked());
    const sent: NewAlertEvent[] = [];
    for (let second = 1; second <= 25; second++) {
      now = T0 + second * 1000;
      sent.push(...book.signal(revoked()), ...book.tick());
    }
    expect(sent.map((event) => [event.at - T0, event.transition, event.alert.count])).toEqual([[10_000, 'repeated', 11], [20_000, 'repeated', 21]]);
    // A state change goes out within a second, with the count so far.
    now += 1000;
    const { events } = book.acknowledge('alert-1', { by: 'alice', note: '' });
    expect(events.map((event) => [event.transition, event.alert.count])).toEqual([['acknowledged', 26]]);
    expect(advance(10_000)).toEqual([]);
  });

  it('keeps the weightiest held transition: a resolve is never hidden behind a repeat', () => {
    book.signal(spike());
    now += 100;
    book.resolve('alert-1', { by: 'alice', note: '' });
    now += 100;
    book.signal(spike()); // a new alert: its own limit
    expect(transitions(advance(800))).toEqual([['alert-1', 'resolved', 'resolved']]);
  });
});

describe('silences', () => {
  const silence = (matchers: Record<string, string>, durationMs = 60 * MINUTE) => book.addSilence({ matchers, durationMs, comment: 'maintenance of c-1', by: 'alice' });

  it('silence the open alerts they match exactly, and new ones while active', () => {
    book.signals([revoked('c-1'), revoked('c-2'), export1()]);
    now += 2000;
    const { value, events } = silence({ rule: 'consent_revoked_collection', collector: 'c-1' });
    expect(value).toEqual({
      id: 'silence-1', matchers: { rule: 'consent_revoked_collection', collector: 'c-1' }, comment: 'maintenance of c-1', createdBy: 'alice',
      createdAt: now, endsAt: now + 60 * MINUTE,
    });
    expect(transitions(events)).toEqual([['alert-1', 'silenced', 'firing']]);
    expect(book.get('alert-1')?.silenced).toBe(true);
    expect(book.get('alert-2')?.silenced).toBe(false);
    book.resolve('alert-1', { by: 'alice', note: '' });
    now += 2000;
    expect(book.signal(revoked('c-1'))[0]?.alert).toMatchObject({ id: 'alert-4', silenced: true });
    expect(silence({ severity: 'high' }).events.map((event) => event.alert.id)).toEqual(['alert-3']);
  });

  it('preview what they would silence, matching rule, severity and labels exactly', () => {
    book.signals([revoked('c-1'), revoked('c-12'), export1(), spike()]);
    expect(book.previewSilence({ collector: 'c-1' }).map((alert) => alert.id)).toEqual(['alert-1']);
    expect(book.previewSilence({ severity: 'critical', team: 'eng' }).map((alert) => alert.id)).toEqual(['alert-2', 'alert-1']);
    expect(book.previewSilence({ rule: 'volume', team: 'eng' })).toEqual([]);
  });

  it('end at their expiry or when deleted, unsilencing what no other silence matches', () => {
    book.signals([revoked('c-1')]);
    now += 1000;
    book.acknowledge('alert-1', { by: 'alice', note: '' });
    now += 1000;
    silence({ collector: 'c-1' }, 10 * MINUTE);
    const second = silence({ team: 'eng' }, 30 * MINUTE);
    expect(advance(10 * MINUTE)).toEqual([]);
    expect(book.silences().map((s) => s.id)).toEqual(['silence-2']);
    const { events } = book.removeSilence(second.value.id);
    expect(transitions(events)).toEqual([['alert-1', 'unsilenced', 'acknowledged']]);
    expect(() => book.removeSilence('silence-2')).toThrow(/no active silence silence-2/);
  });

  it.each([
    [{ matchers: {}, durationMs: MINUTE, comment: 'x', by: 'alice' }, /at least one matcher/],
    [{ matchers: { severity: 'urgent' }, durationMs: MINUTE, comment: 'x', by: 'alice' }, /severity "urgent" is not one of/],
    [{ matchers: { 'Bad Name': 'x' }, durationMs: MINUTE, comment: 'x', by: 'alice' }, /matchers are not valid/],
    [{ matchers: { team: 'eng' }, durationMs: MINUTE, comment: '   ', by: 'alice' }, /needs a comment/],
    [{ matchers: { team: 'eng' }, durationMs: MINUTE, comment: 'x', by: '' }, /needs its author/],
    [{ matchers: { team: 'eng' }, durationMs: 0, comment: 'x', by: 'alice' }, /durationMs must be/],
    [{ matchers: { team: 'eng' }, durationMs: 31 * 24 * 60 * MINUTE, comment: 'x', by: 'alice' }, /durationMs must be/],
  ])('refuse a bad request with bad_request (%#)', (request, message) => {
    let caught: unknown;
    try {
      book.addSilence(request);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'bad_request', status: 400, message: expect.stringMatching(message) });
  });
});

describe('escalation', () => {
  it('escalates a critical alert still firing 15 minutes after it opened, once', () => {
    book.signals([revoked('c-1'), export1()]);
    expect(advance(14 * MINUTE)).toEqual([]);
    expect(transitions(advance(MINUTE))).toEqual([['alert-1', 'escalated', 'firing']]);
    expect(advance(60 * MINUTE)).toEqual([]);
  });

  it('does not escalate an acknowledged or silenced one; a silence that ends lets it escalate', () => {
    book.signals([revoked('c-1'), revoked('c-2')]);
    now += 1000;
    book.acknowledge('alert-1', { by: 'alice', note: '' });
    book.addSilence({ matchers: { collector: 'c-2' }, durationMs: 20 * MINUTE, comment: 'known', by: 'alice' });
    expect(advance(19 * MINUTE)).toEqual([]);
    // One event per alert per second: the escalation follows its unsilencing a second later.
    expect(transitions(advance(MINUTE))).toEqual([['alert-2', 'unsilenced', 'firing']]);
    expect(transitions(advance(1000))).toEqual([['alert-2', 'escalated', 'firing']]);
    expect(book.get('alert-2')?.silenced).toBe(false);
  });
});

describe('state', () => {
  it('round-trips through JSON and carries on identically', () => {
    const script = (target: AlertBook, signals: AlertSignal[]) => signals.flatMap((signal) => target.signal(signal));
    book.signals([revoked('c-1'), spike(), export1()]);
    book.acknowledge('alert-3', { by: 'alice', note: 'n' });
    book.addSilence({ matchers: { rule: 'volume_spike' }, durationMs: 5 * MINUTE, comment: 'deploy', by: 'bob' });
    now += 300;
    book.signal(revoked('c-1')); // held back by coalescing: the pending event must survive the restart
    const copy = new AlertBook({ now: () => now });
    copy.load(JSON.parse(JSON.stringify(book.snapshot())));
    expect(copy.snapshot()).toEqual(book.snapshot());
    now += 2000;
    expect(copy.tick()).toEqual(book.tick());
    const more: AlertSignal[] = [spikeCleared(), revoked('c-3'), raise('collector_silent' as AlertRuleName, { team: 'eng', collector: 'c-3' }, 's', now)];
    expect(script(copy, more)).toEqual(script(book, more));
    now += 60 * MINUTE;
    expect(copy.tick()).toEqual(book.tick());
    expect(copy.snapshot()).toEqual(book.snapshot());
  });

  it('refuses a state that is not valid, changing nothing', () => {
    book.signal(revoked('c-1'));
    const before = book.snapshot();
    const duplicate = structuredClone(before);
    duplicate.records.push({ ...structuredClone(before.records[0]!), alert: { ...before.records[0]!.alert, id: 'alert-2' } });
    expect(() => book.load(duplicate)).toThrow(/two open alerts/);
    expect(() => book.load({ ...before, version: 3 })).toThrow(/alert book state is not valid at \/version/);
    expect(book.snapshot()).toEqual(before);
  });

  it('keeps only the newest resolved alerts (the event stream has the rest)', () => {
    book = new AlertBook({ now: () => now, settings: { maxResolvedKept: 3 } });
    for (let i = 0; i < 6; i++) {
      book.signal(revoked(`c-${i}`));
      book.resolve(`alert-${i + 1}`, { by: 'alice', note: '' });
    }
    advance(2000);
    expect(book.alerts().map((alert) => alert.id)).toEqual(['alert-6', 'alert-5', 'alert-4']);
  });
});

describe('a condition raise that waits for a person (source_down reporting lost data)', () => {
  const down = () => raise('source_down', { stream: 'kw:*' }, 'not read for 12 s', now);
  const downCleared = () => clear('source_down', { stream: 'kw:*' }, 'read again', now);
  const lost = () => raiseForPerson('source_down', { stream: 'kw:*' }, 'Redis came back without its data', now);

  it('never resolves by itself, opened that way or turned that way', () => {
    book.signal(lost());
    book.signal(downCleared());
    advance(24 * 60 * MINUTE);
    expect(book.get('alert-1')).toMatchObject({ state: 'firing' });

    book.signal(down());
    expect(book.openAlerts()).toHaveLength(1);
    book.resolve('alert-1', { by: 'alice', note: 'restored the backup' });
    book.signal(down());
    book.signal(lost());
    book.signal(downCleared());
    advance(24 * 60 * MINUTE);
    expect(book.get('alert-2')).toMatchObject({ state: 'firing', summary: 'Redis came back without its data' });
  });

  it('an ordinary source_down still resolves once cleared', () => {
    book.signal(down());
    book.signal(downCleared());
    advance(book.settings.autoResolveMs + 1000);
    expect(book.get('alert-1')).toMatchObject({ state: 'resolved' });
  });
});
