import { describe, expect, it } from 'vitest';
import { MemoryStreams } from '../ingest/memory-streams.js';
import type { FieldList, StreamWriter } from '../ingest/stream-writer.js';
import { readLines } from './line-reader.js';
import { GIVE_UP_AFTER_BAD_LINES, Replayer, type ReplaySettings } from './replayer.js';

const SETTINGS: ReplaySettings = { prefix: 'kw:', maxLength: 100_000, batchSize: 3, pace: { kind: 'fast' }, retime: false };

function line(stream: string, fields: (string | number)[], id?: string): string {
  return JSON.stringify({ stream, fields, ...(id === undefined ? {} : { id }) });
}

/** A clock that only moves when the replayer waits, recording each wait. */
function fakeClock(startMs = 1_000_000) {
  let nowMs = startMs;
  const waits: number[] = [];
  return {
    now: () => nowMs,
    wait: async (ms: number) => {
      waits.push(ms);
      nowMs += ms;
    },
    waits,
  };
}

async function replay(text: string, settings: Partial<ReplaySettings> = {}, writer: StreamWriter | null = new MemoryStreams(), signal = new AbortController().signal, clock = fakeClock()) {
  const bad: [number, string][] = [];
  const replayer = new Replayer(writer, { ...SETTINGS, ...settings }, { onBadLine: (lineNumber, problem) => bad.push([lineNumber, problem]), now: clock.now, wait: clock.wait });
  const outcome = await replayer.run(readLines([text], 1_048_576), signal);
  return { outcome, stats: replayer.stats, bad, writer, clock };
}

const fieldsOf = (streams: MemoryStreams, key: string) => streams.range(key).map((entry) => entry.fields);

describe('Replayer', () => {
  it('writes every good line in file order, skips bad and blank lines, and counts them', async () => {
    const text = [
      line('collect', ['v', '1', 'keys', '1']),
      line('security', ['v', '1', 'kind', 'export']),
      '',
      '{"stream":"collect","fields":["v","1"',
      line('collect', ['v', '1', 'keys', '2', 'keys', '3']),
      line('nowhere', ['v', '1']),
      line('collect', ['v', 1, 'keys', 4]),
      '   ',
      line('collect', ['v', '1', 'keys', '5']),
    ].join('\n') + '\n';
    const streams = new MemoryStreams();
    const { outcome, stats, bad } = await replay(text, {}, streams);
    expect(outcome).toEqual({ kind: 'done' });
    expect(fieldsOf(streams, 'kw:collect')).toEqual([
      ['v', '1', 'keys', '1'], ['v', '1', 'keys', '2', 'keys', '3'], ['v', '1', 'keys', '4'], ['v', '1', 'keys', '5'],
    ]);
    expect(fieldsOf(streams, 'kw:security')).toEqual([['v', '1', 'kind', 'export']]);
    expect(stats).toEqual({ lines: 9, entries: 5, byStream: { collect: 4, security: 1 }, badLines: 2, bytesDone: text.length });
    expect(bad.map(([lineNumber]) => lineNumber)).toEqual([4, 6]);
  });

  it('keeps the order across streams inside a batch', async () => {
    const order: string[] = [];
    const writer: StreamWriter = {
      append: async (stream: string, entries: readonly FieldList[]) => {
        for (const fields of entries) order.push(`${stream}:${fields[1]}`);
        return entries.map(() => '0-1');
      },
    };
    const text = ['c', 's', 's', 'c', 'c', 's', 'c'].map((stream, index) => line(stream === 'c' ? 'collect' : 'security', ['n', index])).join('\n');
    await replay(text, { batchSize: 4 }, writer);
    expect(order).toEqual(['kw:collect:0', 'kw:security:1', 'kw:security:2', 'kw:collect:3', 'kw:collect:4', 'kw:security:5', 'kw:collect:6']);
  });

  it('keeps at most one batch in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const writer: StreamWriter = {
      append: async (_stream: string, entries: readonly FieldList[]) => {
        inFlight += entries.length;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= entries.length;
        return entries.map(() => '0-1');
      },
    };
    const text = Array.from({ length: 50 }, (_, index) => line(index % 3 === 0 ? 'security' : 'collect', ['n', index])).join('\n');
    const { stats } = await replay(text, { batchSize: 7 }, writer);
    expect(stats.entries).toBe(50);
    expect(most).toBeLessThanOrEqual(7);
  });

  it('paces --rate evenly from the first entry', async () => {
    const text = Array.from({ length: 10 }, (_, index) => line('collect', ['n', index])).join('\n');
    const { clock, stats } = await replay(text, { pace: { kind: 'rate', perSecond: 10 }, batchSize: 100 });
    expect(stats.entries).toBe(10);
    expect(clock.waits).toEqual(Array.from({ length: 9 }, () => 100));
  });

  it('paces --speed by the recorded times (id first, else ts), sending untimed and out-of-order entries at once', async () => {
    const text = [
      line('collect', ['v', '1']),
      line('collect', ['ts', '5000'], '10000-0'),
      line('collect', ['ts', '5000'], '12000-3'),
      line('collect', ['ts', '11000']),
      line('security', ['ts', 'broken']),
      line('collect', ['ts', '20000']),
    ].join('\n');
    const { clock, stats } = await replay(text, { pace: { kind: 'speed', factor: 2 } });
    expect(stats.entries).toBe(6);
    // 10000 → 12000: 1 s at twice the speed; 11000 is before 12000: at once; 20000: (20000 − 10000)/2 − 1000.
    expect(clock.waits).toEqual([1000, 4000]);
  });

  it('--retime moves every ts by one offset so that the first recorded time is now', async () => {
    const clock = fakeClock(1_700_000_000_000);
    const text = [
      line('collect', ['v', '1', 'ts', 'oops']),
      line('collect', ['v', '1', 'ts', '1000']),
      line('security', ['v', '1', 'ts', '1500']),
      line('collect', ['v', '1', 'ts', '900', 'ts', '1'], '2500-0'),
    ].join('\n');
    const streams = new MemoryStreams();
    await replay(text, { retime: true }, streams, new AbortController().signal, clock);
    const offset = 1_700_000_000_000 - 1000;
    expect(fieldsOf(streams, 'kw:collect')).toEqual([
      ['v', '1', 'ts', 'oops'], ['v', '1', 'ts', String(1000 + offset)], ['v', '1', 'ts', String(900 + offset), 'ts', String(1 + offset)],
    ]);
    expect(fieldsOf(streams, 'kw:security')).toEqual([['v', '1', 'ts', String(1500 + offset)]]);
  });

  it('stops on an interrupt after writing what it had read, and says after which line', async () => {
    const controller = new AbortController();
    const clock = fakeClock();
    const streams = new MemoryStreams();
    const text = Array.from({ length: 10 }, (_, index) => line('collect', ['n', index])).join('\n');
    const bad: number[] = [];
    const replayer = new Replayer(streams, { ...SETTINGS, pace: { kind: 'rate', perSecond: 1 } }, {
      onBadLine: (lineNumber) => bad.push(lineNumber),
      now: clock.now,
      wait: async (ms) => {
        if (clock.waits.length === 3) controller.abort();
        await clock.wait(ms);
      },
    });
    expect(await replayer.run(readLines([text], 1000), controller.signal)).toEqual({ kind: 'interrupted', afterLine: 4 });
    expect(streams.length('kw:collect')).toBe(4);
  });

  it('stops at the first failed write, naming the lines that may be partly written', async () => {
    const writer: StreamWriter = {
      append: async (stream: string, entries: readonly FieldList[]) => {
        if (stream === 'kw:security') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
        return entries.map(() => '0-1');
      },
    };
    const text = ['collect', 'collect', 'collect', 'collect', 'security', 'collect', 'collect'].map((stream, index) => line(stream, ['n', index])).join('\n');
    const { outcome, stats } = await replay(text, { batchSize: 3 }, writer);
    expect(outcome).toMatchObject({ kind: 'write_failed', fromLine: 5, toLine: 6 });
    expect(stats.entries).toBe(4);
  });

  it('gives up on a file that is not a replay file at all', async () => {
    const text = Array.from({ length: 500 }, (_, index) => `time,keys\n${index},3`).join('\n');
    const { outcome, bad, stats } = await replay(text);
    expect(outcome).toEqual({ kind: 'not_a_replay_file', badLines: GIVE_UP_AFTER_BAD_LINES });
    expect(bad).toHaveLength(GIVE_UP_AFTER_BAD_LINES);
    expect(stats.entries).toBe(0);
  });

  it('only checks, writing nothing, without a writer', async () => {
    const { outcome, stats } = await replay([line('collect', ['v', '1']), 'x', line('security', ['v', '1'])].join('\n'), {}, null);
    expect(outcome).toEqual({ kind: 'done' });
    expect(stats).toMatchObject({ entries: 2, badLines: 1, lines: 3 });
  });
});
