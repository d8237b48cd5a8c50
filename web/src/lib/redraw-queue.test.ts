import { describe, expect, it } from 'vitest';
import { RedrawQueue } from './redraw-queue.js';

/** A queue on a hand-driven frame clock; `frame()` runs what the next animation frame would. */
function queueWithFrames(): { queue: RedrawQueue; frame: () => void; scheduled: () => number } {
  const frames: (() => void)[] = [];
  const queue = new RedrawQueue((callback) => { frames.push(callback); });
  return { queue, frame: () => frames.shift()?.(), scheduled: () => frames.length };
}

describe('RedrawQueue', () => {
  it('redraws one chart per frame, in the order they asked', () => {
    const { queue, frame } = queueWithFrames();
    const drawn: string[] = [];
    const volume = {};
    const redaction = {};
    queue.request(volume, () => drawn.push('volume'));
    queue.request(redaction, () => drawn.push('redaction'));
    expect(drawn).toEqual([]);
    frame();
    expect(drawn).toEqual(['volume']);
    frame();
    expect(drawn).toEqual(['volume', 'redaction']);
  });

  it('draws only the newest data of a chart asked again before its turn, in its first place', () => {
    const { queue, frame, scheduled } = queueWithFrames();
    const drawn: string[] = [];
    const volume = {};
    const redaction = {};
    queue.request(volume, () => drawn.push('volume 1'));
    queue.request(redaction, () => drawn.push('redaction 1'));
    queue.request(volume, () => drawn.push('volume 2'));
    expect(scheduled()).toBe(1);
    frame();
    frame();
    frame();
    expect(drawn).toEqual(['volume 2', 'redaction 1']);
    expect(scheduled()).toBe(0);
  });

  it('forgets a cancelled chart, and keeps going after a redraw that throws', () => {
    const { queue, frame } = queueWithFrames();
    const drawn: string[] = [];
    const gone = {};
    const failing = {};
    const volume = {};
    queue.request(gone, () => drawn.push('gone'));
    queue.request(failing, () => { throw new Error('destroyed'); });
    queue.request(volume, () => drawn.push('volume'));
    queue.cancel(gone);
    expect(() => frame()).toThrow('destroyed');
    frame();
    expect(drawn).toEqual(['volume']);
  });
});
