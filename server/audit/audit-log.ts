/**
 * Port: the audit trail — who did and viewed what — kept as a hash chain so that an
 * edited, deleted or re-ordered entry is noticed by `verify()` (see audit-chain.ts).
 * Implementations: `redis-audit-log.ts` (a stream and a Lua compare-and-set, safe with
 * several server instances) and `memory-audit-log.ts` (embedded mode). Both are checked
 * by one contract suite, `test/contract/audit-log.test.ts`.
 */
import { isAuditAction, type AuditAction } from './audit-actions.js';

/** What the caller records. `target` is what was acted on (a user name, alert id, silence id, channel) — never a secret. */
export interface AuditRecord {
  user: string;
  action: AuditAction;
  target: string;
}

/** A stored entry. `id` is a stream id (`<ms>-<seq>`), increasing: newest last. */
export interface AuditEntry extends AuditRecord {
  id: string;
  /** When it happened, ms since the epoch. */
  at: number;
  /** sha256 (hex) of the previous entry's hash and this entry's canonical fields. */
  hash: string;
}

/** One page of `list`, newest first; `next` is the cursor to pass as `before`, null on the last page. */
export interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

/** How the chain is broken: a changed entry, a missing link, or a head that is not the newest entry. */
export type AuditProblem = 'edited' | 'deleted' | 'head_mismatch';

/**
 * The outcome of walking the chain oldest → newest. On failure `entries` counts the entries
 * found intact before the problem, and `at` is the id of the entry where it shows (null
 * when the trail holds no entry at all).
 */
export type AuditVerification =
  | { ok: true; entries: number }
  | { ok: false; entries: number; problem: AuditProblem; at: string | null; message: string };

export interface AuditLog {
  /** Appends one record at the end of the chain (refuses values that may be secrets: see `checkAuditRecord`). */
  append(record: AuditRecord): Promise<AuditEntry>;
  /** Newest first, at most `limit` (1–1000) entries older than the `before` cursor. */
  list(options: { limit: number; before?: string | null }): Promise<AuditPage>;
  /** Walks the whole chain and reports the first problem, if any. */
  verify(): Promise<AuditVerification>;
  /** CSV lines (CRLF-terminated): the header `at,user,action,target`, then every entry oldest first. */
  exportCsv(): AsyncIterable<string>;
}

/** Default retention: entries older than this are trimmed as new ones are appended. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;
export const DAY_MS = 86_400_000;
/** Longest `user` or `target` accepted, in characters. */
export const MAX_AUDIT_VALUE_LENGTH = 200;
export const MAX_AUDIT_PAGE = 1000;

/** Internal codes of audit errors. The HTTP layer maps `value` and `query` to 400 `bad_request`. */
export const AuditErrorCode = {
  /** A `user`, `target` or `action` the guard refuses. */
  value: 'KW_ERR_AUDIT_VALUE',
  /** A `limit` or `before` cursor out of shape. */
  query: 'KW_ERR_AUDIT_QUERY',
  /** Other instances kept appending; this append gave up after many compare-and-set retries. */
  conflict: 'KW_ERR_AUDIT_CONFLICT',
} as const;
export type AuditErrorCode = (typeof AuditErrorCode)[keyof typeof AuditErrorCode];

/** An audit error with its code; the message never repeats the refused value. */
export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}

/*
 * Control characters (C0, DEL, C1), line and paragraph separators, bidi overrides and
 * marks, and lone surrogates. Newlines would forge lines in CSV exports and terminals,
 * escapes would drive terminals, bidi controls make a name read as another, and a lone
 * surrogate is stored and hashed as U+FFFD, so two different values would share one hash.
 */
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cs}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Refuses values that are not identifiers. The trail is kept for 400 days and read by
 * security staff and exported to spreadsheets, so it must never carry a secret: a user
 * name, alert id, silence id or channel is short and printable, while a value over 200
 * characters or with control characters is more likely a pasted token, a password or
 * typed content — or an attempt to forge log lines. Such a value is refused, not
 * truncated, so no part of it is stored; the error names the field, never the value.
 */
export function checkAuditRecord(record: AuditRecord): void {
  if (!isAuditAction(record.action)) {
    throw new AuditError(AuditErrorCode.value, 'audit action is not one of the audit actions of the spec');
  }
  checkValue('user', record.user, false);
  checkValue('target', record.target, true);
}

function checkValue(field: 'user' | 'target', value: unknown, mayBeEmpty: boolean): void {
  if (typeof value !== 'string') throw new AuditError(AuditErrorCode.value, `audit ${field} must be a string`);
  if (!mayBeEmpty && value === '') throw new AuditError(AuditErrorCode.value, `audit ${field} must not be empty`);
  if (value.length > MAX_AUDIT_VALUE_LENGTH * 2 || [...value].length > MAX_AUDIT_VALUE_LENGTH) {
    throw new AuditError(AuditErrorCode.value, `audit ${field} is longer than ${MAX_AUDIT_VALUE_LENGTH} characters; audit values are names and ids, never secrets or content`);
  }
  if (FORBIDDEN_CHARACTER.test(value)) {
    throw new AuditError(AuditErrorCode.value, `audit ${field} contains control characters; audit values are names and ids, never secrets or content`);
  }
}

const STREAM_ID = /^\d{1,16}-\d{1,16}$/;

/** Checks `list` options; returns the cursor (null: start from the newest). */
export function checkListOptions(options: { limit: number; before?: string | null }): string | null {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_AUDIT_PAGE) {
    throw new AuditError(AuditErrorCode.query, `limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}`);
  }
  const before = options.before ?? null;
  if (before !== null && !STREAM_ID.test(before)) {
    throw new AuditError(AuditErrorCode.query, 'before must be a cursor returned as `next` by an earlier page');
  }
  return before;
}
