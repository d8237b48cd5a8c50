/**
 * Who is signed in, as reactive state: checks `GET /api/me` at start, signs in and out
 * through `/api/session`, and ends the session when the server says it is over (a 1008
 * close, a 401 on the socket's upgrade or on an API call). The session itself is an
 * HttpOnly cookie the page never sees; the password only passes through `signIn`.
 */
import type { Role } from '../../../shared/channels.js';
import { apiRequest, type ApiFailure, type FetchLike } from './api.js';
import { backoffDelayMs } from './backoff.js';
import { signInErrorText } from './sign-in.js';

/** `GET /api/me`. */
export interface Me {
  readonly user: string;
  readonly role: Role;
}

/** `checking` until `/api/me` answered; `unreachable` while it cannot be asked (retrying). */
export type SessionPhase = 'checking' | 'unreachable' | 'signed-out' | 'signed-in';

/** What a re-check of the session found: `unknown` when the server could not be asked. */
export type SessionCheck = 'valid' | 'invalid' | 'unknown';

/** Why the sign-in page is shown again, in the user's words. */
export const ENDED_NOTICES = {
  signedOut: 'You signed out.',
  closedByServer: 'Your session ended: you signed out elsewhere, it expired or was revoked, or your role changed. Sign in again.',
  invalid: 'Your session is no longer valid (the server may have restarted). Sign in again.',
} as const;

export class Session {
  phase = $state<SessionPhase>('checking');
  me = $state.raw<Me | null>(null);
  /** Said above the sign-in form: why it is shown. */
  notice = $state<string | null>(null);

  readonly #fetch: FetchLike;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #signingOut = false;

  constructor(fetchImpl: FetchLike = (input, init) => fetch(input, init)) {
    this.#fetch = fetchImpl;
  }

  /** Asks the server who is signed in; retries with backoff while it cannot be reached. */
  async start(): Promise<void> {
    clearTimeout(this.#retryTimer);
    const result = await apiRequest<Me>('GET', '/api/me', undefined, this.#fetch);
    if (result.ok) {
      this.#attempt = 0;
      this.me = result.data;
      this.phase = 'signed-in';
    } else if (result.error.status === 401) {
      this.#attempt = 0;
      this.phase = 'signed-out';
    } else {
      this.phase = 'unreachable';
      this.#retryTimer = setTimeout(() => void this.start(), backoffDelayMs(this.#attempt++));
    }
  }

  /** Stops retrying (page teardown). */
  stop(): void {
    clearTimeout(this.#retryTimer);
  }

  /** Signs in; resolves with the error to show, or null once signed in. */
  async signIn(user: string, password: string): Promise<string | null> {
    const result = await apiRequest<null>('POST', '/api/session', { user, password }, this.#fetch);
    if (!result.ok) return signInErrorText(result.error);
    const me = await apiRequest<Me>('GET', '/api/me', undefined, this.#fetch);
    if (!me.ok) return signInErrorText(me.error);
    this.me = me.data;
    this.notice = null;
    this.phase = 'signed-in';
    return null;
  }

  /** Signs out here (the server closes this session's sockets with 1008). */
  async signOut(): Promise<void> {
    this.#signingOut = true;
    const result = await apiRequest<null>('DELETE', '/api/session', undefined, this.#fetch);
    this.#signingOut = false;
    this.#end(result.ok || result.error.status === 401 ? ENDED_NOTICES.signedOut : signOutFailed(result.error));
  }

  /** The server ended the session (1008, or a 401 where a session was expected). */
  ended(notice: string): void {
    if (this.#signingOut || this.phase !== 'signed-in') return;
    this.#end(notice);
  }

  /** Re-checks the session after the socket was refused: a 401 ends it here too. */
  async probe(): Promise<SessionCheck> {
    const result = await apiRequest<Me>('GET', '/api/me', undefined, this.#fetch);
    if (result.ok) return 'valid';
    if (result.error.status === 401) {
      this.ended(ENDED_NOTICES.invalid);
      return 'invalid';
    }
    return 'unknown';
  }

  /** For API callers: a 401 means the session is gone. */
  failed(failure: ApiFailure): void {
    if (failure.status === 401) this.ended(ENDED_NOTICES.invalid);
  }

  #end(notice: string): void {
    this.me = null;
    this.notice = notice;
    this.phase = 'signed-out';
  }
}

function signOutFailed(failure: ApiFailure): string {
  return `Signing out may not have reached the server (${failure.message}); the session ends by itself when it expires.`;
}
