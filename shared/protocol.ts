/**
 * WebSocket protocol v1 (`/ws`): every message either side sends, as TypeBox schemas.
 * Client and server messages are discriminated unions on `type`. See the README's
 * "WebSocket protocol" section and the handbook's interfaces.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { OverviewData } from './overview.js';

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

const Channel = Type.Union(CHANNELS.map((name) => Type.Literal(name)));

// Channel names in client messages are validated by the server, which answers
// `unknown_channel` per name, so the schema accepts any short string here.
const ChannelNameList = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 });

export const SubscribeMessage = Type.Object(
  {
    type: Type.Literal('subscribe'),
    channels: ChannelNameList,
    resume: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false },
);

export const UnsubscribeMessage = Type.Object(
  { type: Type.Literal('unsubscribe'), channels: ChannelNameList },
  { additionalProperties: false },
);

export const ClientMessage = Type.Union([SubscribeMessage, UnsubscribeMessage]);

export const HelloMessage = Type.Object(
  {
    type: Type.Literal('hello'),
    protocol: Type.Literal(PROTOCOL_VERSION),
    user: Type.String(),
    role: Type.Union(ROLES.map((role) => Type.Literal(role))),
    channels: Type.Array(Channel),
    tickMs: Type.Integer({ minimum: 1 }),
    mode: Type.Union([Type.Literal('redis'), Type.Literal('embedded')]),
  },
  { additionalProperties: false },
);

export const OverviewSnapshotMessage = Type.Object(
  { type: Type.Literal('snapshot'), channel: Type.Literal('overview'), data: OverviewData },
  { additionalProperties: false },
);

export const OverviewUpdateMessage = Type.Object(
  { type: Type.Literal('update'), channel: Type.Literal('overview'), data: OverviewData },
  { additionalProperties: false },
);

export const StatusMessage = Type.Object(
  {
    type: Type.Literal('status'),
    source: Type.Union([Type.Literal('up'), Type.Literal('down')]),
    since: Type.Integer({ minimum: 0 }),
    lagMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const ERROR_CODES = ['forbidden', 'unknown_channel', 'bad_request', 'rate_limited'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorMessage = Type.Object(
  {
    type: Type.Literal('error'),
    code: Type.Union(ERROR_CODES.map((code) => Type.Literal(code))),
    channel: Type.Optional(Type.String()),
    message: Type.String(),
  },
  { additionalProperties: false },
);

export const ServerMessage = Type.Union([
  HelloMessage, OverviewSnapshotMessage, OverviewUpdateMessage, StatusMessage, ErrorMessage,
]);

export type SubscribeMessage = Static<typeof SubscribeMessage>;
export type UnsubscribeMessage = Static<typeof UnsubscribeMessage>;
export type ClientMessage = Static<typeof ClientMessage>;
export type HelloMessage = Static<typeof HelloMessage>;
export type OverviewSnapshotMessage = Static<typeof OverviewSnapshotMessage>;
export type OverviewUpdateMessage = Static<typeof OverviewUpdateMessage>;
export type StatusMessage = Static<typeof StatusMessage>;
export type ErrorMessage = Static<typeof ErrorMessage>;
export type ServerMessage = Static<typeof ServerMessage>;

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
