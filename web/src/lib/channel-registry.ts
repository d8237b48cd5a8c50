/**
 * Who listens to which live channel on the dashboard's one socket. Pure TypeScript: the
 * connection asks it what to (re)subscribe and hands it each snapshot, update and refusal;
 * it decides when the first listener of a channel arrives and the last one leaves.
 */
import { CHANNELS, type ChannelName } from '../../../shared/channels.js';
import type { AuditData } from '../../../shared/audit.js';
import type { CollectorsData } from '../../../shared/collectors.js';
import type { OverviewData } from '../../../shared/overview.js';
import type { TeamsData } from '../../../shared/teams.js';

/** The data each channel the dashboard shows carries (snapshots and updates alike). */
export interface ChannelData {
  overview: OverviewData;
  teams: TeamsData;
  collectors: CollectorsData;
  audit: AuditData;
}

/** A channel this dashboard has a view for. */
export type LiveChannel = keyof ChannelData & ChannelName;

/** The server would not subscribe: the role may not see the channel, or the server does not serve it (yet). */
export interface ChannelRefusal {
  readonly code: 'forbidden' | 'unknown_channel';
  readonly message: string;
}

/** Where a channel's data goes. */
export interface ChannelListener<D> {
  /** The full current state; everything held before is replaced. */
  snapshot(data: D): void;
  /** What changed since. */
  update(data: D): void;
  /** The subscription was refused. */
  refused?(refusal: ChannelRefusal): void;
}

type AnyListener = ChannelListener<never>;

export class ChannelRegistry {
  readonly #listeners = new Map<string, Set<AnyListener>>();

  /** Adds a listener; true when the channel had none (so a subscribe is due). */
  add<C extends LiveChannel>(channel: C, listener: ChannelListener<ChannelData[C]>): boolean {
    let set = this.#listeners.get(channel);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(listener as AnyListener);
    return first;
  }

  /** Removes a listener; true when it was the channel's last (so an unsubscribe is due). */
  remove<C extends LiveChannel>(channel: C, listener: ChannelListener<ChannelData[C]>): boolean {
    const set = this.#listeners.get(channel);
    if (set === undefined || !set.delete(listener as AnyListener)) return false;
    if (set.size > 0) return false;
    this.#listeners.delete(channel);
    return true;
  }

  /** The channels with listeners, in protocol order: what a fresh socket subscribes to. */
  channels(): LiveChannel[] {
    return CHANNELS.filter((channel) => this.#listeners.has(channel)) as LiveChannel[];
  }

  /** Whether `channel` has listeners. */
  has(channel: string): boolean {
    return this.#listeners.has(channel);
  }

  /** Hands a snapshot to the channel's listeners; false when nobody listens. */
  snapshot(channel: string, data: unknown): boolean {
    return this.#each(channel, (listener) => listener.snapshot(data as never));
  }

  /** Hands an update to the channel's listeners; false when nobody listens. */
  update(channel: string, data: unknown): boolean {
    return this.#each(channel, (listener) => listener.update(data as never));
  }

  /** Tells the channel's listeners their subscription was refused; false when nobody listens. */
  refuse(channel: string, refusal: ChannelRefusal): boolean {
    return this.#each(channel, (listener) => listener.refused?.(refusal));
  }

  #each(channel: string, call: (listener: AnyListener) => void): boolean {
    const set = this.#listeners.get(channel);
    if (set === undefined) return false;
    for (const listener of [...set]) call(listener);
    return true;
  }
}
