import { describe, expect, it } from 'vitest';
import { emptyPoint } from '../../../shared/points.js';
import type { OverviewFullPoint, OverviewPoint } from '../../../shared/overview.js';
import { SeriesBuffer, SlotKind, WINDOW_SECONDS } from './series-buffer.js';

const T0 = 1_700_000_000_000; // a whole second, ms

function point(second: number, events: number, extra: Partial<OverviewFullPoint> = {}): OverviewFullPoint {
  return { ...emptyPoint(T0 + second * 1000), events, keys: events, ...extra };
}

function eventsColumn(buffer: SeriesBuffer): (number | null)[] {
  return buffer.frame().columns.events;
}

describe('SeriesBuffer', () => {
  it('keeps one point per second, oldest first, in seconds for the chart', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 5), point(1, 6), point(2, 7)]);
    const frame = buffer.frame();
    expect(frame.t).toEqual([T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2]);
    expect(frame.columns.events).toEqual([5, 6, 7]);
    expect(frame.kinds).toEqual([SlotKind.full, SlotKind.full, SlotKind.full]);
  });

  it('replaces a point with the same t instead of adding one', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 5), point(1, 6)]);
    buffer.merge([point(1, 60), point(1, 61)]);
    expect(eventsColumn(buffer)).toEqual([5, 61]);
  });

  it('accepts points out of order and lets late data correct the past', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 1)]);
    buffer.merge([point(3, 4), point(1, 2)]);
    expect(eventsColumn(buffer)).toEqual([1, 2, null, 4]);
    buffer.merge([point(2, 3), point(0, 10)]);
    expect(eventsColumn(buffer)).toEqual([10, 2, 3, 4]);
  });

  it('turns a gap into null in every column, never zero', () => {
    const buffer = new SeriesBuffer();
    const gap: OverviewPoint = { t: T0 + 1000, gap: true };
    buffer.replaceAll([point(0, 5, { collectors: 3 }), gap, point(2, 0)]);
    const frame = buffer.frame();
    for (const column of Object.values(frame.columns)) expect(column[1]).toBeNull();
    expect(frame.columns.collectors).toEqual([3, null, 0]);
    expect(frame.columns.events[2]).toBe(0); // a read second with nothing in it is zero
    expect(frame.kinds[1]).toBe(SlotKind.gap);
  });

  it('treats a suppressed point as unknown too', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 5), { t: T0 + 1000, suppressed: true }]);
    expect(eventsColumn(buffer)).toEqual([5, null]);
    expect(buffer.at(T0 + 1000).kind).toBe(SlotKind.suppressed);
  });

  it('a later full point fills a gap that late data explains', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 5), { t: T0 + 1000, gap: true }, point(2, 5)]);
    buffer.merge([point(1, 9)]);
    expect(eventsColumn(buffer)).toEqual([5, 9, 5]);
  });

  it('flattens redaction reasons into their own columns', () => {
    const buffer = new SeriesBuffer();
    const red = { password: 1, email: 2, phone: 3, card: 4, credential: 5, govid: 6, other: 7 };
    buffer.replaceAll([point(0, 100, { redacted: 28, red })]);
    const { columns } = buffer.frame();
    expect(columns['red.password']).toEqual([1]);
    expect(columns['red.other']).toEqual([7]);
    expect(columns.redacted).toEqual([28]);
  });

  it('holds exactly the last 900 seconds', () => {
    const buffer = new SeriesBuffer();
    const points = Array.from({ length: 1000 }, (_, second) => point(second, second));
    buffer.replaceAll(points);
    const frame = buffer.frame();
    expect(frame.t).toHaveLength(WINDOW_SECONDS);
    expect(frame.columns.events[0]).toBe(100);
    expect(frame.columns.events.at(-1)).toBe(999);
  });

  it('moves the window forward on new seconds and drops what falls out of it', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll(Array.from({ length: WINDOW_SECONDS }, (_, second) => point(second, 1)));
    buffer.merge([point(WINDOW_SECONDS + 9, 2)]); // ten seconds later, nine of them missing
    const frame = buffer.frame();
    expect(frame.t).toHaveLength(WINDOW_SECONDS);
    expect(frame.t[0]).toBe(T0 / 1000 + 10);
    expect(frame.columns.events.slice(-10)).toEqual([null, null, null, null, null, null, null, null, null, 2]);
    // a correction for a second already out of the window is ignored
    buffer.merge([point(5, 99)]);
    expect(buffer.frame().columns.events).not.toContain(99);
    expect(buffer.at(T0 + 5000).kind).toBe(SlotKind.empty);
  });

  it('starts over after a jump longer than the window', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 1), point(1, 1)]);
    buffer.merge([point(5000, 3)]);
    expect(buffer.frame().t).toEqual([T0 / 1000 + 5000]);
  });

  it('a snapshot replaces everything held', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 1), point(1, 1), point(2, 1)]);
    buffer.replaceAll([point(1, 7)]);
    expect(buffer.frame().t).toEqual([T0 / 1000 + 1]);
    expect(eventsColumn(buffer)).toEqual([7]);
  });

  it('reports the second two before the newest as the latest complete one', () => {
    const buffer = new SeriesBuffer();
    expect(buffer.latestComplete()).toBeNull();
    buffer.replaceAll([point(0, 5), point(1, 6), point(2, 3), point(3, 1)]);
    const latest = buffer.latestComplete();
    expect(latest?.tMs).toBe(T0 + 1000);
    expect(latest?.values?.events).toBe(6);
    buffer.merge([{ t: T0 + 4000, gap: true }, { t: T0 + 5000, gap: true }, { t: T0 + 6000, gap: true }]);
    expect(buffer.latestComplete()?.kind).toBe(SlotKind.gap);
    expect(buffer.latestComplete()?.values).toBeNull();
  });

  it('moves its settled revision only when the seconds the charts draw may have changed', () => {
    const buffer = new SeriesBuffer();
    buffer.replaceAll([point(0, 5), point(1, 6), point(2, 7)]);
    let revision = buffer.settledRevision;

    // The newest two seconds are still filling: updates to them change nothing drawn.
    buffer.merge([point(2, 8)]);
    buffer.merge([point(1, 9)]);
    expect(buffer.settledRevision).toBe(revision);

    // A new second settles the one two before it.
    buffer.merge([point(3, 1)]);
    expect(buffer.settledRevision).not.toBe(revision);
    revision = buffer.settledRevision;

    // A late correction to a settled second, and a gap reported for one, are changes too.
    buffer.merge([point(1, 10)]);
    expect(buffer.settledRevision).not.toBe(revision);
    revision = buffer.settledRevision;
    buffer.merge([{ t: T0, gap: true }]);
    expect(buffer.settledRevision).not.toBe(revision);
    revision = buffer.settledRevision;

    buffer.replaceAll([point(3, 1)]);
    expect(buffer.settledRevision).not.toBe(revision);
  });
});
