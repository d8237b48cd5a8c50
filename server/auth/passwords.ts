/**
 * Password hashing with scrypt (memory-hard, in Node's own crypto). Stored as
 * `scrypt$<logN>$<r>$<p>$<salt>$<hash>` so parameters can be raised later without a migration.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const LOG_N = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function options(logN: number, r: number, p: number): ScryptOptions {
  // 128·N·r bytes per hash (32 MiB at the defaults): allow twice that.
  return { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r };
}

/** Hashes a password for storage. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, options(LOG_N, BLOCK_SIZE, PARALLELISM));
  return ['scrypt', LOG_N, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), options(Number(logN), Number(r), Number(p)));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | null = null;

/**
 * A hash of no one's password, checked when the user does not exist, so that an unknown
 * user and a wrong password take the same time.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('keywatch-no-such-user');
  return dummyHash;
}
