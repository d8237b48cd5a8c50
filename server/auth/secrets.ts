/** Random credentials and their stored form: only SHA-256 hashes of secrets are ever kept. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new high-entropy secret (256 bits), URL-safe, with a readable prefix. */
export function newSecret(prefix: 'kws' | 'kwt'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a secret (session id or API token). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A printable random password for generated accounts (~120 bits). */
export function newPassword(): string {
  return randomBytes(15).toString('base64url');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
