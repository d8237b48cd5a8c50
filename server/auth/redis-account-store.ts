/**
 * Redis adapter of the AccountStore port. Keys under the prefix P:
 *   P users            hash name → user JSON (role, scrypt hash, createdAt)
 *   P tokens           hash name → token JSON (role, SHA-256 of the token, expiry)
 *   P token:<sha256>   → token name, expiring with the token
 *   P session:<sha256> → session JSON, expiring after the idle time (renewed on use)
 *   P sessions-of:<user> set of a user's session keys, expiring with the longest session
 * Events travel on the pub/sub channel `P auth-events` so that every instance hears them.
 */
import { ROLES, type Role } from '../../shared/channels.js';
import { openRedis, whenReady, type RedisClient } from '../ingest/redis-connection.js';
import type { AccountStore, AuthEvent, StoredSession, StoredToken, StoredUser } from './account-store.js';

export interface RedisAccountStoreOptions {
  client: RedisClient;
  url: string;
  prefix: string;
  /** Longest a session can live (`KW_SESSION_MAX_MS`): bounds the per-user session index. */
  sessionMaxMs: number;
  now?: () => number;
}

export class RedisAccountStore implements AccountStore {
  readonly #options: RedisAccountStoreOptions;
  readonly #now: () => number;
  #subscriber: RedisClient | null = null;

  constructor(options: RedisAccountStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  #key(name: string): string {
    return this.#options.prefix + name;
  }

  async #client(): Promise<RedisClient> {
    await whenReady(this.#options.client);
    return this.#options.client;
  }

  async getUser(name: string): Promise<StoredUser | null> {
    const raw = await (await this.#client()).hGet(this.#key('users'), name);
    return raw ? parseUser(name, raw) : null;
  }

  async putUser(user: StoredUser): Promise<void> {
    const value = JSON.stringify({ role: user.role, passwordHash: user.passwordHash, createdAt: user.createdAt });
    await (await this.#client()).hSet(this.#key('users'), user.name, value);
  }

  async removeUser(name: string): Promise<boolean> {
    await this.removeSessionsOf(name);
    return (await (await this.#client()).hDel(this.#key('users'), name)) === 1;
  }

  async listUsers(): Promise<StoredUser[]> {
    const all = await (await this.#client()).hGetAll(this.#key('users'));
    return Object.entries(all)
      .map(([name, raw]) => parseUser(name, raw))
      .filter((user): user is StoredUser => user !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async putToken(token: StoredToken): Promise<void> {
    const client = await this.#client();
    const previous = await client.hGet(this.#key('tokens'), token.name);
    const multi = client.multi();
    const old = previous ? parseToken(token.name, previous) : null;
    if (old) multi.del(this.#key(`token:${old.hash}`));
    multi.hSet(this.#key('tokens'), token.name, JSON.stringify({ role: token.role, hash: token.hash, createdAt: token.createdAt, expiresAt: token.expiresAt }));
    if (token.expiresAt === null) multi.set(this.#key(`token:${token.hash}`), token.name);
    else multi.set(this.#key(`token:${token.hash}`), token.name, { expiration: { type: 'PXAT', value: token.expiresAt } });
    await multi.exec();
  }

  async tokenByHash(hash: string): Promise<StoredToken | null> {
    const client = await this.#client();
    const name = await client.get(this.#key(`token:${hash}`));
    if (!name) return null;
    const raw = await client.hGet(this.#key('tokens'), name);
    const token = raw ? parseToken(name, raw) : null;
    if (!token || token.hash !== hash || (token.expiresAt !== null && token.expiresAt <= this.#now())) return null;
    return token;
  }

  async listTokens(): Promise<StoredToken[]> {
    const all = await (await this.#client()).hGetAll(this.#key('tokens'));
    return Object.entries(all)
      .map(([name, raw]) => parseToken(name, raw))
      .filter((token): token is StoredToken => token !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async removeToken(name: string): Promise<boolean> {
    const client = await this.#client();
    const raw = await client.hGet(this.#key('tokens'), name);
    const token = raw ? parseToken(name, raw) : null;
    if (!token) return false;
    await client.multi().del(this.#key(`token:${token.hash}`)).hDel(this.#key('tokens'), name).exec();
    return true;
  }

  async createSession(session: StoredSession, idleMs: number): Promise<void> {
    const client = await this.#client();
    const index = this.#key(`sessions-of:${session.user}`);
    await client
      .multi()
      .set(this.#key(`session:${session.key}`), JSON.stringify(session), { expiration: { type: 'PX', value: idleMs } })
      .sAdd(index, session.key)
      .pExpire(index, this.#options.sessionMaxMs)
      .exec();
  }

  async touchSession(key: string, idleMs: number): Promise<StoredSession | null> {
    const client = await this.#client();
    const raw = await client.get(this.#key(`session:${key}`));
    const session = raw ? parseSession(raw) : null;
    if (!session || session.key !== key || session.expiresAt <= this.#now()) return null;
    await client.pExpire(this.#key(`session:${key}`), Math.min(idleMs, session.expiresAt - this.#now()));
    return session;
  }

  async removeSession(key: string): Promise<boolean> {
    return (await (await this.#client()).del(this.#key(`session:${key}`))) === 1;
  }

  async removeSessionsOf(user: string): Promise<void> {
    const client = await this.#client();
    const index = this.#key(`sessions-of:${user}`);
    const keys = await client.sMembers(index);
    await client.del([index, ...keys.map((key) => this.#key(`session:${key}`))]);
  }

  async publish(event: AuthEvent): Promise<void> {
    await (await this.#client()).publish(this.#key('auth-events'), JSON.stringify(event));
  }

  async subscribe(listener: (event: AuthEvent) => void): Promise<() => void> {
    // Subscribing takes a connection of its own (RESP2 clients cannot mix pub/sub and commands).
    this.#subscriber ??= openRedis({ url: this.#options.url });
    const subscriber = this.#subscriber;
    await whenReady(subscriber, 10_000);
    const channel = this.#key('auth-events');
    const onMessage = (message: string): void => {
      const event = parseEvent(message);
      if (event) listener(event);
    };
    await subscriber.subscribe(channel, onMessage);
    return () => void subscriber.unsubscribe(channel, onMessage).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.#subscriber?.isOpen) this.#subscriber.destroy();
    this.#subscriber = null;
  }
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function parseJson(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function parseUser(name: string, raw: string): StoredUser | null {
  const value = parseJson(raw);
  if (!value || !isRole(value.role) || typeof value.passwordHash !== 'string') return null;
  return { name, role: value.role, passwordHash: value.passwordHash, createdAt: Number(value.createdAt) || 0 };
}

function parseToken(name: string, raw: string): StoredToken | null {
  const value = parseJson(raw);
  if (!value || !isRole(value.role) || typeof value.hash !== 'string') return null;
  const expiresAt = typeof value.expiresAt === 'number' ? value.expiresAt : null;
  return { name, role: value.role, hash: value.hash, createdAt: Number(value.createdAt) || 0, expiresAt };
}

function parseSession(raw: string): StoredSession | null {
  const value = parseJson(raw);
  if (!value || !isRole(value.role) || typeof value.key !== 'string' || typeof value.user !== 'string') return null;
  return { key: value.key, user: value.user, role: value.role, createdAt: Number(value.createdAt) || 0, expiresAt: Number(value.expiresAt) || 0 };
}

function parseEvent(raw: string): AuthEvent | null {
  const value = parseJson(raw);
  if (value?.kind === 'session_ended' && typeof value.key === 'string') return { kind: 'session_ended', key: value.key };
  if (value?.kind === 'user_changed' && typeof value.user === 'string') return { kind: 'user_changed', user: value.user };
  if (value?.kind === 'token_revoked' && typeof value.name === 'string') return { kind: 'token_revoked', name: value.name };
  return null;
}
