/**
 * One connected WebSocket client: who it is, what it subscribed to, and the guards on
 * what it may send (message rate) and what it may be sent (buffer bound, read lag).
 */
import type { WebSocket } from 'ws';
import type { ChannelName } from '../../shared/protocol.js';
import type { Identity } from '../auth/auth-service.js';
import type { Frame } from './outbound.js';

/** Who a socket acts as: the identity its upgrade request authenticated. */
export type ClientIdentity = Identity;

/** Messages a client may send per second (burst allowance is twice that). */
export const CLIENT_MESSAGES_PER_SECOND = 20;

export class ClientConnection {
  readonly socket: WebSocket;
  readonly identity: ClientIdentity;
  // The three collections below are made on first use: most clients subscribe to one
  // or two channels and never catch up or fall behind, and an empty Map or Set with its
  // table costs ~150 bytes of heap per connection (issue 6's idle-memory target).
  #channels: Set<ChannelName> | null = null;
  /** Channels being caught up after a resume: live frames wait here until the missed ones are sent. */
  #catchingUp: Map<ChannelName, Frame[]> | null = null;
  /**
   * Metric updates held while the client is behind, merged per channel (see
   * `ChannelFeed.merge`), and sent as one update per channel once it has caught up.
   */
  #held: Map<ChannelName, unknown> | null = null;
  /** Whether the socket answered the last heartbeat ping. */
  alive = true;
  /**
   * When the unanswered read-lag probe was sent, or null. The probe is a ping queued
   * behind everything sent before it, so its pong says the client has read all that:
   * its age is how far behind the client's reading is, whatever the kernel buffers hold.
   */
  probeSentAtMs: number | null = null;
  /** A probe is due: it goes out with the next frame sent (see `Hub.probe`). */
  probeDue = true;
  #tokens = CLIENT_MESSAGES_PER_SECOND * 2;
  #refilledAtMs: number;

  constructor(socket: WebSocket, identity: ClientIdentity, nowMs: number) {
    this.socket = socket;
    this.identity = identity;
    this.#refilledAtMs = nowMs;
  }

  isSubscribed(channel: ChannelName): boolean {
    return this.#channels?.has(channel) ?? false;
  }

  subscribe(channel: ChannelName): void {
    (this.#channels ??= new Set()).add(channel);
  }

  /** Ends a subscription, with whatever update of it was held. */
  unsubscribe(channel: ChannelName): void {
    this.#channels?.delete(channel);
    this.#held?.delete(channel);
  }

  /** Live frames of `channel` wait (see `catchUpQueue`) until `endCatchUp`. */
  startCatchUp(channel: ChannelName): void {
    (this.#catchingUp ??= new Map()).set(channel, []);
  }

  /** Where live frames of `channel` wait while it is caught up; undefined when it is not. */
  catchUpQueue(channel: ChannelName): Frame[] | undefined {
    return this.#catchingUp?.get(channel);
  }

  /** Ends catching up `channel`; returns the live frames that waited. */
  endCatchUp(channel: ChannelName): Frame[] {
    const waiting = this.#catchingUp?.get(channel) ?? [];
    this.#catchingUp?.delete(channel);
    return waiting;
  }

  hasHeld(channel: ChannelName): boolean {
    return this.#held?.has(channel) ?? false;
  }

  heldUpdate(channel: ChannelName): unknown {
    return this.#held?.get(channel);
  }

  setHeld(channel: ChannelName, data: unknown): void {
    (this.#held ??= new Map()).set(channel, data);
  }

  get holdsUpdates(): boolean {
    return (this.#held?.size ?? 0) > 0;
  }

  /** The held updates, channel by channel, now no longer held. */
  takeHeld(): [ChannelName, unknown][] {
    const held = [...(this.#held ?? [])];
    this.#held?.clear();
    return held;
  }

  /** How long the client has been reading behind: the age of its unanswered probe (0 when none). */
  readLagMs(nowMs: number): number {
    return this.probeSentAtMs === null ? 0 : nowMs - this.probeSentAtMs;
  }

  /** Token bucket: false when the client is sending faster than allowed. */
  takeMessageToken(nowMs: number): boolean {
    const refill = ((nowMs - this.#refilledAtMs) / 1000) * CLIENT_MESSAGES_PER_SECOND;
    this.#tokens = Math.min(CLIENT_MESSAGES_PER_SECOND * 2, this.#tokens + refill);
    this.#refilledAtMs = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
