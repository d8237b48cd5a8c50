/**
 * Connections made with the same credential (a wallboard's token, a user's tabs) share
 * one identity object instead of each keeping its own copy of the same strings, read
 * afresh from the account store at every upgrade: ~230 bytes of heap per connection.
 * Reference-counted, so an identity is dropped with its last connection.
 */
import type { ClientIdentity } from './client-connection.js';

export class SharedIdentities {
  readonly #byKey = new Map<string, { identity: ClientIdentity; connections: number }>();

  /** The shared object equal to `identity` (itself when it is the first); release it with `release`. */
  share(identity: ClientIdentity): ClientIdentity {
    const key = keyOf(identity);
    const entry = this.#byKey.get(key);
    if (entry) {
      entry.connections += 1;
      return entry.identity;
    }
    this.#byKey.set(key, { identity, connections: 1 });
    return identity;
  }

  /** One connection with `identity` (an object `share` returned) is gone. */
  release(identity: ClientIdentity): void {
    const key = keyOf(identity);
    const entry = this.#byKey.get(key);
    if (!entry || entry.identity !== identity) return;
    entry.connections -= 1;
    if (entry.connections <= 0) this.#byKey.delete(key);
  }

  /** How many distinct identities are held (for tests). */
  get size(): number {
    return this.#byKey.size;
  }
}

/** Everything an identity says, so that only equal identities share (JSON: no separator can be forged). */
function keyOf({ user, role, credential }: ClientIdentity): string {
  return credential.kind === 'session'
    ? JSON.stringify([user, role, 'session', credential.key, credential.expiresAt])
    : JSON.stringify([user, role, 'token', credential.name]);
}
