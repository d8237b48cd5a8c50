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

/** What the Hub is told of each of its sockets' events. */
export interface SocketEventSink<Socket> {
  message(socket: Socket, data: RawData, isBinary: boolean): void;
  pong(socket: Socket, data: Buffer): void;
  close(socket: Socket): void;
  error(socket: Socket, error: Error): void;
}

/** A socket of a `hubSocketClass`: the client it serves, set by the Hub when it takes the socket. */
export interface HubSocketFields<Client> {
  hubClient: Client | null;
}

// A mixin's base must be typed with `any[]` constructor arguments (TypeScript's rule for mixins).
type EmitterClass = new (...args: any[]) => EventEmitter;

/** `Base` (ws's WebSocket, or a test double) extended to hand its events to `sink`. */
export function hubSocketClass<Base extends EmitterClass, Client>(Base: Base, sink: SocketEventSink<InstanceType<Base> & HubSocketFields<Client>>) {
  return class HubSocket extends Base implements HubSocketFields<Client> {
    hubClient: Client | null = null;

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (this.hubClient !== null) {
        const socket = this as unknown as InstanceType<Base> & HubSocketFields<Client>;
        switch (event) {
          case 'message':
            sink.message(socket, args[0] as RawData, args[1] as boolean);
            break;
          case 'pong':
            sink.pong(socket, args[0] as Buffer);
            break;
          case 'close':
            sink.close(socket);
            break;
          case 'error':
            sink.error(socket, args[0] as Error);
            // Handled: without a listener of its own, EventEmitter would throw it.
            if (this.listenerCount('error') === 0) return true;
            break;
        }
      }
      return super.emit(event, ...args);
    }
  };
}
