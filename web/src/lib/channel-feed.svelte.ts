/**
 * One live channel's latest data as reactive state, for the view that shows it. It is a
 * channel listener: hand it to `Connection.subscribe` while the view is open.
 */
import type { ChannelListener, ChannelRefusal } from './channel-registry.js';

/** `waiting` for the first snapshot; `refused` when the server would not subscribe (see `refusal`). */
export type FeedStatus = 'waiting' | 'live' | 'refused';

/** How an update combines with what is held; by default it replaces it. */
export type MergeUpdate<D> = (current: D | null, update: D) => D;

export class ChannelFeed<D> implements ChannelListener<D> {
  data = $state.raw<D | null>(null);
  status = $state<FeedStatus>('waiting');
  refusal = $state.raw<ChannelRefusal | null>(null);
  /** Client time of the last snapshot or update. */
  receivedAtMs = $state<number | null>(null);

  readonly #merge: MergeUpdate<D>;

  constructor(merge: MergeUpdate<D> = (_current, update) => update) {
    this.#merge = merge;
  }

  snapshot(data: D): void {
    this.data = data;
    this.#received();
  }

  update(data: D): void {
    this.data = this.#merge(this.data, data);
    this.#received();
  }

  refused(refusal: ChannelRefusal): void {
    this.refusal = refusal;
    this.status = 'refused';
  }

  #received(): void {
    this.refusal = null;
    this.status = 'live';
    this.receivedAtMs = Date.now();
  }
}
