/**
 * Who listens to which live channel on the dashboard's one socket. Pure TypeScript: the
 * connection asks it what to (re)subscribe and hands it each snapshot, update and refusal;
 * it decides when the first listener of a channel arrives and the last one leaves.
 */
import { CHANNELS, type ChannelName } from '../../../shared/channels.js';
import type { AlertsSnapshotData } from '../../../shared/alerts.js';
import type { AuditData } from '../../../shared/audit.js';
import type { CollectorsData } from '../../../shared/collectors.js';
import type { OverviewData } from '../../../shared/overview.js';
import type { PipelineData } from '../../../shared/pipeline.js';
import type { TeamsData } from '../../../shared/teams.js';
import type { AlertMessage } from '../../../shared/protocol.js';

/** The data each channel the dashboard shows carries (snapshots and updates alike). */
export interface ChannelData {
  overview: OverviewData;
  teams: TeamsData;
  collectors: CollectorsData;
  audit: AuditData;
  pipeline: PipelineData;
  /** Snapshots only: what follows are `alert` messages (see {@link AlertsListener}). */
  alerts: AlertsSnapshotData;
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

/** The `alerts` channel's listener: it also takes each alert event, and says where to resume from. */
export interface AlertsListener extends ChannelListener<AlertsSnapshotData> {
  /** One alert transition, in order. */
  alert(message: AlertMessage): void;
  /** The last event id applied, sent as `resume` when (re)subscribing; null for a full snapshot. */
  resumePoint(): string | null;
}

/** The listener a channel takes. */
export type ListenerOf<C extends LiveChannel> = C extends 'alerts' ? AlertsListener : ChannelListener<ChannelData[C]>;

type AnyListener = ChannelListener<never> & Partial<Pick<AlertsListener, 'alert' | 'resumePoint'>>;

export class ChannelRegistry {
  readonly #listeners = new Map<string, Set<AnyListener>>();

  /** Adds a listener; true when the channel had none (so a subscribe is due). */
  add<C extends LiveChannel>(channel: C, listener: ListenerOf<C>): boolean {
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
  remove<C extends LiveChannel>(channel: C, listener: ListenerOf<C>): boolean {
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

  /** Hands an alert event to the `alerts` listeners; false when nobody listens. */
  alert(message: AlertMessage): boolean {
    return this.#each('alerts', (listener) => listener.alert?.(message));
  }

  /**
   * The `resume` of a subscribe to `channels`: each channel whose listeners all hold the
   * same point. A listener without one needs the full snapshot, so then none is sent.
   */
  resumePoints(channels: readonly string[]): Record<string, string> {
    const points: Record<string, string> = {};
    for (const channel of channels) {
      const listeners = [...(this.#listeners.get(channel) ?? [])];
      const first = listeners[0]?.resumePoint?.() ?? null;
      if (first !== null && listeners.every((listener) => listener.resumePoint?.() === first)) points[channel] = first;
    }
    return points;
  }

  #each(channel: string, call: (listener: AnyListener) => void): boolean {
    const set = this.#listeners.get(channel);
    if (set === undefined) return false;
    for (const listener of [...set]) call(listener);
    return true;
  }
}
