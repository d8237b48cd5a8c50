/**
 * The `alerts` channel (security, on-call, admin): the snapshot lists every alert not
 * resolved; every transition goes out at once as an `alert` message whose id is a resume
 * point; a client that resumes gets exactly the events it missed, in order.
 */
import type { AlertsSnapshotData } from '../../shared/alerts.js';
import type { AlertMessage } from '../../shared/protocol.js';
import type { ChannelFeed, ViewData } from '../fanout/channel-feed.js';
import type { AlertCenter } from './alert-center.js';

export class AlertsChannel implements ChannelFeed {
  readonly #center: AlertCenter;

  constructor(center: AlertCenter) {
    this.#center = center;
  }

  async snapshot(): Promise<AlertsSnapshotData> {
    await this.#center.settled();
    return { alerts: this.#center.openAlerts(), lastEventId: await this.#center.lastEventId(), recovered: false };
  }

  /** Transitions are published as they are saved (see AlertCenter.onEvents), not per tick. */
  async tick(): Promise<ViewData | null> {
    return null;
  }

  async resume(_view: unknown, cursor: string): Promise<{ data: AlertsSnapshotData; missed: AlertMessage[] } | null> {
    await this.#center.settled();
    const events = await this.#center.eventsAfter(cursor);
    if (events === null) return null;
    return {
      data: { lastEventId: events.at(-1)?.id ?? cursor, recovered: true },
      missed: events.map((event) => ({ type: 'alert', id: event.id, alert: event.alert })),
    };
  }
}
