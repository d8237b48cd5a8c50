/**
 * What parsing a stream entry yields: the typed entry, or one reject reason naming the
 * offending field. Both carry the entry's unknown fields, by safe name only.
 */

/** Why an entry was rejected, as counted per reason and written to `kw:dlq`. */
export const REJECT_REASONS = ['version', 'missing', 'type', 'id', 'range', 'sum', 'duplicate_field', 'delivery_limit'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** An unknown field, by safe name only — its value never leaves the parser. */
export interface UnknownField {
  name: string;
  rawLooking: boolean;
}

/** The outcome of parsing one entry; `field` and `collector` never carry an offending value. */
export type ParseResult<T> =
  | { ok: true; entry: T; unknownFields: UnknownField[] }
  | { ok: false; reason: RejectReason; field: string | null; collector: string | null; unknownFields: UnknownField[] };

/** A reject reason and the safe name of the field it concerns (null when no single field does). */
export interface Rejection {
  reason: RejectReason;
  field: string | null;
}
