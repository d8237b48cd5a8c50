/** Embedded-mode adapter of the OverviewStore port, beside MemoryStreams. Nothing is persisted. */
import type { OverviewFullPoint } from '../../shared/overview.js';
import type { MemoryStreams } from '../ingest/memory-streams.js';
import { INPUT_STREAMS, type InputStream } from '../ingest/stream-source.js';
import { coveredSeconds, type CommitOutcome, type DeadLetter, type IngestCommit, type OverviewChanges, type OverviewStore } from './overview-store.js';
import { emptyDelta, STORED_COUNTERS, toOverviewPoint, type SecondDelta } from './second-delta.js';

export interface MemoryOverviewStoreOptions {
  streams: MemoryStreams;
  prefix: string;
  group: string;
  consumer: string;
  historyMs: number;
  dlqMaxLength: number;
  now?: () => number;
}

const CHANGE_LOG_LIMIT = 10_000;

export class MemoryOverviewStore implements OverviewStore {
  readonly #options: MemoryOverviewStoreOptions;
  readonly #now: () => number;
  readonly #seconds = new Map<number, SecondDelta>();
  readonly #counters = new Map<string, number>();
  /** Change feed: sequence numbers of entries, each the seconds one commit changed. */
  readonly #changeLog: { sequence: number; seconds: number[] }[] = [];
  #sequence = 0;

  constructor(options: MemoryOverviewStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async commit(commit: IngestCommit): Promise<CommitOutcome> {
    const { streams, prefix, group, consumer } = this.#options;
    const stillPending = {} as Record<InputStream, Set<string>>;
    let allPending = true;
    for (const stream of INPUT_STREAMS) {
      const ids = commit.acks[stream];
      stillPending[stream] = streams.pendingOf(prefix + stream, group, consumer, ids);
      if (stillPending[stream].size !== ids.length) allPending = false;
    }
    if (!allPending) return { applied: false, stillPending };

    for (const stream of INPUT_STREAMS) streams.ack(prefix + stream, group, commit.acks[stream]);
    const changed = new Set<number>();
    for (const delta of commit.seconds) {
      const stored = this.#second(delta.t);
      for (const name of STORED_COUNTERS) stored.counters[name] += delta.counters[name];
      for (const collector of delta.collectors) stored.collectors.add(collector);
      for (const subject of delta.subjects) stored.subjects.add(subject);
      changed.add(delta.t);
    }
    for (const [name, increment] of Object.entries(commit.counters)) {
      this.#counters.set(name, (this.#counters.get(name) ?? 0) + increment);
    }
    if (commit.deadLetters.length > 0) {
      const dlqKey = `${prefix}dlq`;
      await streams.append(dlqKey, commit.deadLetters.map(deadLetterFields), this.#options.dlqMaxLength);
    }
    if (commit.coverage) {
      for (const t of coveredSeconds(commit.coverage, this.#now() - this.#options.historyMs)) {
        if (!this.#seconds.has(t)) {
          this.#second(t);
          changed.add(t);
        }
      }
    }
    this.#expire();
    if (changed.size > 0) {
      this.#changeLog.push({ sequence: ++this.#sequence, seconds: [...changed] });
      if (this.#changeLog.length > CHANGE_LOG_LIMIT) this.#changeLog.splice(0, this.#changeLog.length - CHANGE_LOG_LIMIT);
    }
    return { applied: true };
  }

  async readSeconds(seconds: readonly number[]): Promise<Map<number, OverviewFullPoint>> {
    const points = new Map<number, OverviewFullPoint>();
    for (const t of seconds) {
      const stored = this.#seconds.get(t);
      if (stored) points.set(t, toPoint(stored));
    }
    return points;
  }

  async changes(cursor: string | null): Promise<OverviewChanges> {
    if (cursor === null) return { cursor: String(this.#sequence), seconds: [] };
    const after = Number(cursor);
    const seconds = new Set<number>();
    for (const entry of this.#changeLog) if (entry.sequence > after) for (const t of entry.seconds) seconds.add(t);
    return { cursor: String(this.#sequence), seconds: [...seconds] };
  }

  async counters(): Promise<Record<string, number>> {
    return Object.fromEntries(this.#counters);
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.#options.streams.range(`${this.#options.prefix}dlq`).slice(-limit).reverse().map((entry) => {
      const fields = new Map<string, string>();
      for (let index = 0; index + 1 < entry.fields.length; index += 2) fields.set(entry.fields[index]!, entry.fields[index + 1]!);
      return {
        stream: fields.get('stream') ?? '',
        id: fields.get('id') ?? '',
        reason: fields.get('reason') as DeadLetter['reason'],
        field: fields.get('field') ?? '',
      };
    });
  }

  #second(t: number): SecondDelta {
    let stored = this.#seconds.get(t);
    if (!stored) {
      stored = emptyDelta(t);
      this.#seconds.set(t, stored);
    }
    return stored;
  }

  #expire(): void {
    const oldest = this.#now() - this.#options.historyMs;
    for (const t of this.#seconds.keys()) if (t < oldest) this.#seconds.delete(t);
  }
}

/** The `kw:dlq` entry layout, shared with the Redis adapter: names only, never values. */
export function deadLetterFields(letter: DeadLetter): string[] {
  return ['stream', letter.stream, 'id', letter.id, 'reason', letter.reason, 'field', letter.field];
}

function toPoint(stored: SecondDelta): OverviewFullPoint {
  return toOverviewPoint(stored.t, stored.counters, stored.collectors.size, stored.subjects.size);
}
