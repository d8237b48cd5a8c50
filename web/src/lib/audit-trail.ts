/**
 * The audit trail as one list, newest first, stitched from the `audit` channel (its
 * snapshot holds the newest entries, each update the new ones) and older pages of
 * `GET /api/audit`. Entries carry no id on the wire, so overlaps are removed by counting
 * identical entries (same time, user, action and target), which keeps two real repeats
 * in the same millisecond apart.
 */
import type { AuditEntryView } from '../../../shared/audit.js';

export type AuditAction = AuditEntryView['action'];

/** How each action reads in the list. */
export const ACTION_LABELS: Record<AuditAction, string> = {
  sign_in: 'signed in',
  sign_in_failed: 'failed to sign in',
  sign_out: 'signed out',
  alert_ack: 'acknowledged an alert',
  alert_resolve: 'resolved an alert',
  silence_create: 'created a silence',
  silence_delete: 'deleted a silence',
  user_add: 'added or updated a user',
  user_remove: 'removed a user',
  role_change: 'changed a role',
  token_create: 'created a token',
  token_revoke: 'revoked a token',
  view_collectors: 'viewed collectors',
};

/** The label of an action; an action newer than this page shows as sent. */
export function actionLabel(action: string): string {
  return (ACTION_LABELS as Record<string, string>)[action] ?? action;
}

function keyOf(entry: AuditEntryView): string {
  return JSON.stringify([entry.at, entry.user, entry.action, entry.target]);
}

function countKeys(entries: readonly AuditEntryView[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(keyOf(entry), (counts.get(keyOf(entry)) ?? 0) + 1);
  return counts;
}

/**
 * An older page (newest first) below what is held. Entries newer than everything held are
 * left to the live feed; entries within the held span are taken as already held (counting
 * repeats); only the rest is appended, so the list stays newest first without duplicates.
 */
export function appendOlder(held: readonly AuditEntryView[], page: readonly AuditEntryView[]): AuditEntryView[] {
  if (held.length === 0) return [...page];
  const oldestAt = held.at(-1)!.at;
  const counts = countKeys(held.filter((entry) => entry.at === oldestAt));
  const result = [...held];
  for (const entry of page) {
    if (entry.at > oldestAt) continue; // held already, or newer still: the live feed brings those
    if (entry.at === oldestAt) {
      const left = counts.get(keyOf(entry)) ?? 0;
      if (left > 0) {
        counts.set(keyOf(entry), left - 1);
        continue;
      }
    }
    result.push(entry);
  }
  return result;
}

/** New entries from an update (newest first) on top of what is held. */
export function prependNewer(held: readonly AuditEntryView[], newer: readonly AuditEntryView[]): AuditEntryView[] {
  return [...newer, ...held];
}

/**
 * A fresh snapshot (after a reconnect) over what is held. When it overlaps the held list,
 * the older entries below it are kept; when it does not (the socket was away for longer
 * than a snapshot reaches back), what was held is dropped, since entries in between are
 * missing, and `continuous` is false so that paging starts again from the newest.
 */
export function mergeSnapshot(held: readonly AuditEntryView[], snapshot: readonly AuditEntryView[]): { entries: AuditEntryView[]; continuous: boolean } {
  if (held.length === 0 || snapshot.length === 0) return { entries: [...snapshot], continuous: held.length === 0 };
  if (snapshot.at(-1)!.at > held[0]!.at) return { entries: [...snapshot], continuous: false };
  return { entries: appendOlder(snapshot, held), continuous: true };
}
