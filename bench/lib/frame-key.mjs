/**
 * A cheap identity for an overview update frame, computed the same way from the string the
 * server sends and from the bytes a client receives: its byte length plus two slices that
 * hold the first points' figures and the open-alert counts. (Frames are ASCII JSON.)
 * Hashing every received frame would cost the load generator more CPU than parsing it.
 */

const HEAD_FROM = 44;
const HEAD_TO = 200;
const TAIL = 48;

/** The key of a frame the server is about to send (a string). */
export function frameKeyOfString(frame) {
  return `${Buffer.byteLength(frame)}|${frame.slice(HEAD_FROM, HEAD_TO)}|${frame.slice(-TAIL)}`;
}

/** The key of a received frame: `buffer[start, end)` holds its payload. */
export function frameKeyOfBytes(buffer, start, end) {
  const length = end - start;
  return `${length}|${buffer.latin1Slice(start + HEAD_FROM, Math.min(end, start + HEAD_TO))}|${buffer.latin1Slice(Math.max(start, end - TAIL), end)}`;
}
