/**
 * The soak's dashboard users: a few steady WebSocket clients that stay connected the
 * whole run, and churning ones that connect, subscribe (resuming the alerts channel
 * from the last event id they saw), stay a few seconds and leave — politely with a close
 * frame, or abruptly by dropping the TCP connection — so that anything the server keeps
 * per connection and forgets to free shows up in its heap and handle counts. Now and
 * then a churner also knocks without credentials (refused with 401 before the upgrade).
 * Frames are counted, not kept: the soak process must not grow either.
 */
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';

/** What a churning client presents: a bearer token or a session cookie. */
export type Credentials = Record<string, string>;

export interface ClientFleetOptions {
  origin: string;
  /** Headers of the steady clients. */
  steadyCredentials: Credentials;
  /** Headers the churners take turns with (token and session, so both re-check paths run). */
  churnCredentials: readonly Credentials[];
  steadyClients: number;
  churnClients: number;
  /** How long a churner stays connected, ms (a random time between the two). */
  holdMs?: readonly [number, number];
}

/** What the fleet saw. */
export interface FleetTotals {
  /** Connections opened by churners. */
  reconnects: number;
  /** Upgrades knocked without credentials and refused (401). */
  refused: number;
  /** Frames received by all clients. */
  frames: number;
  /** `error` frames received (there should be none). */
  errorFrames: string[];
  /** Steady clients closed by the server (there should be none), with their close codes. */
  steadyClosed: number[];
  /** Churn connections that failed to open or were closed by the server. */
  churnFailures: string[];
}

const CHANNELS_STEADY = ['overview', 'alerts', 'pipeline'];
const CHANNELS_CHURN = ['overview', 'alerts'];
const KNOCK_EVERY = 10;

/** One client: counts frames and remembers the newest alert event id. */
class SoakClient {
  readonly socket: WebSocket;
  #closedByUs = false;

  private constructor(socket: WebSocket) {
    this.socket = socket;
  }

  /** Opens `/ws`, subscribes to `channels` (resuming `alerts` from `lastAlertId`), and resolves once open. */
  static async open(origin: string, headers: Credentials, channels: string[], fleet: ClientFleet): Promise<SoakClient> {
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers });
    const client = new SoakClient(socket);
    socket.on('message', (data) => fleet.onFrame(data.toString()));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    const resume = fleet.lastAlertId === null ? undefined : { alerts: fleet.lastAlertId };
    socket.send(JSON.stringify(resume ? { type: 'subscribe', channels, resume } : { type: 'subscribe', channels }));
    return client;
  }

  get closedByUs(): boolean {
    return this.#closedByUs;
  }

  /** Leaves with a close frame, or (`abrupt`) by destroying the TCP connection. */
  leave(abrupt: boolean): Promise<void> {
    this.#closedByUs = true;
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    if (abrupt) this.socket.terminate();
    else this.socket.close(1000, 'bye');
    return closed;
  }
}

/** Runs the steady and churning clients. */
export class ClientFleet {
  readonly #options: ClientFleetOptions;
  readonly totals: FleetTotals = { reconnects: 0, refused: 0, frames: 0, errorFrames: [], steadyClosed: [], churnFailures: [] };
  /** The newest alert event id any client saw: churners resume from it. */
  lastAlertId: string | null = null;
  #steady: SoakClient[] = [];
  #churnLoops: Promise<void>[] = [];
  #churnAbort: AbortController | null = null;

  constructor(options: ClientFleetOptions) {
    this.#options = options;
  }

  /** Counts a frame and notes error frames and alert ids. */
  onFrame(text: string): void {
    this.totals.frames += 1;
    // Only frames that can matter are parsed: overview updates are the bulk.
    if (text.startsWith('{"type":"error"')) this.totals.errorFrames.push(text.slice(0, 200));
    else if (text.startsWith('{"type":"alert"')) this.lastAlertId = (JSON.parse(text) as { id: string }).id;
  }

  /** Connects the steady clients. */
  async connectSteady(): Promise<void> {
    const { origin, steadyCredentials, steadyClients } = this.#options;
    for (let index = 0; index < steadyClients; index++) {
      const client = await SoakClient.open(origin, steadyCredentials, CHANNELS_STEADY, this);
      client.socket.on('close', (code) => {
        if (!client.closedByUs) this.totals.steadyClosed.push(code);
      });
      this.#steady.push(client);
    }
  }

  /** Starts (or restarts) the churners. */
  startChurn(): void {
    if (this.#churnAbort) return;
    const abort = new AbortController();
    this.#churnAbort = abort;
    this.#churnLoops = Array.from({ length: this.#options.churnClients }, (_, index) => this.#churn(index, abort.signal));
  }

  /** Stops the churners and waits until every one of them has left. */
  async stopChurn(): Promise<void> {
    this.#churnAbort?.abort();
    this.#churnAbort = null;
    await Promise.all(this.#churnLoops);
    this.#churnLoops = [];
  }

  /** Stops the churners and closes the steady clients. */
  async close(): Promise<void> {
    await this.stopChurn();
    await Promise.all(this.#steady.map((client) => client.leave(false)));
    this.#steady = [];
  }

  /** Steady clients still open. */
  get steadyOpen(): number {
    return this.#steady.filter((client) => client.socket.readyState === WebSocket.OPEN).length;
  }

  async #churn(index: number, signal: AbortSignal): Promise<void> {
    const { origin, churnCredentials, holdMs = [2_000, 6_000] } = this.#options;
    // Spread the churners out so they do not all come and go at the same moment.
    await pause(Math.random() * holdMs[1], signal);
    for (let round = 0; !signal.aborted; round++) {
      if ((round + index) % KNOCK_EVERY === 0) await this.#knock();
      const credentials = churnCredentials[(round + index) % churnCredentials.length] ?? {};
      let client: SoakClient;
      try {
        client = await SoakClient.open(origin, credentials, CHANNELS_CHURN, this);
        this.totals.reconnects += 1;
      } catch (error) {
        this.totals.churnFailures.push(`open: ${(error as Error).message}`);
        await pause(1_000, signal);
        continue;
      }
      client.socket.once('close', (code) => {
        if (!client.closedByUs) this.totals.churnFailures.push(`closed by the server with ${code}`);
      });
      await pause(holdMs[0] + Math.random() * (holdMs[1] - holdMs[0]), signal);
      await client.leave(round % 3 === 2);
      await pause(200 + Math.random() * 800, signal);
    }
  }

  /** An upgrade without credentials: the server must refuse it with 401 and let go of the socket. */
  async #knock(): Promise<void> {
    const socket = new WebSocket(`${this.#options.origin.replace(/^http/, 'ws')}/ws`);
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        socket.terminate();
      });
      socket.once('open', () => {
        resolve(101);
        socket.terminate();
      });
      socket.on('error', () => resolve(0));
    });
    if (status === 401) this.totals.refused += 1;
    else this.totals.churnFailures.push(`upgrade without credentials answered ${status}, not 401`);
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => {});
}
