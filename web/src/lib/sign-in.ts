/** What the sign-in page says when signing in did not work, and how long to wait after too many tries. */
import type { ApiFailure } from './api.js';

/** `45 seconds`, `1 minute`, `15 minutes`: a wait, rounded up to what a person would say. */
export function formatWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return whole === 1 ? '1 second' : `${whole} seconds`;
  const minutes = Math.ceil(whole / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** The error shown under the sign-in form for a failed `POST /api/session`. */
export function signInErrorText(failure: ApiFailure): string {
  switch (failure.status) {
    case 401:
      return 'Unknown user or wrong password.';
    case 429:
      return failure.retryAfterSeconds === null
        ? 'Too many sign-in attempts. Wait a while, then try again.'
        : `Too many sign-in attempts. Try again in ${formatWait(failure.retryAfterSeconds)}.`;
    case 0:
      return failure.message;
    default:
      return `Could not sign in: ${failure.message}`;
  }
}
