/**
 * The hash chain both adapters store and verify.
 *
 *   hash = hex(sha256(prev + "\n" + JSON.stringify({ at, user, action, target })))
 *
 * with the keys in exactly that order, `at` a JSON number, and `prev` the previous entry's
 * hash ('' for the very first entry). A head key holds the newest hash, and an anchor
 * key the hash of the newest entry trimmed away by retention — what the oldest kept
 * entry's `prev` must be ('' while nothing has been trimmed). Anyone can recompute the
 * chain from an export of the stream with these rules alone.
 */
import { createHash } from 'node:crypto';
import type { AuditAction } from './audit-actions.js';
import type { AuditEntry, AuditVerification } from './audit-log.js';

/** An entry as stored, every field a string exactly as read back (so tampering stays visible). */
export interface StoredAuditEntry {
  id: string;
  at: string;
  user: string;
  action: string;
  target: string;
  prev: string;
  hash: string;
}

/** The chain's ends, read together at one instant. */
export interface ChainEnds {
  head: string;
  anchor: string;
}

/** The hash of an entry whose fields are given as stored. */
export function entryHash(prev: string, fields: Pick<StoredAuditEntry, 'at' | 'user' | 'action' | 'target'>): string {
  // A stored `at` that is not the canonical text of a number ("012", "1e3") is hashed as a
  // string, so that a re-spelling of the time still counts as an edit.
  const atNumber = Number(fields.at);
  const at = fields.at !== '' && String(atNumber) === fields.at ? atNumber : fields.at;
  const canonical = JSON.stringify({ at, user: fields.user, action: fields.action, target: fields.target });
  return createHash('sha256').update(`${prev}\n${canonical}`).digest('hex');
}

/** The public shape of a stored entry. */
export function toAuditEntry(stored: StoredAuditEntry): AuditEntry {
  const at = Number(stored.at);
  return {
    id: stored.id,
    at: Number.isFinite(at) ? at : 0,
    user: stored.user,
    action: stored.action as AuditAction,
    target: stored.target,
    hash: stored.hash,
  };
}

/**
 * Walks `entries` oldest → newest and reports the first break:
 * - `edited`: an entry's fields (or its `prev`) no longer give its hash;
 * - `deleted`: an entry's `prev` is not the hash of the entry before it (or, for the
 *   oldest kept entry, not the anchor) — an entry is missing or the head was rewritten
 *   before this entry was appended;
 * - `head_mismatch`: the head is not the newest entry's hash (the newest entry was
 *   deleted, or the head rewritten).
 * `ends` must have been read no earlier than the newest entry walked.
 */
export async function verifyChain(entries: AsyncIterable<StoredAuditEntry> | Iterable<StoredAuditEntry>, ends: ChainEnds): Promise<AuditVerification> {
  let expectedPrev = ends.anchor;
  let intact = 0;
  let newest: StoredAuditEntry | null = null;
  for await (const entry of entries) {
    // Hash first: an edited `prev` is an edit, not a deletion.
    if (entryHash(entry.prev, entry) !== entry.hash) {
      return broken(intact, 'edited', entry.id, `entry ${entry.id} was changed after it was written (its fields no longer match its hash)`);
    }
    if (entry.prev !== expectedPrev) {
      const what = newest === null ? 'the oldest kept entry does not continue from the trimmed ones' : `it does not follow entry ${newest.id}`;
      return broken(intact, 'deleted', entry.id, `an entry before ${entry.id} is missing (${what}), or the head was rewritten before ${entry.id} was appended`);
    }
    expectedPrev = entry.hash;
    newest = entry;
    intact += 1;
  }
  if (ends.head !== (newest?.hash ?? '')) {
    const message =
      newest === null
        ? 'the trail is empty but its head names an entry: every entry was deleted'
        : `the head does not name the newest entry ${newest.id}: a newer entry was deleted, or the head rewritten`;
    return broken(intact, 'head_mismatch', newest?.id ?? null, message);
  }
  if (newest === null && ends.anchor !== '') {
    return broken(0, 'deleted', null, 'the trail is empty but entries were kept before: every entry was deleted');
  }
  return { ok: true, entries: intact };
}

function broken(entries: number, problem: 'edited' | 'deleted' | 'head_mismatch', at: string | null, message: string): AuditVerification {
  return { ok: false, entries, problem, at, message };
}
