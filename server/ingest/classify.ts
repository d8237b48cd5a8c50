/**
 * What an entry read from an input stream becomes: a point contribution, a security
 * event, a late or skewed entry (counted only), or a rejection with one contract reason.
 */
import {
  parseCollectEntry, parseSecurityEntry, type CollectEntry, type RejectReason, type SecurityEntry, type UnknownField,
} from '../../shared/contract/index.js';
import { secondOf } from '../../shared/overview.js';
import type { SourceEntry } from './stream-source.js';

/** How far ahead of its arrival an entry's `ts` may be before it is "skewed" (streams.md). */
export const MAX_SKEW_MS = 5000;

export type ClassifiedEntry =
  | { kind: 'point'; source: SourceEntry; second: number; entry: CollectEntry; unknownFields: UnknownField[] }
  | { kind: 'security'; source: SourceEntry; entry: SecurityEntry; unknownFields: UnknownField[] }
  | { kind: 'late' | 'skewed'; source: SourceEntry; collector: string; unknownFields: UnknownField[] }
  | {
    kind: 'rejected';
    source: SourceEntry;
    reason: RejectReason;
    field: string | null;
    collector: string | null;
    unknownFields: UnknownField[];
  };

/**
 * Classifies one entry. Lateness is judged against its arrival in the source (the stream
 * id), never against when it is read, so a backlog read after an outage lands in its own seconds.
 */
export function classifyEntry(source: SourceEntry, latenessMs: number): ClassifiedEntry {
  if (source.stream === 'security') {
    const parsed = parseSecurityEntry(source.fields);
    if (!parsed.ok) return { kind: 'rejected', source, reason: parsed.reason, field: parsed.field, collector: null, unknownFields: parsed.unknownFields };
    return { kind: 'security', source, entry: parsed.entry, unknownFields: parsed.unknownFields };
  }
  const parsed = parseCollectEntry(source.fields);
  if (!parsed.ok) {
    return { kind: 'rejected', source, reason: parsed.reason, field: parsed.field, collector: parsed.collector, unknownFields: parsed.unknownFields };
  }
  const { entry, unknownFields } = parsed;
  const second = secondOf(entry.ts);
  if (second + 1000 + latenessMs < source.arrivalMs) return { kind: 'late', source, collector: entry.collector, unknownFields };
  if (entry.ts > source.arrivalMs + MAX_SKEW_MS) return { kind: 'skewed', source, collector: entry.collector, unknownFields };
  return { kind: 'point', source, second, entry, unknownFields };
}
