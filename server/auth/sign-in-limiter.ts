/**
 * Limits sign-in attempts per user name and per client address (fixed windows, in
 * memory, bounded). A user's failures lock that name for the rest of the window, so
 * guessing one password is slow; an address's attempts are capped, so spraying many
 * names from one place is slow too.
 */
export interface SignInLimits {
  failuresPerUser: number;
  attemptsPerAddress: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { failuresPerUser: 5, attemptsPerAddress: 30, windowMs: 15 * 60_000 };

/** Most keys tracked at once; beyond it the oldest windows are forgotten first. */
const MAX_TRACKED = 10_000;

class WindowCounter {
  readonly #counts = new Map<string, { count: number; resetAt: number }>();

  count(key: string, now: number): number {
    const entry = this.#counts.get(key);
    return entry && entry.resetAt > now ? entry.count : 0;
  }

  resetAt(key: string): number {
    return this.#counts.get(key)?.resetAt ?? 0;
  }

  add(key: string, now: number, windowMs: number): void {
    const entry = this.#counts.get(key);
    if (entry && entry.resetAt > now) {
      entry.count += 1;
      return;
    }
    this.#counts.delete(key);
    this.#counts.set(key, { count: 1, resetAt: now + windowMs });
    if (this.#counts.size > MAX_TRACKED) this.#counts.delete(this.#counts.keys().next().value as string);
  }

  clear(key: string): void {
    this.#counts.delete(key);
  }
}

export class SignInLimiter {
  readonly #limits: SignInLimits;
  readonly #failures = new WindowCounter();
  readonly #attempts = new WindowCounter();

  constructor(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {
    this.#limits = limits;
  }

  /** Counts an attempt; returns how long to wait when it is over a limit, else 0. */
  attempt(user: string, address: string, now: number): number {
    const { failuresPerUser, attemptsPerAddress, windowMs } = this.#limits;
    this.#attempts.add(address, now, windowMs / 15);
    if (this.#attempts.count(address, now) > attemptsPerAddress) return this.#attempts.resetAt(address) - now;
    if (this.#failures.count(user, now) >= failuresPerUser) return this.#failures.resetAt(user) - now;
    return 0;
  }

  failed(user: string, now: number): void {
    this.#failures.add(user, now, this.#limits.windowMs);
  }

  succeeded(user: string): void {
    this.#failures.clear(user);
  }
}
