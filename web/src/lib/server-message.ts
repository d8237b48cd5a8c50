/**
 * Reads a frame from `/ws`. The web does not ship the TypeBox runtime, so this checks the
 * envelope by hand (enough to route it without throwing) and trusts the server, which
 * validates against the shared schemas, for the rest.
 */
import type { Alert } from '../../../shared/alerts.js';
import type { ServerMessage } from '../../../shared/protocol.js';

const KNOWN_TYPES = new Set<string>(['hello', 'snapshot', 'update', 'status', 'error', 'alert']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The lists each channel's data must hold for the views to read it without throwing. */
const REQUIRED_LISTS: Record<string, readonly string[]> = {
  overview: ['points'],
  teams: ['teams', 'history'],
  collectors: ['collectors', 'topTalkers'],
  audit: ['entries'],
  pipeline: ['streams', 'recentDeadLetters', 'instances'],
};

/** Checks beyond lists: the parts a view reads without guarding. */
const REQUIRED_SHAPE: Record<string, (data: Record<string, unknown>) => boolean> = {
  pipeline: (data) => isRecord(data.source) && isRecord(data.counters) && isRecord(data.clients),
  // `alerts` is left out of a snapshot that honoured a resume; when present it is a list.
  alerts: (data) => typeof data.recovered === 'boolean' && (data.alerts === undefined || (Array.isArray(data.alerts) && data.alerts.every(isAlert))),
};

function hasListsOf(channel: string, data: Record<string, unknown>): boolean {
  return (REQUIRED_LISTS[channel] ?? []).every((field) => Array.isArray(data[field])) && (REQUIRED_SHAPE[channel]?.(data) ?? true);
}

/** Enough of an alert to file, sort and show it. */
function isAlert(value: unknown): value is Alert {
  return (
    isRecord(value) && typeof value.id === 'string' && typeof value.rule === 'string' && typeof value.severity === 'string' &&
    typeof value.state === 'string' && typeof value.lastSeen === 'number' && typeof value.count === 'number' && isRecord(value.labels)
  );
}

/** Parses one text frame; `null` for anything not a message this dashboard understands. */
export function parseServerMessage(text: string): ServerMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(message) || typeof message.type !== 'string' || !KNOWN_TYPES.has(message.type)) return null;
  switch (message.type) {
    case 'hello':
      return typeof message.tickMs === 'number' && message.tickMs > 0 ? (message as ServerMessage) : null;
    case 'snapshot':
    case 'update':
      // Channels this page has no view for pass through; the caller routes on `channel`.
      if (typeof message.channel !== 'string' || !isRecord(message.data)) return null;
      return hasListsOf(message.channel, message.data) ? (message as ServerMessage) : null;
    case 'status':
      return (message.source === 'up' || message.source === 'down') && typeof message.since === 'number'
        ? (message as ServerMessage)
        : null;
    case 'alert':
      return typeof message.id === 'string' && isAlert(message.alert) ? (message as ServerMessage) : null;
    default:
      return typeof message.message === 'string' ? (message as ServerMessage) : null;
  }
}
