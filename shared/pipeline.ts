/** The `pipeline` channel's data (on-call, security, admin): is Keywatch's own pipeline well? */
import { Type, type Static } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });

export const PipelineStream = Type.Object(
  {
    stream: Type.Union([Type.Literal('collect'), Type.Literal('security')]),
    /** Entries applied per second, over the last 10 s. */
    ratePerSec: Type.Number({ minimum: 0 }),
    /** Entries in the stream not yet delivered to the consumer group (XINFO GROUPS lag); null when Redis cannot tell. */
    backlog: Type.Union([Count, Type.Null()]),
    /** Entries delivered but not yet acknowledged. */
    pending: Count,
  },
  { additionalProperties: false },
);

export const DeadLetterView = Type.Object(
  { stream: Type.String(), id: Type.String(), reason: Type.String(), field: Type.String() },
  { additionalProperties: false },
);

export const PipelineData = Type.Object(
  {
    at: Count,
    source: Type.Object(
      {
        state: Type.Union([Type.Literal('up'), Type.Literal('down')]),
        since: Count,
        lagMs: Count,
        reason: Type.Union([Type.String(), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    streams: Type.Array(PipelineStream),
    /** Counters since the store began: accepted_collect, late, skewed, rejected_<reason>, … */
    counters: Type.Record(Type.String(), Count),
    recentDeadLetters: Type.Array(DeadLetterView),
    clients: Type.Record(Type.String(), Count),
    instances: Type.Array(Type.Object({ id: Type.String(), startedAt: Count, lastSeen: Count }, { additionalProperties: false })),
    /** Entries trimmed from the streams by their producers before Keywatch read them, since this server started. */
    trimmedUnread: Type.Object(
      {
        incidents: Count,
        entries: Count,
        last: Type.Union([
          Type.Object(
            // afterMs 0: the group had read nothing from the stream, so the gap starts at its beginning.
            { stream: Type.String(), entries: Type.Union([Count, Type.Null()]), afterMs: Count, throughMs: Count },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
      },
      { additionalProperties: false },
    ),
    /** Set once the source came back without its data (its epoch marker replaced), while this server runs. */
    dataLoss: Type.Union([Type.Object({ detectedAt: Count, epochStartedAt: Count }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false },
);

export type PipelineStream = Static<typeof PipelineStream>;
export type PipelineData = Static<typeof PipelineData>;
