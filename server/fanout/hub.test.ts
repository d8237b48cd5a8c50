import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OverviewData } from '../../shared/overview.js';
import type { OverviewFeed } from '../overview/overview-feed.js';
import type { Role } from '../../shared/channels.js';
import type { Identity } from '../auth/auth-service.js';
import { emptyPoint } from '../../shared/overview.js';
import { mergeOverviewUpdates, OverviewChannel } from '../overview/overview-channel.js';
import { BEHIND_AFTER_MS, Hub, PROBE_ROUND_MS, probeIntervalMs, type HubSocket } from './hub.js';

/** A stand-in socket that records what it is sent (the Hub only needs this much of ws). */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closed: number | null = null;
  send(frame: string): void {
    this.sent.push(frame);
  }
  close(code: number): void {
    this.closed = code;
    this.readyState = 3;
  }
  readonly pings: Buffer[] = [];
  ping(payload?: Buffer): void {
    if (payload) this.pings.push(payload);
  }
  /** Answers every ping so far, as a client that has read everything does. */
  pong(): void {
    for (const payload of this.pings.splice(0)) this.emit('pong', payload);
  }
  terminate(): void {
    this.readyState = 3;
  }
  receive(message: unknown): void {
    this.emit('message', Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)), false);
  }
}

/** A stand-in socket of the kind `target` takes (its events go to the Hub, as ws sockets' do). */
function fakeSocket(target: Hub): FakeSocket {
  const Socket = target.socketClass(FakeSocket);
  return new Socket();
}

const data: OverviewData = { resolutionMs: 1000, points: [{ t: 1000, gap: true }], openAlerts: { critical: 0, high: 0, warning: 0, info: 0 } };
const feed = { tick: async () => data, snapshot: () => data, openAlerts: () => data.openAlerts, pointAt: (t: number) => ({ t, gap: true }) } as unknown as OverviewFeed;

function hub(clientBufferBytes = 1024): Hub {
  return new Hub({
    feeds: { overview: new OverviewChannel({ feed, kAnon: 5, latenessMs: 10_000, watermarkMs: () => null }) }, mode: 'embedded', tickMs: 250, clientBufferBytes,
    clientLagMs: 10_000, log: pino({ level: 'silent' }),
    status: () => ({ source: 'up', sinceMs: 5, lagMs: 0, reason: null }),
  });
}

afterEach(() => vi.restoreAllMocks());

/** Lets pending promise callbacks (an async snapshot) run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function identity(user: string, role: Role): Identity {
  return { user, role, credential: { kind: 'session', key: `key-${user}`, expiresAt: Date.now() + 60_000 } };
}

describe('Hub', () => {
  it('greets with hello and status, then answers a subscribe with the snapshot', async () => {
    const target = hub();
    const socket = fakeSocket(target);
    target.accept(socket as unknown as HubSocket, identity('alice', 'manager'));
    socket.receive({ type: 'subscribe', channels: ['overview', 'audit'] });
    await flush();
    const types = socket.sent.map((frame) => JSON.parse(frame) as { type: string; code?: string });
    expect(types.map((message) => message.type)).toEqual(['hello', 'status', 'error', 'snapshot']);
    expect(types[2]).toMatchObject({ code: 'forbidden', channel: 'audit' });
    expect(JSON.parse(socket.sent[0]!)).toMatchObject({ user: 'alice', role: 'manager', channels: ['overview', 'teams'], tickMs: 250 });
  });

  it('serialises each update once for all subscribers', async () => {
    const target = hub();
    const sockets = Array.from({ length: 100 }, () => fakeSocket(target));
    for (const socket of sockets) {
      target.accept(socket as unknown as HubSocket, identity('u', 'admin'));
      socket.receive({ type: 'subscribe', channels: ['overview'] });
    }
    await flush();
    const stringify = vi.spyOn(JSON, 'stringify');
    await target.tick();
    expect(stringify).toHaveBeenCalledTimes(1);
    const frames = new Set(sockets.map((socket) => socket.sent.at(-1)));
    expect(frames.size).toBe(1);
    expect(JSON.parse([...frames][0]!)).toMatchObject({ type: 'update', channel: 'overview' });
  });

  it('rate-limits a flooding client and disconnects one that does not read (1013)', async () => {
    const target = hub(100);
    const flooder = fakeSocket(target);
    target.accept(flooder as unknown as HubSocket, identity('u', 'admin'));
    for (let index = 0; index < 100; index++) flooder.receive({ type: 'unsubscribe', channels: [] });
    expect(flooder.sent.some((frame) => frame.includes('"rate_limited"'))).toBe(true);

    const slow = fakeSocket(target);
    target.accept(slow as unknown as HubSocket, identity('u', 'admin'));
    slow.bufferedAmount = 1000;
    slow.receive({ type: 'subscribe', channels: ['overview'] });
    await flush();
    expect(slow.closed).toBe(1013);
  });

  it('holds a lagging client\'s updates merged per second, sends status at once, and catches it up in one update', async () => {
    let nowMs = 0;
    const updates: OverviewData[] = [];
    const queued = {
      snapshot: async () => data,
      tick: async () => {
        const next = updates.shift();
        return next ? () => next : null;
      },
      merge: (older: unknown, newer: unknown) => mergeOverviewUpdates(older as OverviewData, newer as OverviewData),
    };
    const target = new Hub({
      feeds: { overview: queued }, mode: 'embedded', tickMs: 250, clientBufferBytes: 1 << 20, clientLagMs: 3000,
      log: pino({ level: 'silent' }), status: () => ({ source: 'up', sinceMs: 5, lagMs: 0, reason: null }), now: () => nowMs,
    });
    const [reader, lagger] = [fakeSocket(target), fakeSocket(target)];
    for (const socket of [reader, lagger]) {
      target.accept(socket as unknown as HubSocket, identity('u', 'admin'));
      socket.receive({ type: 'subscribe', channels: ['overview'] });
    }
    await flush();
    const point = (t: number, events: number) => ({ ...emptyPoint(t), events });
    const counts = { critical: 0, high: 0, warning: 0, info: 0 };
    const sentUpdates = (socket: FakeSocket) => socket.sent.map((frame) => JSON.parse(frame) as { type: string; data?: OverviewData }).filter((message) => message.type === 'update');

    target.probe();
    reader.pong();
    nowMs = BEHIND_AFTER_MS;
    updates.push({ resolutionMs: 1000, points: [point(1000, 1)], openAlerts: counts });
    updates.push({ resolutionMs: 1000, points: [point(1000, 2), point(2000, 5)], openAlerts: { ...counts, high: 1 } });
    await target.tick();
    await target.tick();
    expect(sentUpdates(reader)).toHaveLength(2);
    expect(sentUpdates(lagger)).toHaveLength(0);
    expect(target.slowClients()).toMatchObject({ behind: 1, maxReadLagMs: BEHIND_AFTER_MS });

    target.broadcastStatus({ source: 'down', sinceMs: 9, lagMs: 0, reason: 'test' });
    expect(JSON.parse(lagger.sent.at(-1)!)).toMatchObject({ type: 'status', source: 'down' });

    lagger.pong();
    const caughtUp = sentUpdates(lagger);
    expect(caughtUp).toHaveLength(1);
    expect(caughtUp[0]!.data).toEqual({ resolutionMs: 1000, points: [point(1000, 2), point(2000, 5)], openAlerts: { ...counts, high: 1 } });
    expect(target.slowClients().behind).toBe(0);
  });

  it('disconnects a client whose reading stays behind past the lag bound (1013)', () => {
    let nowMs = 0;
    const target = new Hub({
      feeds: {}, mode: 'embedded', tickMs: 250, clientBufferBytes: 1 << 20, clientLagMs: 3000,
      log: pino({ level: 'silent' }), status: () => ({ source: 'up', sinceMs: 5, lagMs: 0, reason: null }), now: () => nowMs,
    });
    const [reader, stuck] = [fakeSocket(target), fakeSocket(target)];
    for (const socket of [reader, stuck]) target.accept(socket as unknown as HubSocket, identity('u', 'admin'));
    for (nowMs = 0; nowMs <= 4000; nowMs += 1000) {
      target.probe();
      reader.pong();
    }
    expect(stuck.closed).toBe(1013);
    expect(reader.closed).toBeNull();
    expect(target.stats.slowDisconnects).toBe(1);
    expect(target.clientCount).toBe(1);
  });

  it('probes each client once per quarter of the lag bound (1 s to 5 s), the clients\' turns spread over the rounds', () => {
    expect([1000, 3000, 10_000, 60_000].map(probeIntervalMs)).toEqual([1000, 1000, 2500, 5000]);
    let nowMs = 0;
    const target = new Hub({
      feeds: {}, mode: 'embedded', tickMs: 250, clientBufferBytes: 1 << 20, clientLagMs: 10_000,
      log: pino({ level: 'silent' }), status: () => ({ source: 'up', sinceMs: 5, lagMs: 0, reason: null }), now: () => nowMs,
    });
    const sockets = Array.from({ length: 20 }, () => fakeSocket(target));
    for (const socket of sockets) target.accept(socket as unknown as HubSocket, identity('u', 'admin'));
    // The first probe goes out with the greeting.
    expect(sockets.map((socket) => socket.pings.length)).toEqual(sockets.map(() => 1));
    for (const socket of sockets) socket.pong();

    const rounds = probeIntervalMs(10_000) / PROBE_ROUND_MS;
    const probedPerRound: number[] = [];
    const probesPerClient = new Map(sockets.map((socket) => [socket, 0]));
    for (let round = 0; round < rounds * 4; round++) {
      nowMs += PROBE_ROUND_MS;
      target.probe();
      let probed = 0;
      for (const socket of sockets) {
        probed += socket.pings.length;
        probesPerClient.set(socket, probesPerClient.get(socket)! + socket.pings.length);
        socket.pong();
      }
      probedPerRound.push(probed);
    }
    // With no updates to carry them, due probes go out alone a round later: after the first
    // round, a fifth of the clients is probed each round, and each client every fifth round.
    expect(probedPerRound.slice(1)).toEqual(probedPerRound.slice(1).map(() => sockets.length / rounds));
    expect(new Set(probesPerClient.values()).size).toBeLessThanOrEqual(2);
    expect(Math.min(...probesPerClient.values())).toBeGreaterThanOrEqual(3);
    expect(sockets.every((socket) => socket.closed === null)).toBe(true);
  });

  it('sends nothing that is not in the protocol, and logs the field path without its value', async () => {
    const logged: unknown[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const leaky = {
      snapshot: async () => data,
      tick: async () => () => ({ ...data, points: [{ t: 5, gap: true, text: 'RAW-KEYSTROKES' }] }),
    };
    const target = new Hub({
      feeds: { overview: leaky }, mode: 'embedded', tickMs: 250, clientBufferBytes: 1024, clientLagMs: 10_000, log,
      status: () => ({ source: 'up', sinceMs: 5, lagMs: 0, reason: null }),
    });
    const socket = fakeSocket(target);
    target.accept(socket as unknown as HubSocket, identity('u', 'admin'));
    socket.receive({ type: 'subscribe', channels: ['overview'] });
    await flush();
    const before = socket.sent.length;
    await target.tick();
    expect(socket.sent.length).toBe(before);
    expect(socket.sent.join('')).not.toContain('RAW-KEYSTROKES');
    expect(JSON.stringify(logged)).toContain('outbound message refused');
    expect(JSON.stringify(logged)).not.toContain('RAW-KEYSTROKES');
  });
});
