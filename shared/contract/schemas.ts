/**
 * TypeBox schemas for the contract's value types, shared by the typed entry schemas.
 * They describe what a parsed entry holds; the parser itself checks the wire form.
 */
import { FormatRegistry, Type } from '@sinclair/typebox';
import { ID_PATTERN, MAX_INT, isContractId, isIpLiteral } from './fields.js';

/** A contract int, as a number. */
export const ContractInt = Type.Integer({ minimum: 0, maximum: MAX_INT });

/** A contract id. */
export const ContractId = Type.String({ pattern: ID_PATTERN, maxLength: 64 });

// TypeBox knows no formats until they are registered; the name is prefixed so it cannot
// clash with a format registered elsewhere in the process.
const ADDRESS_FORMAT = 'kw-contract-address';
if (!FormatRegistry.Has(ADDRESS_FORMAT)) {
  FormatRegistry.Set(ADDRESS_FORMAT, (value) => isContractId(value) || isIpLiteral(value));
}

/** An id or an IPv4/IPv6 literal (`source` of a security event). */
export const ContractAddress = Type.String({ format: ADDRESS_FORMAT, maxLength: 64 });

/** A union of string literals from a word list; its static type is the list's union. */
export function Words<const W extends string>(words: readonly W[]) {
  return Type.Union(words.map((word) => Type.Literal(word)));
}
