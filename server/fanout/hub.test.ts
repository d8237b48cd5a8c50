import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { OverviewData } from '../../shared/overview.js';
import type { OverviewFeed } from '../overview/overview-feed.js';
import type { Role } from '../../shared/channels.js';
import type { Identity } from '../auth/auth-service.js';
import { OverviewChannel } from '../overview/overview-channel.js';
import { Hub } from './hub.js';

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
  ping(): void {}
  terminate(): void {
    this.readyState = 3;
  }
  receive(message: unknown): void {
    this.emit('message', Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)), false);
  }
}

const data: OverviewData = { resolutionMs: 1000, points: [{ t: 1000, gap: true }], openAlerts: { critical: 0, high: 0, warning: 0, info: 0 } };
const feed = { tick: async () => data, snapshot: () => data, openAlerts: () => data.openAlerts, pointAt: (t: number) => ({ t, gap: true }) } as unknown as OverviewFeed;

function hub(clientBufferBytes = 1024): Hub {
  return new Hub({
    feeds: { overview: new OverviewChannel({ feed, kAnon: 5, latenessMs: 10_000, watermarkMs: () => null }) }, mode: 'embedded', tickMs: 250, clientBufferBytes, log: pino({ level: 'silent' }),
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
    const socket = new FakeSocket();
    target.accept(socket as unknown as WebSocket, identity('alice', 'manager'));
    socket.receive({ type: 'subscribe', channels: ['overview', 'audit'] });
    await flush();
    const types = socket.sent.map((frame) => JSON.parse(frame) as { type: string; code?: string });
    expect(types.map((message) => message.type)).toEqual(['hello', 'status', 'error', 'snapshot']);
    expect(types[2]).toMatchObject({ code: 'forbidden', channel: 'audit' });
    expect(JSON.parse(socket.sent[0]!)).toMatchObject({ user: 'alice', role: 'manager', channels: ['overview', 'teams'], tickMs: 250 });
  });

  it('serialises each update once for all subscribers', async () => {
    const target = hub();
    const sockets = Array.from({ length: 100 }, () => new FakeSocket());
    for (const socket of sockets) {
      target.accept(socket as unknown as WebSocket, identity('u', 'admin'));
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
    const flooder = new FakeSocket();
    target.accept(flooder as unknown as WebSocket, identity('u', 'admin'));
    for (let index = 0; index < 100; index++) flooder.receive({ type: 'unsubscribe', channels: [] });
    expect(flooder.sent.some((frame) => frame.includes('"rate_limited"'))).toBe(true);

    const slow = new FakeSocket();
    target.accept(slow as unknown as WebSocket, identity('u', 'admin'));
    slow.bufferedAmount = 1000;
    slow.receive({ type: 'subscribe', channels: ['overview'] });
    await flush();
    expect(slow.closed).toBe(1013);
  });

  it('sends nothing that is not in the protocol, and logs the field path without its value', async () => {
    const logged: unknown[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const leaky = {
      snapshot: async () => data,
      tick: async () => () => ({ ...data, points: [{ t: 5, gap: true, text: 'RAW-KEYSTROKES' }] }),
    };
    const target = new Hub({
      feeds: { overview: leaky }, mode: 'embedded', tickMs: 250, clientBufferBytes: 1024, log,
      status: () => ({ source: 'up', sinceMs: 5, lagMs: 0, reason: null }),
    });
    const socket = new FakeSocket();
    target.accept(socket as unknown as WebSocket, identity('u', 'admin'));
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
