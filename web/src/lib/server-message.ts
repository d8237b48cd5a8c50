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

/** The lists each channel's data must hold for the views to read it without throwing. */
const REQUIRED_LISTS: Record<string, readonly string[]> = {
  overview: ['points'],
  teams: ['teams', 'history'],
  collectors: ['collectors', 'topTalkers'],
  audit: ['entries'],
};

function hasListsOf(channel: string, data: Record<string, unknown>): boolean {
  return (REQUIRED_LISTS[channel] ?? []).every((field) => Array.isArray(data[field]));
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
    default:
      return typeof message.message === 'string' ? (message as ServerMessage) : null;
  }
}
