import { describe, expect, it } from 'vitest';
import { MemoryStreams } from '../ingest/memory-streams.js';
import { MemoryOverviewStore } from './memory-overview-store.js';
import { OverviewFeed, SNAPSHOT_SPAN_MS } from './overview-feed.js';

function setup(now: { ms: number }, sourceUp: { up: boolean }) {
  const store = new MemoryOverviewStore({
    streams: new MemoryStreams(), prefix: 'kw:', group: 'g', consumer: 'c', historyMs: 20 * 60_000, dlqMaxLength: 10, now: () => now.ms,
  });
  const feed = new OverviewFeed({ store, isSourceUp: () => sourceUp.up, now: () => now.ms });
  return { store, feed };
}

const emptyCommit = { acks: { collect: [], security: [] }, seconds: [], teamMinutes: [], collectorMinutes: [], counters: {}, deadLetters: [], finalBeforeMs: 0 };

describe('OverviewFeed', () => {
  it('snapshots 15 minutes, a point per second, gaps where the source was not read', async () => {
    const now = { ms: 1_700_000_100_500 };
    const { store, feed } = setup(now, { up: true });
    await store.commit({ ...emptyCommit, coverage: { fromMs: now.ms - 3000, toMs: now.ms } });
    await feed.load();
    const points = feed.snapshot().points;
    expect(points).toHaveLength(SNAPSHOT_SPAN_MS / 1000);
    expect(points.at(-1)).toMatchObject({ t: 1_700_000_100_000, events: 0 });
    expect(points.at(-4)).toMatchObject({ t: 1_700_000_097_000, events: 0 });
    expect(points.at(-5)).toEqual({ t: 1_700_000_096_000, gap: true });
  });

  it('pushes the seconds a commit changed, and gaps for the seconds that pass while the source is down', async () => {
    const now = { ms: 1_700_000_100_500 };
    const sourceUp = { up: true };
    const { store, feed } = setup(now, sourceUp);
    await feed.load();
    expect(await feed.tick()).toBeNull();
    await store.commit({ ...emptyCommit, coverage: { fromMs: now.ms - 1000, toMs: now.ms } });
    expect((await feed.tick())?.points.map((point) => point.t)).toEqual([1_700_000_099_000, 1_700_000_100_000]);

    sourceUp.up = false;
    now.ms += 3000;
    const update = await feed.tick();
    expect(update?.points).toEqual([
      { t: 1_700_000_101_000, gap: true }, { t: 1_700_000_102_000, gap: true }, { t: 1_700_000_103_000, gap: true },
    ]);
    expect(feed.snapshot().points.at(-1)).toEqual({ t: 1_700_000_103_000, gap: true });
    // The backlog read after recovery replaces the gaps.
    sourceUp.up = true;
    await store.commit({ ...emptyCommit, coverage: { fromMs: now.ms - 3000, toMs: now.ms } });
    const filled = await feed.tick();
    expect(filled?.points.map((point) => [point.t, 'gap' in point])).toEqual([[1_700_000_101_000, false], [1_700_000_102_000, false], [1_700_000_103_000, false]]);
  });

  it('keeps the changes of a tick whose read failed for the next tick', async () => {
    const now = { ms: 1_700_000_100_500 };
    const { store, feed } = setup(now, { up: true });
    await feed.load();
    await store.commit({ ...emptyCommit, coverage: { fromMs: now.ms - 1000, toMs: now.ms } });
    const readSeconds = store.readSeconds.bind(store);
    store.readSeconds = () => Promise.reject(new Error('store unreachable'));
    await expect(feed.tick()).rejects.toThrow('store unreachable');
    store.readSeconds = readSeconds;
    expect((await feed.tick())?.points.map((point) => point.t)).toEqual([1_700_000_099_000, 1_700_000_100_000]);
  });
});
