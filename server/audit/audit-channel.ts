/**
 * The `audit` channel for the Hub (security, admin): the newest entries as the snapshot,
 * then the entries appended since, by any instance (the trail is polled each tick, which
 * is one short read of its newest entries).
 */
import type { AuditData } from '../../shared/audit.js';
import type { ChannelFeed, ViewData } from '../fanout/channel-feed.js';
import { auditEntryView } from '../routes/audit.js';
import type { AuditLog } from './audit-log.js';
import { compareStreamIds } from '../ingest/stream-source.js';

/** Entries in the snapshot (the Audit view loads older ones with `GET /api/audit?before=`). */
export const AUDIT_SNAPSHOT_ENTRIES = 100;

export class AuditChannel implements ChannelFeed {
  readonly #log: AuditLog;
  /** Id of the newest entry already announced; null until the first tick. */
  #newestId: string | null = null;

  constructor(log: AuditLog) {
    this.#log = log;
  }

  async snapshot(): Promise<AuditData> {
    const page = await this.#log.list({ limit: AUDIT_SNAPSHOT_ENTRIES });
    return { entries: page.entries.map(auditEntryView) };
  }

  /** Updates carry new entries, newest first: merged, the newer ones go first. */
  merge(older: unknown, newer: unknown): AuditData {
    return { entries: [...(newer as AuditData).entries, ...(older as AuditData).entries] };
  }

  async tick(): Promise<ViewData | null> {
    const page = await this.#log.list({ limit: 50 });
    const newest = page.entries[0]?.id ?? null;
    if (this.#newestId === null || newest === null) {
      this.#newestId = newest ?? this.#newestId ?? '0-0';
      return null;
    }
    const fresh = page.entries.filter((entry) => compareStreamIds(entry.id, this.#newestId!) > 0);
    if (fresh.length === 0) return null;
    this.#newestId = newest;
    const data: AuditData = { entries: fresh.map(auditEntryView) };
    return () => data;
  }
}
