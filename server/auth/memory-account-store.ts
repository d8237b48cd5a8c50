/** Embedded-mode adapter of the AccountStore port: in memory, gone at restart. */
import { EventEmitter } from 'node:events';
import type { AccountStore, AuthEvent, StoredSession, StoredToken, StoredUser } from './account-store.js';

export class MemoryAccountStore implements AccountStore {
  readonly #users = new Map<string, StoredUser>();
  readonly #tokens = new Map<string, StoredToken>();
  readonly #sessions = new Map<string, { session: StoredSession; idleUntil: number }>();
  readonly #events = new EventEmitter();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async getUser(name: string): Promise<StoredUser | null> {
    return this.#users.get(name) ?? null;
  }

  async putUser(user: StoredUser): Promise<void> {
    this.#users.set(user.name, { ...user });
  }

  async removeUser(name: string): Promise<boolean> {
    await this.removeSessionsOf(name);
    return this.#users.delete(name);
  }

  async listUsers(): Promise<StoredUser[]> {
    return [...this.#users.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async putToken(token: StoredToken): Promise<void> {
    this.#tokens.set(token.name, { ...token });
  }

  async tokenByHash(hash: string): Promise<StoredToken | null> {
    for (const token of this.#tokens.values()) {
      if (token.hash === hash && (token.expiresAt === null || token.expiresAt > this.#now())) return token;
    }
    return null;
  }

  async listTokens(): Promise<StoredToken[]> {
    return [...this.#tokens.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async removeToken(name: string): Promise<boolean> {
    return this.#tokens.delete(name);
  }

  async createSession(session: StoredSession, idleMs: number): Promise<void> {
    this.#sessions.set(session.key, { session: { ...session }, idleUntil: this.#now() + idleMs });
  }

  async touchSession(key: string, idleMs: number): Promise<StoredSession | null> {
    const stored = this.#sessions.get(key);
    const now = this.#now();
    if (!stored || stored.idleUntil <= now || stored.session.expiresAt <= now) {
      this.#sessions.delete(key);
      return null;
    }
    stored.idleUntil = now + idleMs;
    return stored.session;
  }

  async removeSession(key: string): Promise<boolean> {
    return this.#sessions.delete(key);
  }

  async removeSessionsOf(user: string): Promise<void> {
    for (const [key, stored] of this.#sessions) if (stored.session.user === user) this.#sessions.delete(key);
  }

  async publish(event: AuthEvent): Promise<void> {
    this.#events.emit('event', event);
  }

  async subscribe(listener: (event: AuthEvent) => void): Promise<() => void> {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  async close(): Promise<void> {
    this.#events.removeAllListeners();
  }
}
