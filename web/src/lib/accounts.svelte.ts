/**
 * The Users view's state (admin): users and tokens as the server lists them, the actions
 * on them, and the one secret (a generated password or a new token) to show once.
 */
import type { Role } from '../../../shared/channels.js';
import { apiPath, apiRequest, type ApiFailure, type FetchLike } from './api.js';
import type { TokenCreated, TokenView, UserCreated, UserView } from './accounts.js';

/** A secret the server returns once: shown until dismissed, never stored anywhere else. */
export interface RevealedSecret {
  readonly kind: 'password' | 'token';
  readonly name: string;
  readonly secret: string;
}

export class AccountsAdmin {
  users = $state.raw<UserView[]>([]);
  tokens = $state.raw<TokenView[]>([]);
  loaded = $state(false);
  /** An action is on its way; forms wait for it. */
  busy = $state(false);
  /** The server's message for the last failed action or load. */
  error = $state<string | null>(null);
  /** What the last successful action did, in a sentence. */
  done = $state<string | null>(null);
  revealed = $state.raw<RevealedSecret | null>(null);

  readonly #fetch: FetchLike;
  readonly #onFailure: (failure: ApiFailure) => void;

  /** @param onFailure told of every failed request (a 401 ends the session) */
  constructor(onFailure: (failure: ApiFailure) => void, fetchImpl: FetchLike = (input, init) => fetch(input, init)) {
    this.#onFailure = onFailure;
    this.#fetch = fetchImpl;
  }

  /** Reads both lists again. */
  async refresh(): Promise<void> {
    const [users, tokens] = await Promise.all([
      apiRequest<{ users: UserView[] }>('GET', '/api/users', undefined, this.#fetch),
      apiRequest<{ tokens: TokenView[] }>('GET', '/api/tokens', undefined, this.#fetch),
    ]);
    if (users.ok) this.users = [...users.data.users].sort((a, b) => a.name.localeCompare(b.name));
    if (tokens.ok) this.tokens = [...tokens.data.tokens].sort((a, b) => a.name.localeCompare(b.name));
    const failure = !users.ok ? users.error : !tokens.ok ? tokens.error : null;
    if (failure !== null) this.#failed(failure);
    this.loaded = true;
  }

  /** Adds (or updates) a user; without a password the server generates one, shown once. */
  async addUser(name: string, role: Role, password: string): Promise<boolean> {
    const body = password === '' ? { name, role } : { name, role, password };
    return this.#act(apiRequest<UserCreated>('POST', '/api/users', body, this.#fetch), (created, status) => {
      if (created.password !== null) this.revealed = { kind: 'password', name: created.name, secret: created.password };
      return status === 201 ? `User ${created.name} added as ${created.role}.` : `User ${created.name} updated: now ${created.role}.`;
    });
  }

  /** Changes a user's role (their sessions end). */
  async changeRole(name: string, role: Role): Promise<boolean> {
    return this.#act(apiRequest('PUT', apiPath('users', name, 'role'), { role }, this.#fetch), () => `${name} is now ${role}; their open sessions were ended.`);
  }

  async removeUser(name: string): Promise<boolean> {
    return this.#act(apiRequest('DELETE', apiPath('users', name), undefined, this.#fetch), () => `User ${name} removed.`);
  }

  /** Creates a token; the token itself is shown once. */
  async createToken(name: string, role: Role, ttlDays: number | undefined): Promise<boolean> {
    const body = ttlDays === undefined ? { name, role } : { name, role, ttlDays };
    return this.#act(apiRequest<TokenCreated>('POST', '/api/tokens', body, this.#fetch), (created) => {
      this.revealed = { kind: 'token', name: created.name, secret: created.token };
      return `Token ${created.name} created for ${created.role}.`;
    });
  }

  async revokeToken(name: string): Promise<boolean> {
    return this.#act(apiRequest('DELETE', apiPath('tokens', name), undefined, this.#fetch), () => `Token ${name} revoked.`);
  }

  /** Forgets the secret shown once. */
  dismissSecret(): void {
    this.revealed = null;
  }

  async #act<T>(request: Promise<Awaited<ReturnType<typeof apiRequest<T>>>>, describe: (data: T, status: number) => string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.done = null;
    this.revealed = null;
    try {
      const result = await request;
      if (!result.ok) {
        this.#failed(result.error);
        return false;
      }
      this.done = describe(result.data, result.status);
      await this.refresh();
      return true;
    } finally {
      this.busy = false;
    }
  }

  #failed(failure: ApiFailure): void {
    this.error = failure.message;
    this.#onFailure(failure);
  }
}
