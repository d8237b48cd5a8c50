import { describe, expect, it } from 'vitest';
import { FrameBatcher } from './frame-batcher.js';

describe('FrameBatcher', () => {
  it('flushes once per frame no matter how many updates arrived', () => {
    const frames: (() => void)[] = [];
    let flushes = 0;
    const batcher = new FrameBatcher(() => { flushes++; }, (callback) => { frames.push(callback); });

    for (let update = 0; update < 50; update++) batcher.request();
    expect(frames).toHaveLength(1);
    expect(flushes).toBe(0);

    frames.shift()!();
    expect(flushes).toBe(1);

    batcher.request();
    batcher.request();
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(flushes).toBe(2);
  });
});
