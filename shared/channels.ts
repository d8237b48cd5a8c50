/**
 * Protocol constants — version, channels, roles, who may see what, close and error
 * codes — free of TypeBox so that the browser bundle can import them (protocol.ts builds
 * the message schemas from these and re-exports them).
 */

export const PROTOCOL_VERSION = 1;

/** Largest frame a client may send; larger ones close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

export const CHANNELS = ['overview', 'teams', 'alerts', 'collectors', 'pipeline', 'audit'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const ROLES = ['admin', 'security', 'oncall', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/** Close codes the server uses, and what a client should do about each. */
export const CloseCode = {
  /** Normal closure. */
  normal: 1000,
  /** Server shutting down: reconnect with backoff. */
  goingAway: 1001,
  /** Signed out, session expired or revoked, role changed: do not reconnect without signing in. */
  policy: 1008,
  /** Frame too big. */
  tooBig: 1009,
  /** Slow client: reconnect and resume. */
  tryAgainLater: 1013,
} as const;

export const ERROR_CODES = ['forbidden', 'unknown_channel', 'bad_request', 'rate_limited'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Which roles may subscribe to which channel (the server enforces it; the UI mirrors it). */
export const CHANNEL_ACCESS: Record<ChannelName, readonly Role[]> = {
  overview: ['admin', 'security', 'oncall', 'manager'],
  teams: ['admin', 'security', 'oncall', 'manager'],
  alerts: ['admin', 'security', 'oncall'],
  collectors: ['admin', 'security', 'oncall'],
  pipeline: ['admin', 'security', 'oncall'],
  audit: ['admin', 'security'],
};

/** The channels a role may subscribe to, in protocol order. */
export function channelsFor(role: Role): ChannelName[] {
  return CHANNELS.filter((channel) => CHANNEL_ACCESS[channel].includes(role));
}

/** The audit actions of interfaces v1 ("Audit actions"), as they travel and are stored. Add, never rename. */
export const AUDIT_ACTIONS = [
  'sign_in', 'sign_in_failed', 'sign_out', 'alert_ack', 'alert_resolve', 'silence_create', 'silence_delete',
  'user_add', 'user_remove', 'role_change', 'token_create', 'token_revoke', 'view_collectors',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
