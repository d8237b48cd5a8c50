/**
 * The alert book's serialised state: plain JSON the lead persists (e.g. one Redis key
 * written in the same transaction as the events it produced) and checks on load.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Alert, AlertTransition, Silence } from '../../shared/alerts.js';

export const ALERT_BOOK_STATE_VERSION = 1;

const Time = Type.Integer({ minimum: 0 });
const NullableTime = Type.Union([Time, Type.Null()]);

/** One alert with what the lifecycle needs to know about it (times by the book's clock). */
export const AlertRecord = Type.Object(
  {
    alert: Alert,
    /** Deduplication key (rule and labels). */
    key: Type.String(),
    lifecycle: Type.Union([Type.Literal('event'), Type.Literal('condition')]),
    openedAt: Time,
    lastRaisedAt: Time,
    /** Condition alerts: when the condition was reported cleared (and not raised since). */
    clearedAt: NullableTime,
    escalated: Type.Boolean(),
    /** When its last event was sent; a new one may go out `coalesceMs` later. */
    lastEmittedAt: NullableTime,
    /** A transition held back by coalescing, sent with the alert's state on a later tick. */
    pending: Type.Union([AlertTransition, Type.Null()]),
  },
  { additionalProperties: false },
);
export type AlertRecord = Static<typeof AlertRecord>;

export const AlertBookState = Type.Object(
  {
    version: Type.Literal(ALERT_BOOK_STATE_VERSION),
    alertSeq: Type.Integer({ minimum: 0 }),
    silenceSeq: Type.Integer({ minimum: 0 }),
    /** Open alerts and the most recently resolved ones, in the order they opened. */
    records: Type.Array(AlertRecord),
    /** Active silences. */
    silences: Type.Array(Silence),
    /** Recent automatic resolves per deduplication key (for flapping hysteresis). */
    autoResolves: Type.Record(Type.String(), Type.Array(Time)),
  },
  { additionalProperties: false },
);
export type AlertBookState = Static<typeof AlertBookState>;
