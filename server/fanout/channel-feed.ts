/**
 * Port: one channel's data source for the Hub. The Hub owns sockets, subscriptions and
 * encoding; a feed owns what the channel carries and how each role view sees it.
 */
import type { ChannelView } from '../privacy/role-views.js';
import type { ClientIdentity } from './client-connection.js';

/** Per-view data of one tick: called once per view that has subscribers, then encoded once; undefined: nothing for that view. */
export type ViewData = (view: ChannelView) => unknown;

export interface ChannelFeed {
  /** The full current state as `view` may see it (encoded once per view and cached until the next update). */
  snapshot(view: ChannelView): Promise<unknown>;
  /** Called every tick, subscribers or not; the update's per-view data, or null when nothing changed. */
  tick(): Promise<ViewData | null>;
  /** Called when a client subscribes (e.g. to audit who opened the channel). */
  subscribed?(identity: ClientIdentity): void;
  /**
   * For resumable channels: the snapshot data and the messages missed since `cursor`, in
   * order; null when the cursor cannot be honoured (the client then gets the snapshot).
   */
  resume?(view: ChannelView, cursor: string): Promise<{ data: unknown; missed: unknown[] } | null>;
  /**
   * Merges two updates for a client that fell behind (`older` held, `newer` just made)
   * into one that means the same as both in order, without changing either. Without it
   * the newer replaces the older: right for channels whose updates are whole states.
   */
  merge?(older: unknown, newer: unknown): unknown;
}
