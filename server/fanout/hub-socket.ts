/**
 * The sockets the Hub serves: a WebSocket class (ws's `WebSocket` option: "a class that
 * extends it") whose four events the Hub needs — message, pong, close, error — go straight
 * to the Hub, and which knows its client.
 *
 * Why not listeners: a socket with listeners under four event names keeps them in a
 * dictionary about 100 bytes bigger than plain ws's, and finding the client from a shared
 * listener took a WeakMap entry more (issue 6's idle memory: ~150 bytes per connection).
 * Listeners added with `on` still hear every event, after the Hub.
 */
import type { EventEmitter } from 'node:events';
import type { RawData } from 'ws';

/** What the Hub is told of each of its sockets' events, with the client the socket serves. */
export interface SocketEventSink<Client> {
  message(client: Client, data: RawData, isBinary: boolean): void;
  pong(client: Client, data: Buffer): void;
  close(client: Client): void;
  error(client: Client, error: Error): void;
}

/** A socket of a `hubSocketClass`: the client it serves, set by the Hub when it takes the socket. */
export interface HubSocketFields<Client> {
  hubClient: Client | null;
}

// A mixin's base must be typed with `any[]` constructor arguments (TypeScript's rule for mixins).
type EmitterClass = new (...args: any[]) => EventEmitter;

/** `Base` (ws's WebSocket, or a test double) extended to hand its events to `sink` once it has a client. */
export function hubSocketClass<Base extends EmitterClass, Client>(Base: Base, sink: SocketEventSink<Client>) {
  return class HubSocket extends Base implements HubSocketFields<Client> {
    hubClient: Client | null = null;

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      const client = this.hubClient;
      if (client !== null) {
        switch (event) {
          case 'message':
            sink.message(client, args[0] as RawData, args[1] as boolean);
            break;
          case 'pong':
            sink.pong(client, args[0] as Buffer);
            break;
          case 'close':
            sink.close(client);
            break;
          case 'error':
            sink.error(client, args[0] as Error);
            // Handled: without a listener of its own, EventEmitter would throw it.
            if (this.listenerCount('error') === 0) return true;
            break;
        }
      }
      return super.emit(event, ...args);
    }
  };
}
