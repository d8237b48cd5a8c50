/** The audit trail on the wire: `GET /api/audit` and the `audit` channel (security, admin). */
import { Type, type Static } from '@sinclair/typebox';

import { AUDIT_ACTIONS } from './channels.js';

export const AuditEntryView = Type.Object(
  {
    at: Type.Integer({ minimum: 0 }),
    user: Type.String(),
    action: Type.Union(AUDIT_ACTIONS.map((action) => Type.Literal(action))),
    target: Type.String(),
  },
  { additionalProperties: false },
);

/** `GET /api/audit`: newest first; `next` is the `before` cursor of the next page. */
export const AuditPageView = Type.Object(
  { entries: Type.Array(AuditEntryView), next: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

/** `audit` channel data: the snapshot holds the newest entries, an update the new ones (newest first). */
export const AuditData = Type.Object({ entries: Type.Array(AuditEntryView) }, { additionalProperties: false });

export type AuditEntryView = Static<typeof AuditEntryView>;
export type AuditPageView = Static<typeof AuditPageView>;
export type AuditData = Static<typeof AuditData>;
