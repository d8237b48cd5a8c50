import { describe, expect, it } from 'vitest';
import { EpochWatch, epochStartedAt, type DataLoss } from './epoch-watch.js';
import type { PipelineProbe } from './pipeline-probe.js';

/** A probe whose marker can be wiped, as a Redis restarted without persistence is. */
function wipeableProbe(): { probe: PipelineProbe; wipe(): void } {
  let marker: string | null = null;
  const probe = {
    claimEpoch: async (candidate: string) => (marker ??= candidate),
  } as unknown as PipelineProbe;
  return { probe, wipe: () => (marker = null) };
}

describe('EpochWatch', () => {
  it('reports nothing while the marker stays, and one loss when it is replaced', async () => {
    const { probe, wipe } = wipeableProbe();
    let now = 1_000;
    const watch = new EpochWatch(probe, () => now);
    const heard: DataLoss[] = [];
    watch.onLoss((loss) => heard.push(loss));
    expect(await watch.check()).toBeNull();
    now = 2_000;
    expect(await watch.check()).toBeNull();
    wipe();
    now = 3_000;
    expect(await watch.check()).toEqual({ detectedAt: 3_000, epochStartedAt: 3_000 });
    now = 4_000;
    expect(await watch.check()).toBeNull();
    expect(heard).toEqual([{ detectedAt: 3_000, epochStartedAt: 3_000 }]);
    expect(watch.loss).toEqual(heard[0]);
  });

  it('two instances agree on one marker, and both see a loss', async () => {
    const { probe, wipe } = wipeableProbe();
    const [first, second] = [new EpochWatch(probe, () => 10), new EpochWatch(probe, () => 20)];
    await Promise.all([first.check(), second.check()]);
    wipe();
    expect(await first.check()).not.toBeNull();
    expect(await second.check()).not.toBeNull();
  });

  it('reads the start of an epoch from its marker, and 0 from anything else', () => {
    expect(epochStartedAt('1764470000000-2b7c')).toBe(1764470000000);
    for (const odd of [null, '', 'garbage', '-5-x', '1e3-x', '99999999999999999999-x']) expect(epochStartedAt(odd)).toBe(0);
  });
});
