/**
 * The raw-content firewall on the way out: every WebSocket frame is checked against the
 * protocol's schemas (`shared/protocol.ts`, `additionalProperties: false` throughout)
 * before it is encoded. A message with a field the protocol does not have is not sent at
 * all — an allowlist, not a filter of bad words — and the refusal is logged by the path
 * of the offending field only, never its value.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ServerMessage } from '../../shared/protocol.js';

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

/** The frame of `message`, or null (and `refused` told the paths) when it is not a protocol message. */
export function encodeOutbound(message: unknown, refused: (paths: string[]) => void): string | null {
  const violations = outboundViolations(message);
  if (violations.length > 0) {
    refused(violations);
    return null;
  }
  return JSON.stringify(message);
}
