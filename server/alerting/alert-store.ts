/**
 * Port: where alert state and the alert event stream are kept. A save writes the new
 * state and appends the transitions in one step; the appended events' ids are the resume
 * points of the `alerts` channel. Implementations: `redis-alert-store.ts` (a string and a
 * stream, MULTI), `memory-alert-store.ts` (embedded mode).
 */
import type { AlertEvent } from '../../shared/alerts.js';
import type { NewAlertEvent } from '../alerts/alert-book.js';

/** How many alert events are kept for resumes (older resume ids get `recovered: false`). */
export const ALERT_EVENTS_KEPT = 10_000;

export interface SavedAlertState {
  book: unknown;
  engine: unknown;
}

export interface AlertStore {
  load(): Promise<SavedAlertState | null>;
  /** Saves `state` and appends `events`, atomically; resolves to the events with their ids. */
  save(state: SavedAlertState, events: readonly NewAlertEvent[]): Promise<AlertEvent[]>;
  /** The events after `id`, oldest first; null when `id` is malformed or older than what is kept. */
  eventsAfter(id: string): Promise<AlertEvent[] | null>;
  /** Id of the newest event, or null when there is none. */
  lastEventId(): Promise<string | null>;
}
