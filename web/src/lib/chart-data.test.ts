import { describe, expect, it } from 'vitest';
import { emptyPoint } from '../../../shared/points.js';
import { recentFrame, redactionColumns, settledFrame, stack, unknownRuns, volumeColumns } from './chart-data.js';
import { SeriesBuffer, SlotKind } from './series-buffer.js';

describe('stack', () => {
  it('sums columns bottom-up and keeps unknown seconds unknown', () => {
    expect(stack([[1, null, 3], [10, null, 30], [100, 5, 300]])).toEqual([
      [1, null, 3],
      [11, null, 33],
      [111, null, 333],
    ]);
  });
});

describe('chart columns', () => {
  const buffer = new SeriesBuffer();
  const base = emptyPoint(1_700_000_000_000);
  buffer.replaceAll([
    { ...base, events: 200, keys: 100, clicks: 20, moves: 70, scrolls: 10, redacted: 36, red: { ...base.red, password: 20, email: 10 } }, // 6 without a reason
    { t: base.t + 1000, gap: true },
    { ...emptyPoint(base.t + 2000) },
  ]);
  const frame = buffer.frame();

  it('stacks volume keys, clicks, moves, scrolls and keeps raw values for the legend', () => {
    const volume = volumeColumns(frame);
    expect(volume.raw.map((column) => column[0])).toEqual([100, 20, 70, 10]);
    expect(volume.stacked.map((column) => column[0])).toEqual([100, 120, 190, 200]);
    expect(volume.stacked.map((column) => column[1])).toEqual([null, null, null, null]);
    expect(volume.stacked.map((column) => column[2])).toEqual([0, 0, 0, 0]);
  });

  it('gives the redaction rate per reason as % of events; a second without events has no rate', () => {
    const redaction = redactionColumns(frame);
    expect(redaction.raw[0]).toEqual([10, null, null]); // password: 20 of 200
    expect(redaction.raw[1]).toEqual([5, null, null]); // email: 10 of 200
    expect(redaction.stacked.at(-1)?.[0]).toBe(15); // the top of the stack: 30 of 200 have a reason
    expect(redaction.overlay).toEqual([18, null, null]); // 36 of 200 redacted in all
  });
});

describe('settledFrame', () => {
  it('leaves out the newest two seconds, which are still filling', () => {
    const buffer = new SeriesBuffer();
    const t = 1_700_000_000_000;
    buffer.replaceAll([10, 11, 12, 6, 1].map((events, i) => ({ ...emptyPoint(t + i * 1000), events })));
    const settled = settledFrame(buffer.frame());
    expect(settled.t).toEqual([t / 1000, t / 1000 + 1, t / 1000 + 2]);
    expect(settled.columns.events).toEqual([10, 11, 12]);
    expect(settledFrame(new SeriesBuffer().frame()).t).toEqual([]);
  });
});

describe('recentFrame', () => {
  it('keeps the newest seconds of the window, all of it when shorter', () => {
    const buffer = new SeriesBuffer();
    const t = 1_700_000_000_000;
    buffer.replaceAll([1, 2, 3, 4].map((events, i) => ({ ...emptyPoint(t + i * 1000), events })));
    const frame = buffer.frame();
    const recent = recentFrame(frame, 2);
    expect(recent.t).toEqual([t / 1000 + 2, t / 1000 + 3]);
    expect(recent.columns.events).toEqual([3, 4]);
    expect(recent.kinds).toEqual([SlotKind.full, SlotKind.full]);
    expect(recentFrame(frame, 60)).toBe(frame);
  });
});

describe('unknownRuns', () => {
  it('finds the runs of seconds without figures, named by their first kind', () => {
    const { full, gap, suppressed, empty } = SlotKind;
    expect(unknownRuns([gap, gap, full, full, suppressed, full, empty, gap])).toEqual([
      { from: 0, to: 1, kind: gap },
      { from: 4, to: 4, kind: suppressed },
      { from: 6, to: 7, kind: empty },
    ]);
    expect(unknownRuns([full, full])).toEqual([]);
  });
});
