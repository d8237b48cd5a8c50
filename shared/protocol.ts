/**
 * WebSocket protocol v1 (`/ws`): every message either side sends, as TypeBox schemas.
 * Client and server messages are discriminated unions on `type`. See the README's
 * "WebSocket protocol" section and the handbook's interfaces.md.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Alert, AlertsSnapshotData } from './alerts.js';
import { AuditData } from './audit.js';
import { CollectorsData } from './collectors.js';
import { OverviewData } from './overview.js';
import { PipelineData } from './pipeline.js';
import { TeamsData } from './teams.js';
import { CHANNELS, ERROR_CODES, PROTOCOL_VERSION, ROLES } from './channels.js';

export {
  CHANNELS, CHANNEL_ACCESS, channelsFor, CloseCode, ERROR_CODES, MAX_CLIENT_FRAME_BYTES, PROTOCOL_VERSION, ROLES,
  type ChannelName, type ErrorCode, type Role,
} from './channels.js';

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

/** Snapshot and update messages of one channel: the same data shape for both. */
function channelMessages<C extends string, D extends TSchema>(channel: C, data: D) {
  return [
    Type.Object({ type: Type.Literal('snapshot'), channel: Type.Literal(channel), data }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('update'), channel: Type.Literal(channel), data }, { additionalProperties: false }),
  ] as const;
}

export const [TeamsSnapshotMessage, TeamsUpdateMessage] = channelMessages('teams', TeamsData);
export const [CollectorsSnapshotMessage, CollectorsUpdateMessage] = channelMessages('collectors', CollectorsData);
export const [AuditSnapshotMessage, AuditUpdateMessage] = channelMessages('audit', AuditData);
export const [PipelineSnapshotMessage, PipelineUpdateMessage] = channelMessages('pipeline', PipelineData);

export const AlertsSnapshotMessage = Type.Object(
  { type: Type.Literal('snapshot'), channel: Type.Literal('alerts'), data: AlertsSnapshotData },
  { additionalProperties: false },
);

/** Every alert transition, in order, at once; `id` is the event's resume point. */
export const AlertMessage = Type.Object(
  { type: Type.Literal('alert'), id: Type.String({ maxLength: 64 }), alert: Alert },
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
  HelloMessage, OverviewSnapshotMessage, OverviewUpdateMessage, TeamsSnapshotMessage, TeamsUpdateMessage,
  CollectorsSnapshotMessage, CollectorsUpdateMessage, AuditSnapshotMessage, AuditUpdateMessage,
  PipelineSnapshotMessage, PipelineUpdateMessage, AlertsSnapshotMessage, AlertMessage, StatusMessage, ErrorMessage,
]);

export type SubscribeMessage = Static<typeof SubscribeMessage>;
export type UnsubscribeMessage = Static<typeof UnsubscribeMessage>;
export type ClientMessage = Static<typeof ClientMessage>;
export type HelloMessage = Static<typeof HelloMessage>;
export type OverviewSnapshotMessage = Static<typeof OverviewSnapshotMessage>;
export type OverviewUpdateMessage = Static<typeof OverviewUpdateMessage>;
export type StatusMessage = Static<typeof StatusMessage>;
export type ErrorMessage = Static<typeof ErrorMessage>;
export type TeamsSnapshotMessage = Static<typeof TeamsSnapshotMessage>;
export type TeamsUpdateMessage = Static<typeof TeamsUpdateMessage>;
export type CollectorsSnapshotMessage = Static<typeof CollectorsSnapshotMessage>;
export type CollectorsUpdateMessage = Static<typeof CollectorsUpdateMessage>;
export type AuditSnapshotMessage = Static<typeof AuditSnapshotMessage>;
export type AuditUpdateMessage = Static<typeof AuditUpdateMessage>;
export type PipelineSnapshotMessage = Static<typeof PipelineSnapshotMessage>;
export type PipelineUpdateMessage = Static<typeof PipelineUpdateMessage>;
export type AlertsSnapshotMessage = Static<typeof AlertsSnapshotMessage>;
export type AlertMessage = Static<typeof AlertMessage>;
export type ServerMessage = Static<typeof ServerMessage>;

