/**
 * The `collectors` channel (security, on-call, admin): per-collector figures of the
 * newest completed minute under their pseudonymous ids, and the top talkers. Opening it
 * is audited (`view_collectors`): it is the one view that shows single devices.
 */
import type { CollectorsData } from '../../shared/collectors.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChannelFeed, ViewData } from '../fanout/channel-feed.js';
import type { ClientIdentity } from '../fanout/client-connection.js';
import type { MinuteStore } from '../overview/minute-store.js';
import { newestFinalMinute } from './final-minutes.js';

/** How many collectors `topTalkers` names. */
export const TOP_TALKERS = 10;

export interface CollectorsChannelOptions {
  store: MinuteStore;
  audit: AuditLog;
  latenessMs: number;
  watermarkMs: () => number | null;
  onAuditError: (error: Error) => void;
}

export class CollectorsChannel implements ChannelFeed {
  readonly #options: CollectorsChannelOptions;
  #data: CollectorsData = { windowStart: 0, windowMs: 60_000, collectors: [], topTalkers: [] };

  constructor(options: CollectorsChannelOptions) {
    this.#options = options;
  }

  async snapshot(): Promise<CollectorsData> {
    return this.#data;
  }

  async tick(): Promise<ViewData | null> {
    const newest = newestFinalMinute(this.#options.watermarkMs(), this.#options.latenessMs);
    if (newest === null || newest <= this.#data.windowStart) return null;
    const rows = (await this.#options.store.readCollectors(newest))
      .map((row) => ({
        collector: row.collector, team: row.team, events: row.counters.events, keys: row.counters.keys, redacted: row.counters.redacted,
        redactionRate: row.counters.events === 0 ? 0 : row.counters.redacted / row.counters.events, dropped: row.counters.dropped, lastSeen: row.lastSeen,
      }))
      .sort((a, b) => b.events - a.events || a.collector.localeCompare(b.collector));
    this.#data = { windowStart: newest, windowMs: 60_000, collectors: rows, topTalkers: rows.slice(0, TOP_TALKERS).map((row) => row.collector) };
    const data = this.#data;
    return () => data;
  }

  subscribed(identity: ClientIdentity): void {
    this.#options.audit.append({ user: identity.user, action: 'view_collectors', target: 'collectors' }).catch(this.#options.onAuditError);
  }
}
