import { describe, expect, it } from 'vitest';
import type { TeamsData } from '../../shared/teams.js';
import { MemoryAuditLog } from '../audit/memory-audit-log.js';
import { buildCommit } from '../ingest/batch-commit.js';
import { classifyEntry } from '../ingest/classify.js';
import { MemoryStreams } from '../ingest/memory-streams.js';
import { MemoryOverviewStore } from '../overview/memory-overview-store.js';
import { CollectorsChannel } from './collectors-channel.js';
import { TeamsChannel } from './teams-channel.js';

const LATENESS = 10_000;
const MINUTE = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);

function entry(ts: number, team: string, subject: string, collector = `c-${subject}`, keys = 10): string[] {
  return ['v', '1', 'ts', String(ts), 'collector', collector, 'subject', subject, 'team', team, 'app', 'ide', 'keys', String(keys), 'redacted', '1', 'consent', 'granted'];
}

/** A store holding `entries` (committed without the pending check: no reader involved). */
async function storeWith(entries: string[][]): Promise<MemoryOverviewStore> {
  const store = new MemoryOverviewStore({ streams: new MemoryStreams(), prefix: 'kw:', group: 'g', consumer: 'c', historyMs: 3_600_000, dlqMaxLength: 10, now: () => MINUTE + 120_000 });
  const classified = entries.map((fields, index) => classifyEntry({ stream: 'collect', id: `${MINUTE}-${index}`, arrivalMs: Number(fields[3]), fields }, LATENESS));
  const commit = buildCommit(classified, 'kw:', null, 0);
  await store.commit({ ...commit, acks: { collect: [], security: [] } });
  return store;
}

describe('TeamsChannel', () => {
  it('publishes a minute once it is final, all figures for staff and small teams hidden with cover for managers', async () => {
    const entries = [
      ...['a1', 'a2', 'a3', 'a4'].map((subject) => entry(MINUTE + 1000, 'alpha', subject)),
      ...['b1', 'b2', 'b3'].map((subject) => entry(MINUTE + 1000, 'beta', subject)),
      entry(MINUTE + 1000, 'tiny', 't1'),
    ];
    const store = await storeWith(entries);
    let watermark = MINUTE + 60_000 + LATENESS - 1;
    const channel = new TeamsChannel({ store, kAnon: 3, latenessMs: LATENESS, watermarkMs: () => watermark });
    expect(await channel.tick()).not.toBeNull(); // the minutes before, empty
    expect((await channel.snapshot('full')).windowStart).toBe(MINUTE - 60_000);
    watermark += 1;
    const update = await channel.tick();
    const full = update?.('full') as TeamsData;
    const manager = update?.('k-anonymised') as TeamsData;
    expect(full.windowStart).toBe(MINUTE);
    expect(full.teams).toEqual([
      expect.objectContaining({ team: 'alpha', subjects: 4, keys: 40, events: 40 }),
      expect.objectContaining({ team: 'beta', subjects: 3 }),
      expect.objectContaining({ team: 'tiny', subjects: 1, small: true }),
    ]);
    // tiny (1 subject) is small; beta (3) is suppressed with it so the suppressed hold ≥ k.
    expect(manager.teams).toEqual([
      expect.objectContaining({ team: 'alpha', subjects: 4 }),
      { team: 'beta', suppressed: true },
      { team: 'tiny', suppressed: true },
    ]);
    expect(manager.history.at(-1)?.teams).toEqual(manager.teams);
    expect(await channel.tick()).toBeNull();
    // The decision is stored: a second instance publishes the same views.
    const other = new TeamsChannel({ store, kAnon: 99, latenessMs: LATENESS, watermarkMs: () => watermark });
    await other.tick();
    expect((await other.snapshot('k-anonymised')).teams).toEqual(manager.teams);
  });
});

describe('CollectorsChannel', () => {
  it('lists the collectors of the newest final minute, top talkers first, and audits who opens it', async () => {
    const store = await storeWith([entry(MINUTE + 1000, 'alpha', 's1', 'c-quiet', 1), entry(MINUTE + 2000, 'alpha', 's2', 'c-loud', 50)]);
    const audit = new MemoryAuditLog();
    const channel = new CollectorsChannel({ store, audit, latenessMs: LATENESS, watermarkMs: () => MINUTE + 60_000 + LATENESS, onAuditError: () => {} });
    await channel.tick();
    const data = await channel.snapshot();
    expect(data.topTalkers).toEqual(['c-loud', 'c-quiet']);
    expect(data.collectors[0]).toMatchObject({ collector: 'c-loud', team: 'alpha', keys: 50, lastSeen: MINUTE + 2000 });
    channel.subscribed({ user: 'carol', role: 'security', credential: { kind: 'token', name: 'x' } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await audit.list({ limit: 10 })).entries).toEqual([expect.objectContaining({ user: 'carol', action: 'view_collectors', target: 'collectors' })]);
  });
});
