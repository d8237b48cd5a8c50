/** What the header says about the link to the server, from the connection's state. */
import { formatAge, formatClock } from './format.js';

/** The link's state as the dashboard shows it. */
export type ConnectionState = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'signed-out';

/** Colour family of the status pill: green, amber, grey, red. */
export type Tone = 'ok' | 'warn' | 'muted' | 'bad';

/** Inputs to {@link describeConnection}. */
export interface ConnectionView {
  readonly state: ConnectionState;
  readonly nowMs: number;
  /** When the last overview snapshot or update arrived (client clock). */
  readonly lastUpdateMs: number | null;
  /** Set while the server reports the stream source down. */
  readonly sourceDownSinceMs: number | null;
}

/**
 * The status line. Precedence: a dead session, then the socket, then the source, then
 * freshness: "Source down" is only believable on a working link, and a working link with a
 * dead source is worse news than a late tick.
 */
export function describeConnection(view: ConnectionView): { tone: Tone; text: string } {
  switch (view.state) {
    case 'signed-out':
      return { tone: 'bad', text: 'Signed out' };
    case 'connecting':
      return { tone: 'muted', text: 'Connecting…' };
    case 'reconnecting':
      return { tone: 'warn', text: 'Reconnecting…' };
    default:
      break;
  }
  if (view.sourceDownSinceMs !== null) return { tone: 'bad', text: `Source down since ${formatClock(view.sourceDownSinceMs)}` };
  if (view.state === 'stale') {
    const age = view.lastUpdateMs === null ? 'never' : `${formatAge(view.nowMs, view.lastUpdateMs)} ago`;
    return { tone: 'muted', text: `Stale — last update ${age}` };
  }
  return { tone: 'ok', text: 'Live' };
}
