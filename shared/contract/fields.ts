/**
 * The stream contract's lexical rules (spec/streams.md): what an int, an id and an
 * address look like on the wire, how an unknown field's name may be reported, and
 * which unknown fields look like raw content.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

/** An int: a non-negative decimal of at most 15 digits, no sign, no leading zero. */
export const INT_PATTERN = '^(0|[1-9][0-9]{0,14})$';

/** An id: a pseudonymous name of 1 to 64 characters from a small ASCII alphabet. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$';

/** An unknown field's name that may be reported as it is. */
export const SAFE_NAME_PATTERN = '^[a-z][a-z0-9_]{0,31}$';

/** Largest value an int can hold (15 nines): well inside `Number.MAX_SAFE_INTEGER`. */
export const MAX_INT = 999_999_999_999_999;

/** An unknown field whose value is longer than this many characters looks raw. */
export const RAW_VALUE_MAX_LENGTH = 64;

// Compiled once: the parser runs at ~100k entries/s. The length guards below keep a
// hostile multi-megabyte value from ever reaching the regex engine.
const ID_REGEX = new RegExp(ID_PATTERN);
const SAFE_NAME_REGEX = new RegExp(SAFE_NAME_PATTERN);
const MAX_INT_LENGTH = 15;
const MAX_ID_LENGTH = 64;
const MAX_SAFE_NAME_LENGTH = 32;
// Longest IPv6 literal with a zone id that is still worth handing to isIP.
const MAX_ADDRESS_LENGTH = 64;

/** True when `value` is a contract int. */
export function isContractInt(value: string): boolean {
  return readContractInt(value) >= 0;
}

/**
 * The value of a contract int, or -1 when `value` is not one: the same rule as
 * {@link INT_PATTERN} in one pass without a regex or a second parse (about twenty ints
 * per collect entry are read this way).
 */
export function readContractInt(value: string): number {
  const length = value.length;
  if (length === 0 || length > MAX_INT_LENGTH) return -1;
  const first = value.charCodeAt(0) - 48;
  if (first < 0 || first > 9 || (first === 0 && length > 1)) return -1;
  let result = first;
  for (let index = 1; index < length; index++) {
    const digit = value.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/** True when `value` is a contract id. */
export function isContractId(value: string): boolean {
  return value.length <= MAX_ID_LENGTH && ID_REGEX.test(value);
}

/** True when `value` is an IPv4 or IPv6 literal (as `node:net` `isIP` judges it). */
export function isIpLiteral(value: string): boolean {
  return value.length <= MAX_ADDRESS_LENGTH && isIP(value) !== 0;
}

/**
 * The name under which an unknown field may be reported: the name itself when it
 * matches {@link SAFE_NAME_PATTERN}, else `#` and the first 8 hex digits of its SHA-256.
 */
export function safeFieldName(name: string): string {
  if (name.length <= MAX_SAFE_NAME_LENGTH && SAFE_NAME_REGEX.test(name)) return name;
  // Lone surrogates are encoded as U+FFFD by `update`, so this never throws.
  return '#' + createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
}

/**
 * Name fragments that suggest a field carries content rather than counts: the
 * contract's list plus its "and the like". Matched as substrings of the lower-cased
 * name with separators removed, so `Key_Strokes` and `clip-board` are caught too.
 */
export const RAW_NAME_HINTS = [
  // The contract's own examples.
  'text', 'chars', 'characters', 'content', 'payload', 'input', 'value', 'clipboard', 'keystroke', 'raw', 'body',
  // Their likes: what typed or captured content tends to be called.
  'typed', 'typing', 'keylog', 'keypress', 'message', 'string', 'paste', 'buffer', 'transcript',
  'snippet', 'password', 'passwd', 'secret', 'token', 'cookie', 'word', 'sentence', 'dump', 'blob',
] as const;

// Folds case and compatibility forms (fullwidth letters) and drops every character that
// is not a letter or digit, so cosmetic spellings of a hint still match it.
const NAME_SEPARATORS = /[^\p{L}\p{N}]+/gu;

/**
 * True when an unknown field's name alone suggests content: it contains a raw-name hint,
 * or it is itself longer than {@link RAW_VALUE_MAX_LENGTH} (then the name may be the content).
 */
export function isRawLookingName(name: string): boolean {
  if (name.length > RAW_VALUE_MAX_LENGTH) return true;
  const folded = name.normalize('NFKC').toLowerCase().replace(NAME_SEPARATORS, '');
  for (const hint of RAW_NAME_HINTS) {
    if (folded.includes(hint)) return true;
  }
  return false;
}

/**
 * True when an unknown field looks like raw content: its name suggests content or its
 * value is longer than {@link RAW_VALUE_MAX_LENGTH} characters. Length is counted in
 * UTF-16 units, which never undercounts characters, so no long value slips through.
 */
export function isRawLookingField(name: string, value: string): boolean {
  return value.length > RAW_VALUE_MAX_LENGTH || isRawLookingName(name);
}
