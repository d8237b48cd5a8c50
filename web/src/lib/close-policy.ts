/**
 * What the dashboard does when its socket closes, by close code (see the protocol's
 * close codes and `CloseCode` in shared/protocol.ts).
 */
import { CloseCode } from '../../../shared/channels.js';

/** `stop`: the session is over, reconnecting would only be refused; `reconnect`: try again with backoff. */
export type CloseAction = 'reconnect' | 'stop';

/**
 * 1008 (signed out, expired, revoked, role changed) stops; everything else reconnects:
 * 1001 server going away and 1013 slow client by definition, and 1000/1006/others because
 * a monitor that silently stops updating is worse than one that keeps retrying.
 */
export function closeAction(code: number): CloseAction {
  return code === CloseCode.policy ? 'stop' : 'reconnect';
}

/**
 * How long without an overview update before the figures count as stale. The server pushes
 * every tick in which something changed, and a new second (with zeros if nothing arrived)
 * starts every 1000 ms, so a healthy link is never quiet for a whole second; "about three
 * ticks" with a floor of two seconds and a tick keeps a quiet source from flickering.
 */
export function staleAfterMs(tickMs: number): number {
  return Math.max(3 * tickMs, 2000 + tickMs);
}
