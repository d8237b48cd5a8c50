import fc from 'fast-check';
import { expect, it } from 'vitest';
import { emptyPoint, type OverviewData, type OverviewPoint } from '../../shared/overview.js';
import { mergeOverviewUpdates } from './overview-channel.js';

const counts = { critical: 0, high: 0, warning: 0, info: 0 };
const point = fc.record({ t: fc.integer({ min: 0, max: 20 }).map((second) => second * 1000), events: fc.nat(1000) })
  .map(({ t, events }): OverviewPoint => ({ ...emptyPoint(t), events }));
// Within one update each second appears once, in time order (as the server makes them).
const update = fc.record({ points: fc.uniqueArray(point, { maxLength: 8, selector: (p) => p.t }), critical: fc.nat(5) })
  .map(({ points, critical }): OverviewData => ({ resolutionMs: 1000, points: points.sort((a, b) => a.t - b.t), openAlerts: { ...counts, critical } }));

it('merging held updates gives what a client applying each in order would show: newest per second, none dropped', () => {
  fc.assert(fc.property(fc.array(update, { minLength: 1, maxLength: 10 }), (updates) => {
    const merged = updates.slice(1).reduce(mergeOverviewUpdates, updates[0]!);
    const applied = new Map<number, OverviewPoint>();
    for (const each of updates) for (const p of each.points) applied.set(p.t, p);
    expect(new Map(merged.points.map((p) => [p.t, p]))).toEqual(applied);
    expect(merged.points.map((p) => p.t)).toEqual([...applied.keys()].sort((a, b) => a - b));
    expect(merged.openAlerts).toEqual(updates.at(-1)!.openAlerts);
  }));
});
