import { describe, expect, it } from 'vitest';
import { parseCollectEntry, parseSecurityEntry, type CollectEntry } from '../../shared/contract/index.js';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import { Simulator, type SimulatorOptions } from './simulator.js';

const START_MS = Date.UTC(2025, 2, 3, 9, 0, 0);
const LATENESS_MS = 10_000;

interface Written {
  fields: FieldList;
  arrivalMs: number;
}

/** Keeps what is appended, stamped with the (fake) time of the step that wrote it. */
class RecordingWriter implements StreamWriter {
  readonly streams = new Map<string, Written[]>();
  readonly maxLengths = new Set<number>();
  appendCalls = 0;
  nowMs = START_MS;

  async append(stream: string, entries: readonly FieldList[], maxLength: number): Promise<string[]> {
    this.appendCalls++;
    this.maxLengths.add(maxLength);
    const list = this.streams.get(stream) ?? [];
    this.streams.set(stream, list);
    for (const fields of entries) list.push({ fields, arrivalMs: this.nowMs });
    return entries.map((_, index) => `${this.nowMs}-${list.length - entries.length + index}`);
  }

  of(stream: string): Written[] {
    return this.streams.get(stream) ?? [];
  }
}

async function simulate(options: Partial<SimulatorOptions>, durationMs: number, tickMs = 250) {
  const writer = new RecordingWriter();
  const simulator = new Simulator(writer, {
    collectors: 50, anomalies: false, clock: '10:30', seed: 7, now: () => START_MS, ...options,
  });
  for (let nowMs = START_MS + tickMs; nowMs <= START_MS + durationMs; nowMs += tickMs) {
    writer.nowMs = nowMs;
    await simulator.step(nowMs);
  }
  return { writer, simulator };
}

function isLate(entry: CollectEntry, arrivalMs: number): boolean {
  const secondEndMs = Math.floor(entry.ts / 1000) * 1000 + 1000;
  return arrivalMs - secondEndMs > LATENESS_MS;
}

describe('Simulator traffic', () => {
  // Ten simulated minutes of a normal working morning, shared by the checks below.
  const run = simulate({}, 10 * 60_000);

  it('writes collect entries that obey the stream contract, apart from the few broken on purpose', async () => {
    const { writer, simulator } = await run;
    const collect = writer.of('kw:collect');
    const security = writer.of('kw:security');
    expect(collect.length).toBeGreaterThan(20_000);
    expect(security.length).toBeGreaterThan(5);

    const rejected = collect.filter(({ fields }) => !parseCollectEntry(fields).ok).length
      + security.filter(({ fields }) => !parseSecurityEntry(fields).ok).length;
    const share = rejected / (collect.length + security.length);
    expect(share).toBeGreaterThanOrEqual(0.002);
    expect(share).toBeLessThanOrEqual(0.005);
    expect(rejected).toBe(simulator.stats.malformed);

    for (const { fields } of collect) {
      const result = parseCollectEntry(fields);
      // Without --anomalies no entry carries a field outside the contract.
      expect(result.unknownFields).toEqual([]);
    }
  });

  it('looks like real collection: typing speed, mouse, corrections, redactions by reason, consent and tls', async () => {
    const { writer } = await run;
    const entries = writer.of('kw:collect').map(({ fields }) => parseCollectEntry(fields))
      .flatMap((result) => (result.ok ? [result.entry] : []));
    const typing = entries.filter((entry) => entry.keys > 0 && entry.dur === 1000);
    const keys = typing.reduce((sum, entry) => sum + entry.keys, 0);
    expect(keys / typing.length).toBeGreaterThan(3);
    expect(keys / typing.length).toBeLessThan(8);
    const totals = { keys: 0, moves: 0, corrections: 0 };
    const byReason: Record<string, number> = {};
    for (const entry of entries) {
      totals.keys += entry.keys;
      totals.moves += entry.moves;
      totals.corrections += entry.corrections;
      for (const [reason, count] of Object.entries(entry.red)) byReason[reason] = (byReason[reason] ?? 0) + count;
    }
    expect(totals.moves).toBeGreaterThan(5 * totals.keys);
    expect(totals.corrections / totals.keys).toBeGreaterThan(0.05);
    expect(totals.corrections / totals.keys).toBeLessThan(0.1);
    for (const reason of ['password', 'email', 'phone', 'credential']) expect(byReason[reason]).toBeGreaterThan(0);
    expect(entries.filter((entry) => entry.consent === 'granted').length / entries.length).toBeGreaterThan(0.99);
    expect(entries.every((entry) => entry.tls)).toBe(true);
    expect(entries.every((entry) => entry.redacted <= entry.keys + entry.clicks + entry.moves + entry.scrolls)).toBe(true);
  });

  it('models an organisation: about 8 id-like teams, pseudonymous collectors mostly with one subject each', async () => {
    const { writer, simulator } = await run;
    const entries = writer.of('kw:collect').map(({ fields }) => parseCollectEntry(fields))
      .flatMap((result) => (result.ok ? [result.entry] : []));
    const teams = new Set(entries.map((entry) => entry.team));
    expect(teams.size).toBeGreaterThanOrEqual(7);
    for (const team of teams) expect(team).toMatch(/^[a-z]+-[a-z]+$/);
    expect(new Set(entries.map((entry) => entry.app))).toEqual(new Set(['ide', 'browser', 'terminal', 'chat', 'email', 'office', 'other']));
    for (const collector of simulator.population.collectors) expect(collector.id).toMatch(/^c-[0-9a-f]{6}$/);
    const singleSubject = simulator.population.collectors.filter((collector) => collector.subjects.length === 1).length;
    expect(singleSubject / simulator.population.collectors.length).toBeGreaterThan(0.8);
    expect(new Set(entries.map((entry) => entry.subject)).size).toBeGreaterThanOrEqual(40);
  });

  it('sends a few entries late, skews some clocks by under a second, and never looks skewed', async () => {
    const { writer } = await run;
    let late = 0;
    let ahead = 0;
    let ok = 0;
    for (const { fields, arrivalMs } of writer.of('kw:collect')) {
      const result = parseCollectEntry(fields);
      if (!result.ok) continue;
      ok++;
      if (isLate(result.entry, arrivalMs)) late++;
      if (result.entry.ts > arrivalMs) ahead++;
      expect(result.entry.ts - arrivalMs).toBeLessThan(1000);
    }
    expect(late).toBeGreaterThan(0);
    expect(late / ok).toBeLessThan(0.01);
    expect(ahead).toBeGreaterThan(0);
  });

  it('keeps routine security traffic harmless: small exports, single auth failures, no weakening', async () => {
    const { writer } = await run;
    const events = writer.of('kw:security').map(({ fields }) => parseSecurityEntry(fields))
      .flatMap((result) => (result.ok ? [result.entry] : []));
    expect(events.length).toBeGreaterThan(5);
    for (const event of events) {
      expect(['export', 'auth_failure', 'policy_change']).toContain(event.kind);
      if (event.kind === 'export') expect(event.records).toBeLessThanOrEqual(400);
      if (event.kind === 'policy_change') expect(event.detail).not.toMatch(/disabled|removed/);
    }
  });

  it('is reproducible from a seed', async () => {
    const first = await simulate({ seed: 99 }, 20_000);
    const second = await simulate({ seed: 99 }, 20_000);
    expect(second.writer.of('kw:collect').map((written) => written.fields))
      .toEqual(first.writer.of('kw:collect').map((written) => written.fields));
  });
});

describe('Simulator options', () => {
  it('writes --rate entries per second in total, one batched append per stream and tick, passing the producer trim length', async () => {
    const { writer } = await simulate({ rate: 2000, maxLength: 5000, prefix: 'test:' }, 30_000, 200);
    const collect = writer.of('test:collect');
    // The first flushes are spread over one interval, so the first tick holds fewer.
    expect(collect.length).toBeGreaterThan(2000 * 30 * 0.97);
    expect(collect.length).toBeLessThan(2000 * 30 * 1.01);
    expect(writer.appendCalls).toBeLessThanOrEqual(2 * (30_000 / 200));
    expect([...writer.maxLengths]).toEqual([5000]);
    const durs = collect.map(({ fields }) => parseCollectEntry(fields)).flatMap((r) => (r.ok ? [r.entry.dur] : []));
    expect(Math.max(...durs)).toBeLessThan(40);
  });

  it('rejects bad options, naming them', () => {
    const writer = new RecordingWriter();
    const base = { collectors: 5, anomalies: false, clock: '10:30' };
    expect(() => new Simulator(writer, { ...base, collectors: 0 })).toThrow(/collectors/);
    expect(() => new Simulator(writer, { ...base, rate: -1 })).toThrow(/rate/);
    expect(() => new Simulator(writer, { ...base, clock: '25:00' })).toThrow(/HH:MM/);
    expect(() => new Simulator(writer, { ...base, maxLength: 0 })).toThrow(/maxLength/);
  });

  it('stops on a failed write, or drops the tick and goes on when onWriteError says so', async () => {
    class FlakyWriter extends RecordingWriter {
      failuresLeft = 2;
      override async append(stream: string, entries: readonly FieldList[], maxLength: number): Promise<string[]> {
        if (this.failuresLeft > 0) {
          this.failuresLeft--;
          throw new Error('connection lost');
        }
        return super.append(stream, entries, maxLength);
      }
    }
    const options = { collectors: 20, anomalies: false, clock: '10:30', seed: 1, tickMs: 20 };
    await expect(new Simulator(new FlakyWriter(), options).run(new AbortController().signal, 2000)).rejects.toThrow('connection lost');

    const seen: unknown[] = [];
    const writer = new FlakyWriter();
    const stats = await new Simulator(writer, { ...options, onWriteError: (error) => seen.push(error) > 0 })
      .run(new AbortController().signal, 2000);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(stats.writeErrors).toBe(seen.length);
    expect(writer.of('kw:collect').length).toBeGreaterThan(0);
  });

  it('runs in real time until the duration ends or the signal aborts', async () => {
    const writer = new RecordingWriter();
    const simulator = new Simulator(writer, { collectors: 20, anomalies: false, clock: '10:30', seed: 1, tickMs: 50 });
    const began = Date.now();
    const stats = await simulator.run(new AbortController().signal, 1200);
    expect(Date.now() - began).toBeLessThan(3000);
    expect(stats.collectEntries).toBeGreaterThan(0);

    const controller = new AbortController();
    const running = new Simulator(writer, { collectors: 20, anomalies: false, clock: '10:30', seed: 1, tickMs: 50 })
      .run(controller.signal);
    setTimeout(() => controller.abort(), 300);
    const stopped = Date.now();
    await running;
    expect(Date.now() - stopped).toBeLessThan(1500);
  });
});
