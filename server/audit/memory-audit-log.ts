/**
 * Embedded-mode adapter of the AuditLog port. Same chain, compare-and-set and retention
 * rules as the Redis adapter, over a `MemoryAuditStore` that stands in for the Redis keys
 * (several logs may share one store, as several instances share one Redis). Nothing is
 * persisted: embedded mode keeps nothing across restarts.
 */
import { compareStreamIds } from '../ingest/stream-source.js';
import { entryHash, toAuditEntry, verifyChain, type StoredAuditEntry } from './audit-chain.js';
import { AUDIT_CSV_HEADER, csvLine } from './audit-csv.js';
import {
  AuditError,
  AuditErrorCode,
  checkAuditRecord,
  checkListOptions,
  DAY_MS,
  DEFAULT_AUDIT_RETENTION_DAYS,
  type AuditEntry,
  type AuditLog,
  type AuditPage,
  type AuditRecord,
  type AuditVerification,
} from './audit-log.js';

/** The outcome of a compare-and-set append. */
export type AppendOutcome = { appended: true; id: string } | { appended: false; head: string };

/**
 * The stored data: the in-process twin of `<prefix>audit`, `audit:head` and
 * `audit:anchor`. Its fields are public the way Redis keys are reachable: tests tamper
 * with them to check that `verify` notices; production code goes through MemoryAuditLog.
 */
export class MemoryAuditStore {
  /** Entries oldest first, fields as stored. */
  readonly entries: StoredAuditEntry[] = [];
  /** The newest entry's hash, '' before the first entry. */
  head = '';
  /** The hash of the newest entry trimmed by retention: what the oldest kept entry's `prev` must be. */
  anchor = '';
  /** The last id handed out (kept when entries are removed, like a stream's last-generated-id). */
  #lastMs = -1;
  #lastSeq = 0;

  /**
   * Appends only if the head is still `expectedPrev`; first trims entries whose id time
   * is below `trimBelowMs` (null: no trimming), remembering the newest trimmed hash.
   */
  appendIfHead(expectedPrev: string, fields: Omit<StoredAuditEntry, 'id' | 'prev'>, trimBelowMs: number | null): AppendOutcome {
    if (this.head !== expectedPrev) return { appended: false, head: this.head };
    const at = Number(fields.at);
    if (at > this.#lastMs) {
      this.#lastMs = at;
      this.#lastSeq = 0;
    } else {
      this.#lastSeq += 1;
    }
    const id = `${this.#lastMs}-${this.#lastSeq}`;
    this.entries.push({ id, ...fields, prev: expectedPrev });
    this.head = fields.hash;
    if (trimBelowMs !== null) {
      let trimmed = 0;
      while (trimmed < this.entries.length && idTime(this.entries[trimmed]!.id) < trimBelowMs) trimmed += 1;
      if (trimmed > 0) {
        this.anchor = this.entries[trimmed - 1]!.hash;
        this.entries.splice(0, trimmed);
      }
    }
    return { appended: true, id };
  }
}

export interface MemoryAuditLogOptions {
  /** Shared store; a new one when omitted. */
  store?: MemoryAuditStore;
  /** Entries older than this are trimmed on append; default 400 days. */
  retentionMs?: number;
  now?: () => number;
}

export class MemoryAuditLog implements AuditLog {
  readonly store: MemoryAuditStore;
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(options: MemoryAuditLogOptions = {}) {
    this.store = options.store ?? new MemoryAuditStore();
    this.#retentionMs = options.retentionMs ?? DEFAULT_AUDIT_RETENTION_DAYS * DAY_MS;
    this.#now = options.now ?? Date.now;
  }

  async append(record: AuditRecord): Promise<AuditEntry> {
    checkAuditRecord(record);
    const at = String(Math.floor(this.#now()));
    const trimBelowMs = this.#retentionMs > 0 && Number(at) > this.#retentionMs ? Number(at) - this.#retentionMs : null;
    // Single-threaded: the head read here is still the head at the compare-and-set below.
    const prev = this.store.head;
    const fields = { at, user: record.user, action: record.action, target: record.target };
    const hash = entryHash(prev, fields);
    const outcome = this.store.appendIfHead(prev, { ...fields, hash }, trimBelowMs);
    if (!outcome.appended) throw new AuditError(AuditErrorCode.conflict, 'the audit head moved during an append');
    return toAuditEntry({ id: outcome.id, ...fields, prev, hash });
  }

  async list(options: { limit: number; before?: string | null }): Promise<AuditPage> {
    const before = checkListOptions(options);
    const older = before === null ? this.store.entries : this.store.entries.filter((entry) => compareStreamIds(entry.id, before) < 0);
    const page = older.slice(-options.limit).reverse().map(toAuditEntry);
    const next = older.length > options.limit ? page[page.length - 1]!.id : null;
    return { entries: page, next };
  }

  async verify(): Promise<AuditVerification> {
    return verifyChain([...this.store.entries], { head: this.store.head, anchor: this.store.anchor });
  }

  async *exportCsv(): AsyncIterable<string> {
    yield AUDIT_CSV_HEADER;
    for (const entry of [...this.store.entries]) yield csvLine(toAuditEntry(entry));
  }
}

function idTime(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
