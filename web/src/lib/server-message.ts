/**
 * Reads a frame from `/ws`. The web does not ship the TypeBox runtime, so this checks the
 * envelope by hand (enough to route it without throwing) and trusts the server, which
 * validates against the shared schemas, for the rest.
 */
import type { ServerMessage } from '../../../shared/protocol.js';

const KNOWN_TYPES = new Set<string>(['hello', 'snapshot', 'update', 'status', 'error']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
      // Other channels (teams, alerts, …) pass through; the caller routes on `channel`.
      if (typeof message.channel !== 'string' || !isRecord(message.data)) return null;
      if (message.channel === 'overview' && !Array.isArray(message.data.points)) return null;
      return message as ServerMessage;
    case 'status':
      return (message.source === 'up' || message.source === 'down') && typeof message.since === 'number'
        ? (message as ServerMessage)
        : null;
    default:
      return typeof message.message === 'string' ? (message as ServerMessage) : null;
  }
}
