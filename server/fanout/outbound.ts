/**
 * The raw-content firewall on the way out: every WebSocket frame is checked against the
 * protocol's schemas (`shared/protocol.ts`, `additionalProperties: false` throughout)
 * before it is encoded. A message with a field the protocol does not have is not sent at
 * all — an allowlist, not a filter of bad words — and the refusal is logged by the path
 * of the offending field only, never its value.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import * as ws from 'ws';
import { ServerMessage } from '../../shared/protocol.js';

interface FrameOptions { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }
/** ws's own frame builder (exported by ws, left out of its type declarations). */
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const serverMessage = TypeCompiler.Compile(ServerMessage);

/** Paths (never values) of what made a message fall outside the protocol. */
export function outboundViolations(message: unknown): string[] {
  if (serverMessage.Check(message)) return [];
  const paths = new Set<string>();
  for (const error of serverMessage.Errors(message)) {
    paths.add(error.path || '/');
    if (paths.size >= 5) break;
  }
  return [...paths];
}

/**
 * An encoded server message: its JSON text, and its whole WebSocket frame (header and
 * UTF-8 payload, unmasked as server frames are) built once, so that sending it to ten
 * thousand clients is ten thousand plain socket writes of one buffer.
 */
export interface Frame {
  readonly text: string;
  readonly wire: Buffer;
  /** `wire` followed by the read-lag probe's ping, made on first use (see Hub). */
  withProbe?: Buffer;
}

/** The whole WebSocket frame of one final, unfragmented message (`opcode` 1: text, 9: ping). */
export function wireFrame(payload: Buffer, opcode: 0x1 | 0x9): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, rsv1: false, opcode, mask: false, readOnly: false }));
}

/** The frame of `message`, or null (and `refused` told the paths) when it is not a protocol message. */
export function encodeOutbound(message: unknown, refused: (paths: string[]) => void): Frame | null {
  const violations = outboundViolations(message);
  if (violations.length > 0) {
    refused(violations);
    return null;
  }
  const text = JSON.stringify(message);
  return { text, wire: wireFrame(Buffer.from(text), 0x1) };
}
