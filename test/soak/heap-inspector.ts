/**
 * The server's live heap, measured without touching its code: the soak starts it with
 * `NODE_OPTIONS=--inspect=127.0.0.1:0` and, over the inspector protocol, asks V8 for a
 * full garbage collection and then for the heap in use. What survives a full GC is what
 * the server keeps; a sampled `nodejs_heap_size_used_bytes` also holds whatever garbage
 * has not been collected yet (a saw-tooth of tens of MB with a period of minutes here),
 * which is too noisy to judge a short run on.
 */
import WebSocket from 'ws';

/** The `NODE_OPTIONS` that opens the inspector on a free loopback port. */
export const INSPECT_NODE_OPTIONS = '--inspect=127.0.0.1:0';

/** Finds the inspector's WebSocket URL in the server's output (`Debugger listening on ws://…`). */
export function inspectorUrl(output: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}

/** One reading of the live heap. */
export interface LiveHeapReading {
  atMs: number;
  usedBytes: number;
}

/** A connection to the server's inspector. */
export class HeapInspector {
  readonly #socket: WebSocket;
  readonly #waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const waiting = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.error) waiting?.reject(new Error(`inspector: ${message.error.message}`));
      else waiting?.resolve(message.result);
    });
    socket.on('close', () => {
      for (const waiting of this.#waiting.values()) waiting.reject(new Error('inspector connection closed'));
      this.#waiting.clear();
    });
  }

  /** Connects to the inspector at `url`. */
  static async connect(url: string): Promise<HeapInspector> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    return new HeapInspector(socket);
  }

  /** Runs a full GC in the server and reads the V8 heap in use afterwards. */
  async liveHeap(): Promise<LiveHeapReading> {
    await this.#call('HeapProfiler.collectGarbage');
    const usage = (await this.#call('Runtime.getHeapUsage')) as { usedSize: number };
    return { atMs: Date.now(), usedBytes: usage.usedSize };
  }

  close(): void {
    this.#socket.close();
  }

  #call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
