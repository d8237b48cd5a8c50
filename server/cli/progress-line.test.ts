import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressLine, RateWindow } from './progress-line.js';

/** A writable that keeps what it is given, and says it is a terminal when asked to. */
function fakeOutput(isTTY: boolean) {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  if (isTTY) Object.assign(out, { isTTY: true });
  return { out, text: () => text };
}

describe('ProgressLine on a terminal', () => {
  it('rewrites one line in place, clearing what a longer previous line left', () => {
    const { out, text } = fakeOutput(true);
    const line = new ProgressLine(out);
    expect(line.isTTY).toBe(true);
    line.write('first, rather long');
    line.write('second');
    expect(text()).toBe('\rfirst, rather long\x1b[K\rsecond\x1b[K');
  });

  it('breaks the line once before a message, and not again until something was written in place', () => {
    const { out, text } = fakeOutput(true);
    const line = new ProgressLine(out);
    line.breakLine();
    expect(text()).toBe('');
    line.write('progress');
    line.breakLine();
    line.breakLine();
    expect(text()).toBe('\rprogress\x1b[K\n');
  });

  it('leaves the last progress line visible and writes the summary below it', () => {
    const { out, text } = fakeOutput(true);
    const line = new ProgressLine(out);
    line.write('progress');
    line.finish('summary');
    expect(text()).toBe('\rprogress\x1b[K\nsummary\n');
  });
});

describe('ProgressLine in a log (not a terminal)', () => {
  it('writes each line on its own, with no terminal control characters', () => {
    const { out, text } = fakeOutput(false);
    const line = new ProgressLine(out);
    expect(line.isTTY).toBe(false);
    line.write('one');
    line.write('two');
    line.breakLine();
    line.finish('summary');
    expect(text()).toBe('one\ntwo\nsummary\n');
  });
});

describe('RateWindow', () => {
  it('gives the rate since the start while the window is not yet full', () => {
    const rate = new RateWindow(5_000, 0);
    expect(rate.add(100, 1_000)).toBe(100);
    expect(rate.add(300, 2_000)).toBe(150);
  });

  it('averages over the last window only, so an early burst stops counting', () => {
    const rate = new RateWindow(5_000, 0);
    rate.add(10_000, 1_000); // the burst
    for (let atMs = 2_000; atMs <= 12_000; atMs += 1_000) rate.add(10_000 + (atMs - 1_000) / 10, atMs);
    // 100 entries a second since the burst; the window spans 5 to 6 s of it.
    expect(rate.add(11_200, 13_000)).toBeCloseTo(100, 5);
  });

  it('does not divide by zero when two samples share a millisecond', () => {
    const rate = new RateWindow(5_000, 1_000);
    expect(rate.add(5, 1_000)).toBe(5_000);
  });

  it('counts elapsed seconds from the start, never zero', () => {
    const rate = new RateWindow(5_000, 1_000);
    expect(rate.elapsedSeconds(3_500)).toBe(2.5);
    expect(rate.elapsedSeconds(1_000)).toBe(0.001);
  });
});
