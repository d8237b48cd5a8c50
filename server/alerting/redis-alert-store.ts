/**
 * Redis adapter of the AlertStore port. Keys under the prefix P:
 *   P alerts:state   the alert book and rule engine state (JSON)
 *   P alert-events   every transition, `e` = the event JSON; MAXLEN ~ ALERT_EVENTS_KEPT
 * A resume id from before the current epoch (`P epoch`, see pipeline/epoch-watch.ts) is
 * not honoured: the events after it were lost with the data, whatever the stream holds now.
 */
import type { AlertEvent } from '../../shared/alerts.js';
import type { NewAlertEvent } from '../alerts/alert-book.js';
import { whenReady, type RedisClient } from '../ingest/redis-connection.js';
import { compareStreamIds } from '../ingest/stream-source.js';
import { epochStartedAt } from '../pipeline/epoch-watch.js';
import { ALERT_EVENTS_KEPT, type AlertStore, type SavedAlertState } from './alert-store.js';

const STREAM_ID = /^\d{1,15}-\d{1,15}$/;

export class RedisAlertStore implements AlertStore {
  readonly #client: RedisClient;
  readonly #keys: { state: string; events: string; epoch: string };

  constructor(client: RedisClient, prefix: string) {
    this.#client = client;
    this.#keys = { state: `${prefix}alerts:state`, events: `${prefix}alert-events`, epoch: `${prefix}epoch` };
  }

  async load(): Promise<SavedAlertState | null> {
    await whenReady(this.#client);
    const raw = await this.#client.get(this.#keys.state);
    if (!raw) return null;
    try {
      const value = JSON.parse(raw) as SavedAlertState;
      return typeof value === 'object' && value !== null ? value : null;
    } catch {
      return null;
    }
  }

  async save(state: SavedAlertState, events: readonly NewAlertEvent[]): Promise<AlertEvent[]> {
    await whenReady(this.#client);
    const multi = this.#client.multi().set(this.#keys.state, JSON.stringify(state));
    for (const event of events) {
      multi.xAdd(this.#keys.events, '*', { e: JSON.stringify(event) }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: ALERT_EVENTS_KEPT } });
    }
    const replies = (await multi.exec()) as unknown[];
    return events.map((event, index) => ({ ...event, id: String(replies[index + 1]) }));
  }

  async eventsAfter(id: string): Promise<AlertEvent[] | null> {
    if (!STREAM_ID.test(id)) return null;
    await whenReady(this.#client);
    const oldest = (await this.#client.sendCommand(['XRANGE', this.#keys.events, '-', '+', 'COUNT', '1'])) as [string, string[]][];
    const newest = await this.lastEventId();
    // The id must lie within what is kept: from just before the oldest kept event to the newest.
    if (newest === null || compareStreamIds(id, newest) > 0) return null;
    if (Number(id.split('-')[0]) < epochStartedAt(await this.#client.get(this.#keys.epoch))) return null;
    if (oldest[0] && compareStreamIds(id, oldest[0][0]) < 0 && !(await this.#isJustBefore(id, oldest[0][0]))) return null;
    const entries = (await this.#client.sendCommand(['XRANGE', this.#keys.events, `(${id}`, '+'])) as [string, string[]][];
    return entries.map(([entryId, fields]) => ({ ...(JSON.parse(fields[1] ?? '{}') as NewAlertEvent), id: entryId }));
  }

  async lastEventId(): Promise<string | null> {
    await whenReady(this.#client);
    const newest = (await this.#client.sendCommand(['XREVRANGE', this.#keys.events, '+', '-', 'COUNT', '1'])) as [string, string[]][];
    return newest[0]?.[0] ?? null;
  }

  /** True when nothing was ever trimmed between `id` and the oldest kept event (XINFO: first entry is the first ever added). */
  async #isJustBefore(id: string, oldestKept: string): Promise<boolean> {
    const info = (await this.#client.sendCommand(['XINFO', 'STREAM', this.#keys.events])) as unknown[];
    const entriesAdded = Number(info[info.indexOf('entries-added') + 1] ?? 0);
    const length = Number(info[info.indexOf('length') + 1] ?? 0);
    return entriesAdded === length && compareStreamIds(id, oldestKept) < 0;
  }
}
