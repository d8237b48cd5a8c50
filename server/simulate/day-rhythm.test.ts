import { describe, expect, it } from 'vitest';
import { parseCollectEntry, type CollectEntry } from '../../shared/contract/index.js';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import { DAY_MS, formatClock, parseClock, SimulatedClock } from './day-rhythm.js';
import { Simulator } from './simulator.js';

const START_MS = Date.UTC(2025, 2, 3, 14, 7, 12);

/** Collects parsed collect entries with the (fake) time they were written. */
class ParsingWriter implements StreamWriter {
  readonly entries: { entry: CollectEntry; arrivalMs: number }[] = [];
  nowMs = START_MS;

  async append(stream: string, entries: readonly FieldList[]): Promise<string[]> {
    if (stream.endsWith('collect')) {
      for (const fields of entries) {
        const result = parseCollectEntry(fields);
        if (result.ok) this.entries.push({ entry: result.entry, arrivalMs: this.nowMs });
      }
    }
    return entries.map(() => '0-1');
  }
}

async function simulateFrom(clock: string, durationMs: number, tickMs = 250): Promise<ParsingWriter> {
  const writer = new ParsingWriter();
  const simulator = new Simulator(writer, { collectors: 50, anomalies: false, clock, seed: 7, now: () => START_MS });
  for (let nowMs = START_MS + tickMs; nowMs <= START_MS + durationMs; nowMs += tickMs) {
    writer.nowMs = nowMs;
    await simulator.step(nowMs);
  }
  return writer;
}

function eventsOf(writer: ParsingWriter): number {
  return writer.entries.reduce((sum, { entry }) => sum + entry.keys + entry.clicks + entry.moves + entry.scrolls, 0);
}

describe('the simulated clock', () => {
  it('parses and formats HH:MM', () => {
    expect(parseClock('10:30')).toBe(10.5 * 3_600_000);
    expect(parseClock('0:05')).toBe(5 * 60_000);
    expect(formatClock(parseClock('23:59'))).toBe('23:59');
    for (const bad of ['24:00', '10:60', '1030', '', 'noon', '10:3']) expect(() => parseClock(bad)).toThrow(/HH:MM/);
  });

  it('advances in real time from the chosen time and wraps at midnight', () => {
    const clock = new SimulatedClock(parseClock('23:59'), START_MS);
    expect(formatClock(clock.msOfDay(START_MS))).toBe('23:59');
    expect(formatClock(clock.msOfDay(START_MS + 90_000))).toBe('00:00');
    expect(clock.msOfDay(START_MS + DAY_MS)).toBe(clock.msOfDay(START_MS));
    // The offset maps a real timestamp to the simulated wall time.
    expect(formatClock((START_MS + clock.offsetFromUtcMs()) % DAY_MS)).toBe('23:59');
  });
});

describe('the working-day rhythm', () => {
  it('is busier at 10:30 than at 03:00, and dips at lunch (12:30)', async () => {
    const [night, morning, lunch] = await Promise.all(['03:00', '10:30', '12:30'].map((clock) => simulateFrom(clock, 5 * 60_000)));
    const nightEvents = eventsOf(night as ParsingWriter);
    const morningEvents = eventsOf(morning as ParsingWriter);
    const lunchEvents = eventsOf(lunch as ParsingWriter);
    expect(morningEvents).toBeGreaterThan(4 * nightEvents);
    expect(lunchEvents).toBeLessThan(0.85 * morningEvents);
    expect(lunchEvents).toBeGreaterThan(nightEvents);
  });

  it('lets each collector start at its own time in the morning', async () => {
    const writer = await simulateFrom('08:00', 60 * 60_000, 1000);
    const firstSeen = new Map<string, number>();
    for (const { entry, arrivalMs } of writer.entries) if (!firstSeen.has(entry.collector)) firstSeen.set(entry.collector, arrivalMs);
    const startMinutes = new Set([...firstSeen.values()].map((ms) => Math.floor((ms - START_MS) / 60_000)));
    expect(startMinutes.size).toBeGreaterThan(10);
    const inMinute = (minute: number) => new Set(writer.entries
      .filter(({ arrivalMs }) => Math.floor((arrivalMs - START_MS) / 60_000) === minute)
      .map(({ entry }) => entry.collector)).size;
    expect(inMinute(59)).toBeGreaterThan(2 * inMinute(0));
  });

  it('ends each working day idle: a collector that stops has stopped typing minutes before', async () => {
    const durationMs = 45 * 60_000;
    const writer = await simulateFrom('17:15', durationMs, 1000);
    const byCollector = new Map<string, { entry: CollectEntry; arrivalMs: number }[]>();
    for (const written of writer.entries) {
      const list = byCollector.get(written.entry.collector) ?? [];
      list.push(written);
      byCollector.set(written.entry.collector, list);
    }
    let stopped = 0;
    for (const list of byCollector.values()) {
      const lastMs = Math.max(...list.map(({ arrivalMs }) => arrivalMs));
      if (lastMs > START_MS + durationMs - 5 * 60_000 || list.length < 300) continue;
      stopped++;
      const lastMinutes = list.filter(({ arrivalMs }) => arrivalMs > lastMs - 2 * 60_000);
      expect(lastMinutes.every(({ entry }) => entry.keys === 0 && entry.clicks === 0)).toBe(true);
    }
    expect(stopped).toBeGreaterThan(3);
  });
});
