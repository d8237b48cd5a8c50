/**
 * The Silences panel's state: the server's silences (`GET /api/silences`), created from an
 * alert's "Silence…" form and deleted from the panel; reloaded after each change.
 */
import type { Silence, SilenceRequest } from '../../../shared/alerts.js';
import { createSilence, deleteSilence, listSilences } from './alert-actions.js';
import type { ApiFailure, FetchLike } from './api.js';

export class SilenceBook {
  /** Active silences, the soonest to end first. */
  silences = $state.raw<Silence[]>([]);
  loading = $state(false);
  /** Whether the list was read at least once. */
  loaded = $state(false);
  /** Why the last load or delete failed. */
  error = $state<string | null>(null);
  /** Ids being deleted. */
  deleting = $state.raw<ReadonlySet<string>>(new Set());

  readonly #fetch: FetchLike;
  readonly #onFailure: (failure: ApiFailure) => void;

  /** @param onFailure told of every failed request (a 401 ends the session) */
  constructor(onFailure: (failure: ApiFailure) => void, fetchImpl: FetchLike = (input, init) => fetch(input, init)) {
    this.#onFailure = onFailure;
    this.#fetch = fetchImpl;
  }

  async load(): Promise<void> {
    this.loading = true;
    const result = await listSilences(this.#fetch);
    this.loading = false;
    if (!result.ok) {
      this.error = result.text;
      this.#onFailure(result.failure);
      return;
    }
    this.error = null;
    this.loaded = true;
    this.silences = [...result.value].sort((a, b) => a.endsAt - b.endsAt);
  }

  /** Creates a silence; resolves with the error to show, or null when done. */
  async create(request: SilenceRequest): Promise<string | null> {
    const result = await createSilence(request, this.#fetch);
    if (!result.ok) {
      this.#onFailure(result.failure);
      return result.text;
    }
    await this.load();
    return null;
  }

  async remove(id: string): Promise<void> {
    this.deleting = new Set([...this.deleting, id]);
    const result = await deleteSilence(id, this.#fetch);
    this.deleting = new Set([...this.deleting].filter((other) => other !== id));
    if (!result.ok && result.failure.status !== 404) {
      this.error = result.text;
      this.#onFailure(result.failure);
      return;
    }
    await this.load();
  }
}
