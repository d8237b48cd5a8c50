/**
 * Alerts on the wire (interfaces.md, "Alerts"): the alert, the alert event every
 * transition produces (the `alerts` channel's messages and resume points), silences,
 * and the `alerts` channel snapshot. Types are inferred from the schemas.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Severity } from './overview.js';

export { Severity };
export type AlertSeverity = Static<typeof Severity>;

const Time = Type.Integer({ minimum: 0 });

/** Severities from the most to the least urgent. */
export const ALERT_SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;

/** Where an alert is in its lifecycle: firing → acknowledged → resolved (resolved is final). */
export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;
export const AlertState = Type.Union(ALERT_STATES.map((state) => Type.Literal(state)));
export type AlertState = Static<typeof AlertState>;

/** Label names (and silence matcher names): short lower-case identifiers. */
export const LABEL_NAME_PATTERN = '^[a-z][a-z0-9_]{0,31}$';
/** Label values are contract ids, stream keys or field names: short and printable, never content. */
export const LABEL_VALUE_MAX_LENGTH = 128;

export const AlertLabels = Type.Record(
  Type.String({ pattern: LABEL_NAME_PATTERN }),
  Type.String({ maxLength: LABEL_VALUE_MAX_LENGTH }),
  { additionalProperties: false },
);
export type AlertLabels = Static<typeof AlertLabels>;

/** Who acknowledged or resolved an alert, when, and why (`by` is `keywatch` for an automatic resolve). */
export const AlertNote = Type.Object(
  { by: Type.String({ minLength: 1, maxLength: 64 }), at: Time, note: Type.String({ maxLength: 1000 }) },
  { additionalProperties: false },
);
export type AlertNote = Static<typeof AlertNote>;

/** One alert: repeats of the same rule and labels update it (`count`, `lastSeen`). */
export const Alert = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    rule: Type.String({ pattern: LABEL_NAME_PATTERN }),
    severity: Severity,
    state: AlertState,
    /** Contract ids and numbers only: never raw content. */
    summary: Type.String({ maxLength: 500 }),
    labels: AlertLabels,
    firstSeen: Time,
    lastSeen: Time,
    count: Type.Integer({ minimum: 1 }),
    ack: Type.Union([AlertNote, Type.Null()]),
    resolved: Type.Union([AlertNote, Type.Null()]),
    silenced: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type Alert = Static<typeof Alert>;

/**
 * What happened to an alert. `repeated`: count and lastSeen changed; `auto_resolved`: its
 * condition stayed cleared long enough; `escalated`: a critical alert still unacknowledged
 * after the escalation delay (the notifier sends a second notification).
 */
export const ALERT_TRANSITIONS = [
  'opened', 'repeated', 'acknowledged', 'resolved', 'auto_resolved', 'silenced', 'unsilenced', 'escalated',
] as const;
export const AlertTransition = Type.Union(ALERT_TRANSITIONS.map((transition) => Type.Literal(transition)));
export type AlertTransition = Static<typeof AlertTransition>;

/** An alert event: the alert's state after a transition; `id` is its position in the alert event stream. */
export const AlertEvent = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }), alert: Alert, at: Time, transition: AlertTransition },
  { additionalProperties: false },
);
export type AlertEvent = Static<typeof AlertEvent>;

/** Silence matchers: `rule`, `severity` or any label name → the exact value it must have. */
export const SilenceMatchers = Type.Record(
  Type.String({ pattern: LABEL_NAME_PATTERN }),
  Type.String({ minLength: 1, maxLength: LABEL_VALUE_MAX_LENGTH }),
  { additionalProperties: false },
);
export type SilenceMatchers = Static<typeof SilenceMatchers>;

/** A silence: alerts matching every matcher are marked `silenced` and not notified until `endsAt`. */
export const Silence = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    matchers: SilenceMatchers,
    comment: Type.String({ minLength: 1, maxLength: 1000 }),
    createdBy: Type.String({ minLength: 1, maxLength: 64 }),
    createdAt: Time,
    endsAt: Time,
  },
  { additionalProperties: false },
);
export type Silence = Static<typeof Silence>;

/** `POST /api/silences` body. */
export const SilenceRequest = Type.Object(
  {
    matchers: SilenceMatchers,
    durationMs: Type.Integer({ minimum: 1 }),
    comment: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type SilenceRequest = Static<typeof SilenceRequest>;

/** `alerts` channel snapshot: every alert not resolved; left out when a resume was honoured. */
export const AlertsSnapshotData = Type.Object(
  {
    alerts: Type.Optional(Type.Array(Alert)),
    lastEventId: Type.Union([Type.String(), Type.Null()]),
    recovered: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type AlertsSnapshotData = Static<typeof AlertsSnapshotData>;
