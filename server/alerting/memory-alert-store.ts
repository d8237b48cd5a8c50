/** Embedded-mode adapter of the AlertStore port: in memory, gone at restart. */
import type { AlertEvent } from '../../shared/alerts.js';
import type { NewAlertEvent } from '../alerts/alert-book.js';
import { compareStreamIds } from '../ingest/stream-source.js';
import { ALERT_EVENTS_KEPT, type AlertStore, type SavedAlertState } from './alert-store.js';

const STREAM_ID = /^\d{1,15}-\d{1,15}$/;

export class MemoryAlertStore implements AlertStore {
  #state: SavedAlertState | null = null;
  readonly #events: AlertEvent[] = [];
  #lastMs = 0;
  #sequence = 0;
  /** Id of the newest event trimmed away (resumes from before it cannot be honoured). */
  #trimmedThrough: string | null = null;

  async load(): Promise<SavedAlertState | null> {
    return this.#state;
  }

  async save(state: SavedAlertState, events: readonly NewAlertEvent[]): Promise<AlertEvent[]> {
    this.#state = state;
    const saved = events.map((event) => {
      const now = Date.now();
      if (now > this.#lastMs) {
        this.#lastMs = now;
        this.#sequence = 0;
      } else {
        this.#sequence += 1;
      }
      return { ...event, id: `${this.#lastMs}-${this.#sequence}` };
    });
    this.#events.push(...saved);
    if (this.#events.length > ALERT_EVENTS_KEPT) {
      const trimmed = this.#events.splice(0, this.#events.length - ALERT_EVENTS_KEPT);
      this.#trimmedThrough = trimmed.at(-1)!.id;
    }
    return saved;
  }

  async eventsAfter(id: string): Promise<AlertEvent[] | null> {
    if (!STREAM_ID.test(id)) return null;
    if (this.#trimmedThrough !== null && compareStreamIds(id, this.#trimmedThrough) < 0) return null;
    const newest = this.#events.at(-1)?.id ?? '0-0';
    if (compareStreamIds(id, newest) > 0) return null;
    return this.#events.filter((event) => compareStreamIds(event.id, id) > 0);
  }

  async lastEventId(): Promise<string | null> {
    return this.#events.at(-1)?.id ?? null;
  }
}
