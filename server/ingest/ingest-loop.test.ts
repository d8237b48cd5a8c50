import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryOverviewStore } from '../overview/memory-overview-store.js';
import { IngestLoop, type SourceStatus } from './ingest-loop.js';
import { MemoryStreamSource } from './memory-stream-source.js';
import { MemoryStreams } from './memory-streams.js';
import type { ClassifiedEntry } from './classify.js';
import type { SourceRead, StreamSource } from './stream-source.js';
import type { CommitOutcome, IngestCommit, OverviewStore } from '../overview/overview-store.js';

const log = pino({ level: 'silent' });

function collect(ts: number, keys: number): string[] {
  return ['v', '1', 'ts', String(ts), 'collector', 'c-1', 'subject', 's-1', 'team', 't', 'app', 'ide', 'keys', String(keys), 'redacted', '0', 'consent', 'granted'];
}

function embedded() {
  const streams = new MemoryStreams();
  const common = { streams, prefix: 'kw:', group: 'keywatch', consumer: 'c' };
  const source = new MemoryStreamSource(common);
  const store = new MemoryOverviewStore({ ...common, historyMs: 20 * 60_000, dlqMaxLength: 100 });
  return { streams, source, store };
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never held');
}

describe('IngestLoop', () => {
  it('applies good entries around a flood of bad ones without stalling', async () => {
    const { streams, source, store } = embedded();
    const loop = new IngestLoop({ source, store, prefix: 'kw:', latenessMs: 10_000, log, batchSize: 50, blockMs: 20 });
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    const ts = Date.now();
    const entries: string[][] = [];
    for (let index = 0; index < 500; index++) entries.push(index % 5 === 0 ? collect(ts, 3) : ['v', '1', 'ts', 'garbage', 'x'.repeat(10_000), 'y']);
    await streams.append('kw:collect', entries, 10_000);
    const second = Math.floor(ts / 1000) * 1000;
    await until(async () => (await store.readSeconds([second])).get(second)?.keys === 300);
    expect(await store.counters()).toMatchObject({ accepted_collect: 100, rejected_type: 400 });
    stop.abort();
    await running;
  });

  it('reports the source down when reads fail, and up again once they succeed', async () => {
    const { source, store } = embedded();
    let failing = true;
    const flaky: StreamSource = {
      mode: 'embedded',
      open: () => (failing ? Promise.reject(new Error('connection refused')) : source.open()),
      read: (count, blockMs): Promise<SourceRead> => (failing ? Promise.reject(new Error('connection refused')) : source.read(count, blockMs)),
      close: () => source.close(),
    };
    const loop = new IngestLoop({ source: flaky, store, prefix: 'kw:', latenessMs: 10_000, log, blockMs: 20 });
    const seen: SourceStatus[] = [];
    loop.onStatus((status) => seen.push(status));
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await until(() => seen.some((status) => status.source === 'down' && status.reason === 'connection refused'));
    failing = false;
    await until(() => loop.status.source === 'up');
    stop.abort();
    await running;
    expect(seen.at(-1)?.source).toBe('up');
  });

  /**
   * A store whose commits wait until released (or go through at once after `passAll`), so
   * that the test sees what is in flight; `mostInFlight` is the most ever unanswered at once.
   */
  function heldCommits(store: OverviewStore) {
    const waiting: { commit: IngestCommit; release: (fail?: Error) => void }[] = [];
    const state = { passing: false, inFlight: 0, mostInFlight: 0 };
    const held: OverviewStore = Object.create(store);
    held.commit = (commit) => {
      state.mostInFlight = Math.max(state.mostInFlight, ++state.inFlight);
      const answered = <T>(value: T): T => {
        state.inFlight -= 1;
        return value;
      };
      if (state.passing) return store.commit(commit).then(answered);
      return new Promise<CommitOutcome>((resolve, reject) => {
        waiting.push({ commit, release: (fail) => (fail ? reject(answered(fail)) : store.commit(commit).then(answered).then(resolve, reject)) });
      });
    };
    const passAll = (): void => {
      state.passing = true;
      for (const entry of waiting.splice(0)) entry.release();
    };
    return { held, waiting, state, passAll };
  }

  const keysOf = (entries: readonly ClassifiedEntry[]): number[] => entries.map((entry) => (entry.kind === 'point' ? entry.entry.keys : -1));
  const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('sends the next batch\'s commit while one is in Redis, handles their outcomes in order, and keeps the watermark behind the data', async () => {
    const { streams, source, store } = embedded();
    const { held, waiting, state, passAll } = heldCommits(store);
    const appliedBatches: number[][] = [];
    const loop = new IngestLoop({
      source, store: held, prefix: 'kw:', latenessMs: 10_000, log, batchSize: 10, blockMs: 20,
      onApplied: (entries) => appliedBatches.push(keysOf(entries)),
    });
    const ts = Date.now();
    await streams.append('kw:collect', Array.from({ length: 30 }, (_, index) => collect(ts, index + 1)), 10_000);
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await until(() => waiting.length === 2);
    // Two commits out, neither answered: no third is sent, and the watermark has not moved.
    await sleepMs(50);
    expect(waiting).toHaveLength(2);
    expect(loop.watermarkMs).toBeNull();
    // The second answers first: its outcome waits for the first's.
    const [first, second] = waiting.splice(0);
    second!.release();
    await sleepMs(20);
    expect(appliedBatches).toEqual([]);
    expect(loop.watermarkMs).toBeNull();
    first!.release();
    await until(() => appliedBatches.length === 2);
    expect(appliedBatches.map((keys) => keys[0])).toEqual([1, 11]);
    expect(loop.watermarkMs).toBe(second!.commit.coverage?.toMs);
    passAll();
    await until(() => appliedBatches.flat().length === 30);
    stop.abort();
    await running;
    expect(appliedBatches.flat()).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    expect(state.mostInFlight).toBe(2);
    expect(await store.counters()).toMatchObject({ accepted_collect: 30 });
  });

  it('still hears of a batch that went through when the one before it failed, and re-reads the failed one', async () => {
    const { streams, source, store } = embedded();
    const { held, waiting, passAll } = heldCommits(store);
    const applied: number[] = [];
    const loop = new IngestLoop({
      source, store: held, prefix: 'kw:', latenessMs: 10_000, log, batchSize: 10, blockMs: 20,
      onApplied: (entries) => applied.push(...keysOf(entries)),
    });
    const ts = Date.now();
    await streams.append('kw:collect', Array.from({ length: 20 }, (_, index) => collect(ts, index + 1)), 10_000);
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await until(() => waiting.length === 2);
    const [first, second] = waiting.splice(0);
    second!.release();
    first!.release(new Error('connection lost'));
    await until(() => loop.status.reason === 'connection lost');
    expect(applied).toEqual(Array.from({ length: 10 }, (_, index) => index + 11));
    // After re-opening, the failed batch is read again from the pending entries, and only it.
    passAll();
    await until(() => applied.length === 20);
    await sleepMs(50);
    stop.abort();
    await running;
    expect([...applied].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(await store.counters()).toMatchObject({ accepted_collect: 20 });
  });

  it('sees a lone entry through at once on an idle stream, without waiting for the next read', async () => {
    const { streams, source, store } = embedded();
    let appliedAt = 0;
    const loop = new IngestLoop({ source, store, prefix: 'kw:', latenessMs: 10_000, log, blockMs: 1000, onApplied: () => (appliedAt = Date.now()) });
    const stop = new AbortController();
    const running = loop.run(stop.signal);
    await until(() => loop.status.source === 'up');
    const writtenAt = Date.now();
    await streams.append('kw:collect', [collect(writtenAt, 1)], 10_000);
    await until(() => appliedAt > 0);
    expect(appliedAt - writtenAt).toBeLessThan(500);
    stop.abort();
    await running;
  });
});
