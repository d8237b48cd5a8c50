/**
 * `dropped_events` (condition): the share of captured events a collector had to drop
 * (`dropped / (events + dropped)`) over a sliding window of event time. Raises at
 * `raiseShare` once the window holds `minCaptured` events, clears below `clearShare`
 * (hysteresis). Only collectors with a drop inside the window are tracked at all.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { clear, raise, type AlertSignal } from '../signal.js';
import { seconds, type RuleFamily } from './rule-family.js';

const Count = Type.Integer({ minimum: 0 });
const Tracked = Type.Object(
  {
    team: Type.String(),
    /** [event time, captured, dropped] of each batch in the window, oldest first. */
    batches: Type.Array(Type.Tuple([Count, Count, Count])),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);
const DroppedState = Type.Object({ collectors: Type.Record(Type.String(), Tracked) }, { additionalProperties: false });
type DroppedState = Static<typeof DroppedState>;
type TrackedCollector = Static<typeof Tracked>;

/** `dropped_events`. */
export class DroppedEventsRule implements RuleFamily<DroppedState> {
  readonly stateSchema = DroppedState;
  readonly #settings: RuleSettings['droppedEvents'];
  #collectors = new Map<string, TrackedCollector>();

  constructor(settings: Pick<RuleSettings, 'droppedEvents'>) {
    this.#settings = settings.droppedEvents;
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    if (input.type === 'collect') {
      const { entry } = input;
      let tracked = this.#collectors.get(entry.collector);
      if (!tracked) {
        if (entry.dropped === 0) return;
        this.#collectors.set(entry.collector, (tracked = { team: entry.team, batches: [], active: false }));
      }
      const captured = entry.keys + entry.clicks + entry.moves + entry.scrolls + entry.dropped;
      tracked.batches.push([entry.ts, captured, entry.dropped]);
      this.#judge(entry.collector, tracked, entry.ts, out);
    } else if (input.type === 'tick') {
      for (const [collector, tracked] of this.#collectors) this.#judge(collector, tracked, input.nowMs, out);
    }
  }

  #judge(collector: string, tracked: TrackedCollector, nowMs: number, out: AlertSignal[]): void {
    const { raiseShare, clearShare, windowMs, minCaptured } = this.#settings;
    const fromMs = nowMs - windowMs;
    while (tracked.batches.length > 0 && (tracked.batches[0]?.[0] ?? 0) < fromMs) tracked.batches.shift();
    let captured = 0;
    let dropped = 0;
    for (const [, batchCaptured, batchDropped] of tracked.batches) {
      captured += batchCaptured;
      dropped += batchDropped;
    }
    const share = captured === 0 ? 0 : dropped / captured;
    const labels = { team: tracked.team, collector };
    const percent = (value: number) => `${(100 * value).toFixed(1)} %`;
    if (captured >= minCaptured && share >= raiseShare) {
      tracked.active = true;
      out.push(raise('dropped_events', labels,
        `Collector ${collector} (team ${tracked.team}) dropped ${dropped} of ${captured} captured events (${percent(share)}) in ${seconds(windowMs)} s (threshold ${percent(raiseShare)})`,
        nowMs));
    } else if (tracked.active && (share < clearShare || captured < minCaptured)) {
      tracked.active = false;
      out.push(clear('dropped_events', labels,
        `Collector ${collector} (team ${tracked.team}) dropped ${percent(share)} of its events in the last ${seconds(windowMs)} s`, nowMs));
    }
    if (!tracked.active && dropped === 0) this.#collectors.delete(collector);
  }

  snapshot(): DroppedState {
    return { collectors: Object.fromEntries([...this.#collectors].map(([key, value]) => [key, structuredClone(value)])) };
  }

  load(state: DroppedState): void {
    this.#collectors = new Map(Object.entries(state.collectors));
  }
}
