/**
 * What the dashboard does when its socket closes, by close code (see the protocol's
 * close codes and `CloseCode` in shared/protocol.ts).
 */
import { CloseCode } from '../../../shared/channels.js';

/**
 * `stop`: the session is over, reconnecting would only be refused; `reconnect`: try again
 * with backoff; `check-session`: ask `/api/me` first, then stop or reconnect.
 */
export type CloseAction = 'reconnect' | 'stop' | 'check-session';

/**
 * 1008 (signed out, expired, revoked, role changed) stops. A socket the server never
 * greeted was refused at the upgrade or never reached it; a browser reports both as 1006
 * and hides the HTTP status, so whether the session still holds must be asked over HTTP
 * (a restarted embedded server, for one, knows no sessions). Everything else reconnects:
 * 1001 server going away and 1013 slow client by definition, and 1000/1006/others because
 * a monitor that silently stops updating is worse than one that keeps retrying.
 * @param greeted whether this socket received `hello`
 */
export function closeAction(code: number, greeted: boolean): CloseAction {
  if (code === CloseCode.policy) return 'stop';
  return greeted ? 'reconnect' : 'check-session';
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
