/**
 * Accounts, tokens and sessions: signing in and out, authenticating a request or an
 * upgrade, and managing users and tokens — each change audited and, where it ends
 * credentials, announced so that every instance closes the affected sockets.
 */
import { ROLES, type Role } from '../../shared/channels.js';
import type { AuditRecord } from '../audit/audit-log.js';
import type { AccountStore, StoredSession } from './account-store.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { newPassword, newSecret, secretHash } from './secrets.js';
import { SignInLimiter } from './sign-in-limiter.js';

/** User and token names: lower-case ids, so they are safe in logs, audit entries and keys. */
export const ACCOUNT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export type Credential = { kind: 'session'; key: string; expiresAt: number } | { kind: 'token'; name: string };

/** Who a request or socket acts as. */
export interface Identity {
  user: string;
  role: Role;
  credential: Credential;
}

/** Where audited actions go (the audit trail's `append`). */
export type AuditSink = (record: AuditRecord) => Promise<unknown>;

export type SignInResult =
  | { ok: true; sessionId: string; identity: Identity }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

export interface AuthServiceOptions {
  store: AccountStore;
  audit: AuditSink;
  sessionIdleMs: number;
  sessionMaxMs: number;
  limiter?: SignInLimiter;
  now?: () => number;
}

export class AccountError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function checkName(kind: string, name: string): void {
  if (!ACCOUNT_NAME_PATTERN.test(name)) {
    throw new AccountError(400, `${kind} names are 1–64 of a-z 0-9 . _ - and start with a letter or digit.`);
  }
}

export class AuthService {
  readonly #options: AuthServiceOptions;
  readonly #limiter: SignInLimiter;
  readonly #now: () => number;

  constructor(options: AuthServiceOptions) {
    this.#options = options;
    this.#limiter = options.limiter ?? new SignInLimiter();
    this.#now = options.now ?? Date.now;
  }

  get store(): AccountStore {
    return this.#options.store;
  }

  /** Checks a password; the same answer, in the same time, for an unknown user and a wrong password. */
  async signIn(userName: string, password: string, address: string): Promise<SignInResult> {
    const now = this.#now();
    const waitMs = this.#limiter.attempt(userName, address, now);
    if (waitMs > 0) return { ok: false, reason: 'rate_limited', retryAfterMs: waitMs };
    const user = ACCOUNT_NAME_PATTERN.test(userName) ? await this.#options.store.getUser(userName) : null;
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !matches) {
      this.#limiter.failed(userName, now);
      // Only a known name is audited as such: an unknown one may be a password typed in the wrong box.
      await this.#options.audit({ user: user ? user.name : '(unknown)', action: 'sign_in_failed', target: address });
      return { ok: false, reason: 'invalid' };
    }
    this.#limiter.succeeded(userName);
    const sessionId = newSecret('kws');
    const session: StoredSession = {
      key: secretHash(sessionId), user: user.name, role: user.role, createdAt: now, expiresAt: now + this.#options.sessionMaxMs,
    };
    await this.#options.store.createSession(session, this.#options.sessionIdleMs);
    await this.#options.audit({ user: user.name, action: 'sign_in', target: address });
    return { ok: true, sessionId, identity: { user: user.name, role: user.role, credential: { kind: 'session', key: session.key, expiresAt: session.expiresAt } } };
  }

  /** Ends the identity's session (a token cannot sign out; it is revoked instead). */
  async signOut(identity: Identity): Promise<void> {
    if (identity.credential.kind !== 'session') return;
    await this.#options.store.removeSession(identity.credential.key);
    await this.#options.store.publish({ kind: 'session_ended', key: identity.credential.key });
    await this.#options.audit({ user: identity.user, action: 'sign_out', target: 'session' });
  }

  /** Resolves a session cookie value or a bearer token to an identity, or null. */
  async authenticate(credentials: { sessionId?: string | undefined; bearer?: string | undefined }): Promise<Identity | null> {
    if (credentials.sessionId) {
      const session = await this.#options.store.touchSession(secretHash(credentials.sessionId), this.#options.sessionIdleMs);
      if (session) return { user: session.user, role: session.role, credential: { kind: 'session', key: session.key, expiresAt: session.expiresAt } };
    }
    if (credentials.bearer) {
      const token = await this.#options.store.tokenByHash(secretHash(credentials.bearer));
      if (token) return { user: `token:${token.name}`, role: token.role, credential: { kind: 'token', name: token.name } };
    }
    return null;
  }

  /** Creates or updates a user; generates a password when none is given (returned once). */
  async putUser(actor: string, name: string, role: Role, password?: string): Promise<{ created: boolean; password: string | null }> {
    checkName('User', name);
    if (password !== undefined && (password.length < 12 || password.length > 256)) {
      throw new AccountError(400, 'Passwords are 12 to 256 characters long.');
    }
    const existing = await this.#options.store.getUser(name);
    const generated = password === undefined ? newPassword() : null;
    await this.#options.store.putUser({
      name, role, passwordHash: await hashPassword(password ?? generated!), createdAt: existing?.createdAt ?? this.#now(),
    });
    if (existing) {
      // A new password or role ends the user's sessions everywhere.
      await this.#options.store.removeSessionsOf(name);
      await this.#options.store.publish({ kind: 'user_changed', user: name });
    }
    await this.#options.audit({ user: actor, action: existing && existing.role !== role ? 'role_change' : 'user_add', target: name });
    return { created: !existing, password: generated };
  }

  async setRole(actor: string, name: string, role: Role): Promise<void> {
    if (actor === name) throw new AccountError(409, 'You cannot change your own role: ask another admin (this keeps at least one admin able to act).');
    const user = await this.#options.store.getUser(name);
    if (!user) throw new AccountError(404, `No user ${name}.`);
    await this.#options.store.putUser({ ...user, role });
    await this.#options.store.removeSessionsOf(name);
    await this.#options.store.publish({ kind: 'user_changed', user: name });
    await this.#options.audit({ user: actor, action: 'role_change', target: `${name}:${role}` });
  }

  async removeUser(actor: string, name: string): Promise<void> {
    if (actor === name) throw new AccountError(409, 'You cannot remove yourself: ask another admin.');
    if (!(await this.#options.store.removeUser(name))) throw new AccountError(404, `No user ${name}.`);
    await this.#options.store.publish({ kind: 'user_changed', user: name });
    await this.#options.audit({ user: actor, action: 'user_remove', target: name });
  }

  /** Creates (or replaces) a named token; the token itself is returned once and never stored. */
  async createToken(actor: string, name: string, role: Role, ttlDays: number | null): Promise<{ token: string; expiresAt: number | null }> {
    checkName('Token', name);
    const token = newSecret('kwt');
    const now = this.#now();
    const expiresAt = ttlDays === null ? null : now + ttlDays * 86_400_000;
    const replaced = (await this.#options.store.listTokens()).some((existing) => existing.name === name);
    await this.#options.store.putToken({ name, role, hash: secretHash(token), createdAt: now, expiresAt });
    if (replaced) await this.#options.store.publish({ kind: 'token_revoked', name });
    await this.#options.audit({ user: actor, action: 'token_create', target: name });
    return { token, expiresAt };
  }

  async revokeToken(actor: string, name: string): Promise<void> {
    if (!(await this.#options.store.removeToken(name))) throw new AccountError(404, `No token ${name}.`);
    await this.#options.store.publish({ kind: 'token_revoked', name });
    await this.#options.audit({ user: actor, action: 'token_revoke', target: name });
  }
}
