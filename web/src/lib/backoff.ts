/**
 * Reconnect delays: exponential backoff with "equal jitter" and a cap, so a server restart
 * does not bring every dashboard back in the same millisecond, yet the first retry is quick.
 */

/** Tuning for {@link backoffDelayMs}. */
export interface BackoffPolicy {
  /** Ceiling of the first delay, ms. */
  readonly baseMs: number;
  /** No delay exceeds this, ms. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 10_000 };

/**
 * The delay before reconnect attempt number `attempt` (0 for the first retry): the ceiling
 * doubles per attempt up to the cap, and the delay is drawn from the upper half of it.
 * @param random a number in [0, 1); injectable for tests
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30); // 2^30 already dwarfs any cap
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
