/** Embedded-mode adapter of the OverviewStore port, beside MemoryStreams. Nothing is persisted. */
import type { OverviewFullPoint } from '../../shared/overview.js';
import type { MemoryStreams } from '../ingest/memory-streams.js';
import { INPUT_STREAMS, type InputStream } from '../ingest/stream-source.js';
import { coveredSeconds, type CommitOutcome, type DeadLetter, type IngestCommit, type OverviewChanges, type OverviewStore } from './overview-store.js';
import { COLLECTOR_MINUTE_COUNTERS, mapOf, TEAM_MINUTE_COUNTERS } from './minute-delta.js';
import { MINUTE_VIEWS_TTL_MS, type MinuteStore, type StoredCollectorMinute, type StoredMinute, type StoredTeamMinute } from './minute-store.js';
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

/** A team's minute as kept here: the distinct collectors as a set, counted when read. */
interface TeamMinuteState extends StoredTeamMinute {
  collectorSet: Set<string>;
}

export class MemoryOverviewStore implements OverviewStore, MinuteStore {
  readonly #options: MemoryOverviewStoreOptions;
  readonly #now: () => number;
  readonly #seconds = new Map<number, SecondDelta>();
  readonly #counters = new Map<string, number>();
  readonly #teamMinutes = new Map<number, Map<string, TeamMinuteState>>();
  readonly #collectorMinutes = new Map<number, Map<string, StoredCollectorMinute>>();
  readonly #decisions = new Map<number, string>();
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
    for (const delta of commit.teamMinutes) {
      const teams = mapOf(this.#teamMinutes, delta.minute);
      const stored: TeamMinuteState = teams.get(delta.team) ?? {
        team: delta.team, counters: { events: 0, keys: 0, clicks: 0, moves: 0, scrolls: 0, redacted: 0 },
        subjects: new Set(), collectors: 0, activeSeconds: new Set(), collectorSet: new Set(),
      };
      for (const name of TEAM_MINUTE_COUNTERS) stored.counters[name] += delta.counters[name];
      for (const subject of delta.subjects) stored.subjects.add(subject);
      for (const second of delta.activeSeconds) stored.activeSeconds.add(second);
      for (const collector of delta.collectors) stored.collectorSet.add(collector);
      stored.collectors = stored.collectorSet.size;
      teams.set(delta.team, stored);
    }
    for (const delta of commit.collectorMinutes) {
      const collectors = mapOf(this.#collectorMinutes, delta.minute);
      const stored = collectors.get(delta.collector) ?? { collector: delta.collector, team: delta.team, counters: { events: 0, keys: 0, redacted: 0, dropped: 0 }, lastSeen: 0 };
      stored.team = delta.team;
      for (const name of COLLECTOR_MINUTE_COUNTERS) stored.counters[name] += delta.counters[name];
      stored.lastSeen = Math.max(stored.lastSeen, delta.lastSeen);
      collectors.set(delta.collector, stored);
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

  async readMinute(minute: number): Promise<StoredMinute> {
    const teams = [...(this.#teamMinutes.get(minute)?.values() ?? [])].map((team) => ({
      team: team.team, counters: { ...team.counters }, subjects: new Set(team.subjects), collectors: team.collectors, activeSeconds: new Set(team.activeSeconds),
    }));
    const seconds: StoredMinute['seconds'] = [];
    for (let t = minute; t < minute + 60_000; t += 1000) {
      const stored = this.#seconds.get(t);
      if (stored && stored.subjects.size > 0) seconds.push({ t, subjects: new Set(stored.subjects) });
    }
    return { minute, teams, seconds };
  }

  async readCollectors(minute: number): Promise<StoredCollectorMinute[]> {
    return [...(this.#collectorMinutes.get(minute)?.values() ?? [])].map((collector) => ({ ...collector, counters: { ...collector.counters } }));
  }

  async getDecision(minute: number): Promise<string | null> {
    return this.#decisions.get(minute) ?? null;
  }

  async putDecision(minute: number, views: string): Promise<string> {
    if (!this.#decisions.has(minute)) this.#decisions.set(minute, views);
    return this.#decisions.get(minute)!;
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
    const oldestMinute = this.#now() - MINUTE_VIEWS_TTL_MS;
    for (const minutes of [this.#teamMinutes, this.#collectorMinutes, this.#decisions]) {
      for (const minute of minutes.keys()) if (minute < oldestMinute) minutes.delete(minute);
    }
  }
}

/** The `kw:dlq` entry layout, shared with the Redis adapter: names only, never values. */
export function deadLetterFields(letter: DeadLetter): string[] {
  return ['stream', letter.stream, 'id', letter.id, 'reason', letter.reason, 'field', letter.field];
}

function toPoint(stored: SecondDelta): OverviewFullPoint {
  return toOverviewPoint(stored.t, stored.counters, stored.collectors.size, stored.subjects.size);
}
