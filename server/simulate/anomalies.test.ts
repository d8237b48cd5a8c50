import { beforeAll, describe, expect, it } from 'vitest';
import { parseCollectEntry, parseSecurityEntry, type CollectEntry, type SecurityEntry } from '../../shared/contract/index.js';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import { ALL_ANOMALIES_WITHIN_MS, ANOMALY_CASES, FAKE_RAW_MARKER, type AnomalyCase, type AnomalyRecord } from './anomalies.js';
import { Simulator } from './simulator.js';

const START_MS = Date.UTC(2025, 2, 4, 10, 0, 0);
const SILENCE_MS = 5 * 60_000;

interface Written<T> {
  entry: T;
  fields: FieldList;
  arrivalMs: number;
}

class ParsingWriter implements StreamWriter {
  readonly collect: Written<CollectEntry>[] = [];
  /** Collect entries with a raw-looking field outside the contract. */
  readonly rawLooking: Written<CollectEntry>[] = [];
  readonly security: Written<SecurityEntry>[] = [];
  nowMs = START_MS;

  async append(stream: string, entries: readonly FieldList[]): Promise<string[]> {
    for (const fields of entries) {
      if (stream === 'kw:collect') {
        const result = parseCollectEntry(fields);
        if (!result.ok) continue;
        this.collect.push({ entry: result.entry, fields, arrivalMs: this.nowMs });
        if (result.unknownFields.some((field) => field.rawLooking)) {
          this.rawLooking.push({ entry: result.entry, fields, arrivalMs: this.nowMs });
        }
      } else {
        const result = parseSecurityEntry(fields);
        if (result.ok) this.security.push({ entry: result.entry, fields, arrivalMs: this.nowMs });
      }
    }
    return entries.map(() => '0-1');
  }
}

function eventsOf(entry: CollectEntry): number {
  return entry.keys + entry.clicks + entry.moves + entry.scrolls;
}

async function injectedCases(clock: string, durationMs: number): Promise<Simulator> {
  const simulator = new Simulator(new ParsingWriter(), { collectors: 50, anomalies: true, clock, seed: 5, now: () => START_MS });
  for (let nowMs = START_MS + 500; nowMs <= START_MS + durationMs; nowMs += 500) await simulator.step(nowMs);
  return simulator;
}

describe('--anomalies at night', () => {
  it('still starts every case within the same bound at 03:00, when few collectors work', async () => {
    const simulator = await injectedCases('03:00', ALL_ANOMALIES_WITHIN_MS);
    for (const anomaly of ANOMALY_CASES) expect(simulator.stats.anomalies[anomaly], anomaly).toBeGreaterThanOrEqual(1);
  });

  it('injects nothing without --anomalies', async () => {
    const simulator = new Simulator(new ParsingWriter(), { collectors: 50, anomalies: false, clock: '10:30', seed: 5, now: () => START_MS });
    for (let nowMs = START_MS + 500; nowMs <= START_MS + 3 * 60_000; nowMs += 500) await simulator.step(nowMs);
    expect(simulator.stats.anomaliesInjected).toBe(0);
    expect(simulator.recentAnomalies).toEqual([]);
  });
});

describe('--anomalies', () => {
  const writer = new ParsingWriter();
  const simulator = new Simulator(writer, { collectors: 50, anomalies: true, clock: '10:30', seed: 11, now: () => START_MS });
  beforeAll(async () => {
    // Every case starts within ALL_ANOMALIES_WITHIN_MS; a silence needs its five minutes to show.
    const durationMs = ALL_ANOMALIES_WITHIN_MS + SILENCE_MS + 60_000;
    for (let nowMs = START_MS + 250; nowMs <= START_MS + durationMs; nowMs += 250) {
      writer.nowMs = nowMs;
      await simulator.step(nowMs);
    }
  });
  const recordOf = (anomaly: AnomalyCase): AnomalyRecord => {
    const record = simulator.recentAnomalies.find((candidate) => candidate.anomaly === anomaly);
    if (!record) throw new Error(`${anomaly} was never injected`);
    return record;
  };
  const collectIn = (fromMs: number, toMs: number) =>
    writer.collect.filter(({ arrivalMs }) => arrivalMs > fromMs && arrivalMs <= toMs).map(({ entry }) => entry);

  it(`starts every case within ${ALL_ANOMALIES_WITHIN_MS / 60_000} simulated minutes`, () => {
    for (const anomaly of ANOMALY_CASES) {
      expect(simulator.stats.anomalies[anomaly], anomaly).toBeGreaterThanOrEqual(1);
      expect(recordOf(anomaly).atMs - START_MS, anomaly).toBeLessThanOrEqual(ALL_ANOMALIES_WITHIN_MS);
    }
  });

  it('raw_content_in_stream: a raw-looking field on a collect entry, holding only a fake marker', () => {
    const withRaw = writer.rawLooking;
    expect(withRaw.length).toBeGreaterThanOrEqual(1);
    const injectedAt = simulator.recentAnomalies
      .filter((record) => record.anomaly === 'raw_content_in_stream')
      .map((record) => record.labels.collector);
    for (const { fields, entry } of withRaw) {
      expect(fields.at(-1)).toContain(FAKE_RAW_MARKER);
      expect(injectedAt).toContain(entry.collector);
    }
  });

  it('consent_revoked_collection and unencrypted_collection: the collector sends consent=revoked, tls=0', () => {
    const revoked = writer.collect.filter(({ entry }) => entry.consent === 'revoked');
    expect(revoked.length).toBeGreaterThan(0);
    expect(new Set(revoked.map(({ entry }) => entry.collector))).toContain(recordOf('consent_revoked_collection').labels.collector);
    const unencrypted = writer.collect.filter(({ entry }) => !entry.tls);
    expect(new Set(unencrypted.map(({ entry }) => entry.collector))).toContain(recordOf('unencrypted_collection').labels.collector);
  });

  it('dropped_events: the collector drops a large share of its events', () => {
    const record = recordOf('dropped_events');
    const entries = collectIn(record.atMs, record.atMs + record.durationMs).filter((entry) => entry.collector === record.labels.collector);
    const dropped = entries.reduce((sum, entry) => sum + entry.dropped, 0);
    const events = entries.reduce((sum, entry) => sum + eventsOf(entry), 0);
    expect(dropped / (dropped + events)).toBeGreaterThan(0.3);
  });

  it('volume_spike: the team/app carries several times its usual volume', () => {
    const record = recordOf('volume_spike');
    const ofPair = (entry: CollectEntry) => entry.team === record.labels.team && entry.app === record.labels.app;
    const during = collectIn(record.atMs, record.atMs + record.durationMs).filter(ofPair);
    const before = collectIn(START_MS, record.atMs).filter(ofPair);
    const perMinute = (entries: CollectEntry[], ms: number) => entries.reduce((sum, entry) => sum + eventsOf(entry), 0) / (ms / 60_000);
    expect(perMinute(during, record.durationMs)).toBeGreaterThan(4 * perMinute(before, record.atMs - START_MS));
  });

  it('redaction_rate_drop: the team/app redacts far less than before', () => {
    const record = recordOf('redaction_rate_drop');
    const ofPair = (entry: CollectEntry) => entry.team === record.labels.team && entry.app === record.labels.app;
    const rate = (entries: CollectEntry[]) =>
      entries.reduce((sum, entry) => sum + entry.redacted, 0) / Math.max(1, entries.reduce((sum, entry) => sum + eventsOf(entry), 0));
    const during = collectIn(record.atMs, record.atMs + record.durationMs).filter(ofPair);
    const before = collectIn(START_MS, record.atMs).filter(ofPair);
    expect(rate(before)).toBeGreaterThan(0);
    expect(rate(during)).toBeLessThan(0.2 * rate(before));
  });

  it('collector_silent: a busy collector sends nothing for minutes, then comes back', () => {
    const record = recordOf('collector_silent');
    const mine = writer.collect.filter(({ entry }) => entry.collector === record.labels.collector);
    const lastBefore = mine.filter(({ arrivalMs }) => arrivalMs <= record.atMs).at(-1);
    expect(lastBefore).toBeDefined();
    expect(mine.filter(({ arrivalMs }) => arrivalMs > record.atMs + 1000 && arrivalMs <= record.atMs + record.durationMs)).toEqual([]);
    expect(mine.some(({ arrivalMs }) => arrivalMs > record.atMs + record.durationMs)).toBe(true);
    // It stopped mid-activity: it was typing in the minute before.
    expect(mine.filter(({ arrivalMs }) => arrivalMs > record.atMs - 60_000 && arrivalMs <= record.atMs)
      .some(({ entry }) => entry.keys + entry.clicks > 0)).toBe(true);
  });

  it('off_hours_collection: collectors of one team collect actively', () => {
    const record = recordOf('off_hours_collection');
    const collectors = (record.labels.collectors ?? '').split(',');
    const active = collectIn(record.atMs, record.atMs + record.durationMs)
      .filter((entry) => collectors.includes(entry.collector) && eventsOf(entry) > 0);
    expect(new Set(active.map((entry) => entry.collector)).size).toBe(collectors.length);
  });

  it('writes each alarming security event', () => {
    const events = writer.security.map(({ entry }) => entry);
    expect(events.some((e) => e.kind === 'raw_access' && e.outcome === 'allowed')).toBe(true);
    const deniedBy = new Map<string, number>();
    for (const e of events) if (e.kind === 'raw_access' && e.outcome === 'denied') deniedBy.set(e.actor, (deniedBy.get(e.actor) ?? 0) + 1);
    expect(Math.max(0, ...deniedBy.values())).toBeGreaterThanOrEqual(10);
    expect(events.some((e) => e.kind === 'export' && e.records >= 100_000)).toBe(true);
    const failuresBy = new Map<string, number>();
    for (const e of events) if (e.kind === 'auth_failure') failuresBy.set(`${e.actor}@${e.source}`, (failuresBy.get(`${e.actor}@${e.source}`) ?? 0) + 1);
    expect(Math.max(0, ...failuresBy.values())).toBeGreaterThanOrEqual(10);
    expect(events.some((e) => e.kind === 'policy_change' && e.detail === 'redaction_disabled')).toBe(true);
    expect(events.some((e) => e.kind === 'collector_tamper')).toBe(true);
    expect(events.some((e) => e.kind === 'retention_breach')).toBe(true);
  });
});
