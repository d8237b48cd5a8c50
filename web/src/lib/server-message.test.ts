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

  it('drops what it cannot use instead of throwing', () => {
    for (const text of ['not json', '[]', 'null', '{"type":"nope"}', '{"type":"update","channel":"overview","data":{}}', '{"type":"hello"}']) {
      expect(parseServerMessage(text)).toBeNull();
    }
  });
});
