import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../shared/channels.js';
import { closeAction, staleAfterMs } from './close-policy.js';

describe('closeAction', () => {
  it('stops on 1008 whether or not the socket was greeted', () => {
    expect(closeAction(CloseCode.policy, true)).toBe('stop');
    expect(closeAction(CloseCode.policy, false)).toBe('stop');
  });

  it('reconnects a socket that was live', () => {
    for (const code of [CloseCode.normal, CloseCode.goingAway, CloseCode.tooBig, CloseCode.tryAgainLater, 1006, 1011]) {
      expect(closeAction(code, true)).toBe('reconnect');
    }
  });

  it('checks the session when the upgrade failed (a refused 401 looks like 1006)', () => {
    expect(closeAction(1006, false)).toBe('check-session');
  });
});

describe('staleAfterMs', () => {
  it('waits about three ticks, at least two seconds and a tick', () => {
    expect(staleAfterMs(250)).toBe(2250);
    expect(staleAfterMs(1000)).toBe(3000);
    expect(staleAfterMs(2000)).toBe(6000);
  });
});
