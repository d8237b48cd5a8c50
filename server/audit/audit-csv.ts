/**
 * CSV of the audit trail (RFC 4180: CRLF line ends, fields with a comma, quote or line
 * break quoted, quotes doubled), made safe to open in a spreadsheet.
 */
import type { AuditEntry } from './audit-log.js';

export const AUDIT_CSV_HEADER = 'at,user,action,target\r\n';

/**
 * One cell. A cell starting with = + - @ (or a tab or CR) would be run as a formula by
 * spreadsheet programs (CSV injection, OWASP), so it gets a leading apostrophe — a user
 * named `=HYPERLINK(…)` is shown as text, never evaluated.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line for an entry, `at` in ms since the epoch like every time on the wire. */
export function csvLine(entry: Pick<AuditEntry, 'at' | 'user' | 'action' | 'target'>): string {
  return `${[String(entry.at), entry.user, entry.action, entry.target].map(csvCell).join(',')}\r\n`;
}
