/**
 * The audit actions of interfaces v1 ("Audit actions"), exactly as they travel on the wire
 * (`GET /api/audit`, the `audit` channel) and in the audit stream. Add, never rename.
 */
import { AUDIT_ACTIONS, type AuditAction } from '../../shared/channels.js';

export { AUDIT_ACTIONS, type AuditAction };

const ACTION_SET: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** True when `value` is one of the audit actions of the spec. */
export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && ACTION_SET.has(value);
}
