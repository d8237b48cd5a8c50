import { describe, expect, it } from 'vitest';
import { formatWait, signInErrorText } from './sign-in.js';

const failure = (status: number, retryAfterSeconds: number | null = null, message = 'server says no') =>
  ({ status, code: 'x', message, retryAfterSeconds });

describe('signInErrorText', () => {
  it('says the same for an unknown user and a wrong password', () => {
    expect(signInErrorText(failure(401))).toBe('Unknown user or wrong password.');
  });

  it('names the wait after too many attempts', () => {
    expect(signInErrorText(failure(429, 897))).toBe('Too many sign-in attempts. Try again in 15 minutes.');
    expect(signInErrorText(failure(429, 30))).toBe('Too many sign-in attempts. Try again in 30 seconds.');
    expect(signInErrorText(failure(429))).toBe('Too many sign-in attempts. Wait a while, then try again.');
  });

  it("passes other problems on in the server's words", () => {
    expect(signInErrorText(failure(0, null, 'Cannot reach the Keywatch server.'))).toBe('Cannot reach the Keywatch server.');
    expect(signInErrorText(failure(403, null, 'Origin not allowed: add it to KW_ALLOWED_ORIGINS.'))).toBe(
      'Could not sign in: Origin not allowed: add it to KW_ALLOWED_ORIGINS.',
    );
  });
});

describe('formatWait', () => {
  it('rounds up to seconds or minutes', () => {
    expect(formatWait(0.2)).toBe('1 second');
    expect(formatWait(59)).toBe('59 seconds');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(61)).toBe('2 minutes');
  });
});
