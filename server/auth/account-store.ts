/**
 * Port: users, API tokens and sessions, and the events that must close sockets on every
 * instance (sign-out, removal, role change, revocation). Implementations:
 * `redis-account-store.ts` (keys under the prefix, pub/sub for events) and
 * `memory-account-store.ts` (embedded mode). Secrets are stored only as hashes.
 */
import type { Role } from '../../shared/channels.js';

export interface StoredUser {
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
}

export interface StoredToken {
  name: string;
  role: Role;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  hash: string;
  createdAt: number;
  /** Null: never expires. */
  expiresAt: number | null;
}

export interface StoredSession {
  /** SHA-256 of the session id (the cookie value). */
  key: string;
  user: string;
  role: Role;
  createdAt: number;
  /** Absolute end (`KW_SESSION_MAX_MS` after creation); the idle end is the store's expiry. */
  expiresAt: number;
}

/** Something happened that ends credentials: every instance closes the affected sockets (1008). */
export type AuthEvent =
  | { kind: 'session_ended'; key: string }
  | { kind: 'user_changed'; user: string }
  | { kind: 'token_revoked'; name: string };

export interface AccountStore {
  getUser(name: string): Promise<StoredUser | null>;
  putUser(user: StoredUser): Promise<void>;
  /** Removes a user and every session of theirs; false when there was no such user. */
  removeUser(name: string): Promise<boolean>;
  listUsers(): Promise<StoredUser[]>;

  putToken(token: StoredToken): Promise<void>;
  tokenByHash(hash: string): Promise<StoredToken | null>;
  listTokens(): Promise<StoredToken[]>;
  /** False when there was no such token. */
  removeToken(name: string): Promise<boolean>;

  createSession(session: StoredSession, idleMs: number): Promise<void>;
  /** The session if it exists and has not been idle for `idleMs`; each read renews the idle time. */
  touchSession(key: string, idleMs: number): Promise<StoredSession | null>;
  removeSession(key: string): Promise<boolean>;
  /** Ends every session of a user (removal, role change). */
  removeSessionsOf(user: string): Promise<void>;

  publish(event: AuthEvent): Promise<void>;
  /** Listens to events from every instance (this one included); returns the unsubscribe function. */
  subscribe(listener: (event: AuthEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}
