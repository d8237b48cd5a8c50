import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { hubSocketClass } from './hub-socket.js';

function recordingSocketClass() {
  const heard: [string, unknown, ...unknown[]][] = [];
  const Socket = hubSocketClass<typeof EventEmitter, string>(EventEmitter, {
    message: (client, data, isBinary) => heard.push(['message', client, String(data), isBinary]),
    pong: (client, data) => heard.push(['pong', client, String(data)]),
    close: (client) => heard.push(['close', client]),
    error: (client, error) => heard.push(['error', client, error.message]),
  });
  return { Socket, heard };
}

describe('hubSocketClass', () => {
  it('hands the four events to the sink with the socket\'s client, and still to any listener', () => {
    const { Socket, heard } = recordingSocketClass();
    const socket = new Socket();
    socket.hubClient = 'client-1';
    const listened: string[] = [];
    socket.on('close', () => listened.push('close'));
    socket.on('open', () => listened.push('open'));
    socket.emit('message', Buffer.from('{}'), false);
    socket.emit('pong', Buffer.from('lag'));
    socket.emit('open');
    socket.emit('close', 1000, Buffer.alloc(0));
    expect(heard).toEqual([['message', 'client-1', '{}', false], ['pong', 'client-1', 'lag'], ['close', 'client-1']]);
    expect(listened).toEqual(['open', 'close']);
  });

  it('takes an error with no listener as handled once it has told the sink', () => {
    const { Socket, heard } = recordingSocketClass();
    const socket = new Socket();
    socket.hubClient = 'client-1';
    expect(() => socket.emit('error', new Error('reset'))).not.toThrow();
    expect(heard).toEqual([['error', 'client-1', 'reset']]);
    // A socket the Hub has not taken yet behaves as any emitter: an unheard error throws.
    expect(() => new Socket().emit('error', new Error('early'))).toThrow('early');
  });

  it('tells the sink nothing for a socket without a client', () => {
    const { Socket, heard } = recordingSocketClass();
    const socket = new Socket();
    socket.emit('message', Buffer.from('{}'), false);
    socket.emit('close');
    expect(heard).toEqual([]);
  });
});
