import { describe, expect, it } from 'vitest';
import { parseServerMessage } from './server-message.js';

describe('parseServerMessage', () => {
  it('accepts the messages the dashboard acts on', () => {
    const hello = { type: 'hello', protocol: 1, user: 'admin', role: 'admin', channels: ['overview'], tickMs: 250, mode: 'embedded' };
    expect(parseServerMessage(JSON.stringify(hello))).toEqual(hello);
    const update = { type: 'update', channel: 'overview', data: { resolutionMs: 1000, points: [], openAlerts: { critical: 0, high: 0, warning: 0, info: 0 } } };
    expect(parseServerMessage(JSON.stringify(update))).toEqual(update);
    expect(parseServerMessage('{"type":"status","source":"down","since":5,"lagMs":0}')?.type).toBe('status');
    expect(parseServerMessage('{"type":"error","code":"forbidden","channel":"audit","message":"no"}')?.type).toBe('error');
  });

  it('accepts the teams, collectors and audit channels with their lists', () => {
    const teams = { type: 'snapshot', channel: 'teams', data: { windowStart: 0, windowMs: 60000, teams: [], history: [] } };
    const collectors = { type: 'update', channel: 'collectors', data: { windowStart: 0, windowMs: 60000, collectors: [], topTalkers: [] } };
    const audit = { type: 'update', channel: 'audit', data: { entries: [] } };
    for (const message of [teams, collectors, audit]) expect(parseServerMessage(JSON.stringify(message))).toEqual(message);
  });

  it('accepts the pipeline and alerts channels and alert events', () => {
    const pipeline = {
      type: 'update', channel: 'pipeline',
      data: { at: 1, source: { state: 'up', since: 0, lagMs: 0, reason: null }, streams: [], counters: {}, recentDeadLetters: [], clients: {}, instances: [] },
    };
    const alert = { id: 'a', rule: 'volume_spike', severity: 'warning', state: 'firing', summary: '', labels: {}, firstSeen: 0, lastSeen: 0, count: 1, ack: null, resolved: null, silenced: false };
    const full = { type: 'snapshot', channel: 'alerts', data: { alerts: [alert], lastEventId: '5-0', recovered: false } };
    const resumed = { type: 'snapshot', channel: 'alerts', data: { lastEventId: '5-0', recovered: true } };
    const event = { type: 'alert', id: '6-0', alert };
    for (const message of [pipeline, full, resumed, event]) expect(parseServerMessage(JSON.stringify(message))).toEqual(message);
    for (const bad of [
      { ...pipeline, data: { ...pipeline.data, source: null } },
      { type: 'snapshot', channel: 'alerts', data: { alerts: [{ id: 'a' }], lastEventId: null, recovered: false } },
      { type: 'snapshot', channel: 'alerts', data: { alerts: [] } },
      { type: 'alert', id: 7, alert },
      { type: 'alert', id: '7-0', alert: { ...alert, labels: null } },
    ]) {
      expect(parseServerMessage(JSON.stringify(bad))).toBeNull();
    }
  });

  it('drops what it cannot use instead of throwing', () => {
    for (const text of [
      'not json', '[]', 'null', '{"type":"nope"}', '{"type":"update","channel":"overview","data":{}}', '{"type":"hello"}',
      '{"type":"snapshot","channel":"teams","data":{"teams":[]}}', '{"type":"update","channel":"audit","data":{"entries":{}}}',
    ]) {
      expect(parseServerMessage(text)).toBeNull();
    }
  });
});
