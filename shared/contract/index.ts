/**
 * Stream contract v1 (spec/streams.md): what producers write into `kw:collect` and
 * `kw:security`, as schemas and parse functions. Import the contract from here.
 */
export {
  INT_PATTERN, ID_PATTERN, SAFE_NAME_PATTERN, MAX_INT, RAW_VALUE_MAX_LENGTH, RAW_NAME_HINTS,
  isContractInt, isContractId, isIpLiteral, safeFieldName, isRawLookingName, isRawLookingField,
} from './fields.js';
export { REJECT_REASONS, type RejectReason, type UnknownField, type ParseResult, type Rejection } from './parse-result.js';
export { type FieldKind, type FieldSpec, type FieldValue, type FieldTable } from './field-table.js';
export { MAX_REPORTED_UNKNOWN_FIELDS } from './entry-reader.js';
export { ContractInt, ContractId, ContractAddress } from './schemas.js';
export {
  CONSENT_STATES, type ConsentState, DUR_MIN_MS, DUR_MAX_MS, COLLECT_TABLE, COLLECT_FIELDS, type CollectFieldName,
  CollectEntry, parseCollectEntry,
} from './collect.js';
export {
  SECURITY_KINDS, type SecurityKind, SECURITY_OUTCOMES, type SecurityOutcome, SECURITY_TABLE, SECURITY_FIELDS,
  type SecurityFieldName, SecurityEntry, parseSecurityEntry,
} from './security.js';
