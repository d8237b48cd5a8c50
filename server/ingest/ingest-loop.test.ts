import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryOverviewStore } from '../overview/memory-overview-store.js';
import { IngestLoop, type SourceStatus } from './ingest-loop.js';
import { MemoryStreamSource } from './memory-stream-source.js';
import { MemoryStreams } from './memory-streams.js';
import type { SourceRead, StreamSource } from './stream-source.js';

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
});
