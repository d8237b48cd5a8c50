/** Redis adapter of the AuditLog port (key layout and the compare-and-set: redis-audit-scripts.ts). */
import { setTimeout as sleep } from 'node:timers/promises';
import { flatPairs, whenReady, type RedisClient } from '../ingest/redis-connection.js';
import { entryHash, toAuditEntry, verifyChain, type ChainEnds, type StoredAuditEntry } from './audit-chain.js';
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
import { appendScript, endsScript } from './redis-audit-scripts.js';

export interface RedisAuditLogOptions {
  client: RedisClient;
  /** `KW_STREAM_PREFIX`: the keys are `<prefix>audit`, `<prefix>audit:head`, `<prefix>audit:anchor`. */
  prefix: string;
  /** Entries older than this are trimmed as entries are appended; default 400 days. */
  retentionMs?: number;
  now?: () => number;
}

/** Compare-and-set attempts before an append gives up (each failed one means another instance appended). */
const MAX_APPEND_ATTEMPTS = 50;
/** Entries read per command while walking the trail. */
const PAGE = 500;
/** A verify that raced a retention trim is repeated this many times at most. */
const VERIFY_ATTEMPTS = 3;

type RawEntry = [string, unknown[]];

export class RedisAuditLog implements AuditLog {
  readonly #client: RedisClient;
  readonly #retentionMs: number;
  readonly #now: () => number;
  readonly #keys: { stream: string; head: string; anchor: string };
  /** This instance's appends run one after another; the compare-and-set orders them against other instances. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The head after this instance's last append: usually still right, saving a read. */
  #knownHead: string | null = null;

  constructor(options: RedisAuditLogOptions) {
    this.#client = options.client;
    this.#retentionMs = options.retentionMs ?? DEFAULT_AUDIT_RETENTION_DAYS * DAY_MS;
    this.#now = options.now ?? Date.now;
    this.#keys = { stream: `${options.prefix}audit`, head: `${options.prefix}audit:head`, anchor: `${options.prefix}audit:anchor` };
  }

  async append(record: AuditRecord): Promise<AuditEntry> {
    checkAuditRecord(record);
    const appended = this.#queue.then(() => this.#appendNow(record));
    this.#queue = appended.catch(() => undefined);
    return appended;
  }

  async #appendNow(record: AuditRecord): Promise<AuditEntry> {
    await whenReady(this.#client);
    const keys = [this.#keys.stream, this.#keys.head, this.#keys.anchor];
    const at = String(Math.floor(this.#now()));
    const trimBelowMs = Number(at) - this.#retentionMs;
    const trimBelow = this.#retentionMs > 0 && trimBelowMs > 0 ? String(trimBelowMs) : '';
    const fields = { at, user: record.user, action: record.action, target: record.target };
    let prev = this.#knownHead ?? String((await this.#client.sendCommand(['GET', this.#keys.head])) ?? '');
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const hash = entryHash(prev, fields);
      const reply = (await appendScript.run(this.#client, keys, [prev, hash, at, fields.user, fields.action, fields.target, trimBelow])) as [number, string];
      if (reply[0] === 1) {
        this.#knownHead = hash;
        return toAuditEntry({ id: reply[1], ...fields, prev, hash });
      }
      prev = String(reply[1]);
      this.#knownHead = null;
      // Another instance appended meanwhile: retry at once against its head; back off with
      // jitter only when the race repeats, so that busy instances do not lock-step.
      if (attempt >= 3) await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
    throw new AuditError(AuditErrorCode.conflict, `audit append gave up after ${MAX_APPEND_ATTEMPTS} attempts: other instances kept appending; try again`);
  }

  async list(options: { limit: number; before?: string | null }): Promise<AuditPage> {
    const before = checkListOptions(options);
    await whenReady(this.#client);
    const end = before === null ? '+' : `(${before}`;
    const raw = (await this.#client.sendCommand(['XREVRANGE', this.#keys.stream, end, '-', 'COUNT', String(options.limit + 1)])) as RawEntry[];
    const entries = raw.slice(0, options.limit).map((entry) => toAuditEntry(parseEntry(entry)));
    return { entries, next: raw.length > options.limit ? entries[entries.length - 1]!.id : null };
  }

  async verify(): Promise<AuditVerification> {
    await whenReady(this.#client);
    for (let attempt = 1; ; attempt++) {
      const { ends, newestId } = await this.#ends();
      const outcome = await verifyChain(this.#walk(newestId), ends);
      if (outcome.ok || outcome.problem !== 'deleted' || attempt >= VERIFY_ATTEMPTS) return outcome;
      // A retention trim during the walk moves the anchor and removes the oldest entries;
      // that is not a deletion — walk again from the new oldest entry.
      const anchor = String((await this.#client.sendCommand(['GET', this.#keys.anchor])) ?? '');
      if (anchor === ends.anchor) return outcome;
    }
  }

  async *exportCsv(): AsyncIterable<string> {
    await whenReady(this.#client);
    const { newestId } = await this.#ends();
    yield AUDIT_CSV_HEADER;
    for await (const entry of this.#walk(newestId)) yield csvLine(toAuditEntry(entry));
  }

  async #ends(): Promise<{ ends: ChainEnds; newestId: string }> {
    const [head, anchor, newestId] = (await endsScript.run(this.#client, [this.#keys.stream, this.#keys.head, this.#keys.anchor], [])) as [string, string, string];
    return { ends: { head, anchor }, newestId };
  }

  /** Every entry oldest first up to `newestId` ('' = none), a page at a time. */
  async *#walk(newestId: string): AsyncGenerator<StoredAuditEntry> {
    if (newestId === '') return;
    let start = '-';
    for (;;) {
      const raw = (await this.#client.sendCommand(['XRANGE', this.#keys.stream, start, newestId, 'COUNT', String(PAGE)])) as RawEntry[];
      for (const entry of raw) yield parseEntry(entry);
      if (raw.length < PAGE) return;
      start = `(${raw[raw.length - 1]![0]}`;
    }
  }
}

function parseEntry([id, rawFields]: RawEntry): StoredAuditEntry {
  const fields = flatPairs(rawFields);
  const text = (name: string): string => String(fields.get(name) ?? '');
  return { id: String(id), at: text('at'), user: text('user'), action: text('action'), target: text('target'), prev: text('prev'), hash: text('hash') };
}
