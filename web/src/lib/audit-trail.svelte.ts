/**
 * The Audit view's state: the live `audit` channel (hand this to `Connection.subscribe`)
 * plus older pages of `GET /api/audit` on request.
 */
import type { AuditData, AuditEntryView, AuditPageView } from '../../../shared/audit.js';
import { apiRequest, type ApiFailure, type FetchLike } from './api.js';
import { appendOlder, mergeSnapshot, prependNewer } from './audit-trail.js';
import type { ChannelListener, ChannelRefusal } from './channel-registry.js';
import type { FeedStatus } from './channel-feed.svelte.js';

/** Entries per page of `GET /api/audit`. */
export const AUDIT_PAGE_SIZE = 100;
/** Pages read in one "load older" at most, when the first ones only repeat what is held. */
const MAX_PAGES_PER_LOAD = 5;

export class AuditTrail implements ChannelListener<AuditData> {
  entries = $state.raw<AuditEntryView[]>([]);
  status = $state<FeedStatus>('waiting');
  refusal = $state.raw<ChannelRefusal | null>(null);
  /** Whether older entries may exist on the server. */
  hasOlder = $state(true);
  loadingOlder = $state(false);
  /** Why the last "load older" failed. */
  olderError = $state<string | null>(null);

  /** `undefined`: no page read yet (start from the newest); a cursor; or null: no more. */
  #next: string | null | undefined = undefined;
  readonly #fetch: FetchLike;
  readonly #onFailure: (failure: ApiFailure) => void;

  /** @param onFailure told of every failed request (a 401 ends the session) */
  constructor(onFailure: (failure: ApiFailure) => void, fetchImpl: FetchLike = (input, init) => fetch(input, init)) {
    this.#onFailure = onFailure;
    this.#fetch = fetchImpl;
  }

  snapshot(data: AuditData): void {
    const merged = mergeSnapshot(this.entries, data.entries);
    this.entries = merged.entries;
    if (!merged.continuous) {
      this.#next = undefined;
      this.hasOlder = true;
    }
    this.#live();
  }

  update(data: AuditData): void {
    this.entries = prependNewer(this.entries, data.entries);
    this.#live();
  }

  refused(refusal: ChannelRefusal): void {
    this.refusal = refusal;
    this.status = 'refused';
  }

  /** Reads older entries below those held. */
  async loadOlder(): Promise<void> {
    if (this.loadingOlder || this.#next === null) return;
    this.loadingOlder = true;
    this.olderError = null;
    try {
      for (let page = 0; page < MAX_PAGES_PER_LOAD && this.#next !== null; page++) {
        const query = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
        if (typeof this.#next === 'string') query.set('before', this.#next);
        const result = await apiRequest<AuditPageView>('GET', `/api/audit?${query}`, undefined, this.#fetch);
        if (!result.ok) {
          this.olderError = result.error.message;
          this.#onFailure(result.error);
          return;
        }
        const before = this.entries.length;
        this.entries = appendOlder(this.entries, result.data.entries);
        this.#next = result.data.next;
        if (this.entries.length > before) break;
      }
      this.hasOlder = this.#next !== null;
    } finally {
      this.loadingOlder = false;
    }
  }

  #live(): void {
    this.refusal = null;
    this.status = 'live';
  }
}
