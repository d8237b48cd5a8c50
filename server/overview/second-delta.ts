/**
 * What a batch adds to one event-time second: summed counters plus the distinct
 * collectors and subjects seen (sets, so that distinct counts stay exact across batches).
 */
import { emptyPoint, REDACTION_REASONS, type OverviewFullPoint } from '../../shared/overview.js';
import type { CollectEntry } from '../../shared/contract/index.js';

/**
 * Names of the summed counters as stored (flat: `red_<reason>` for the reasons).
 * The order is the wire order of the commit script's arguments.
 */
export const STORED_COUNTERS = [
  'events', 'keys', 'clicks', 'moves', 'scrolls', 'corrections', 'dropped', 'redacted',
  ...REDACTION_REASONS.map((reason) => `red_${reason}` as const),
  'bytes', 'revoked', 'unencrypted',
] as const;
export type StoredCounter = (typeof STORED_COUNTERS)[number];

export interface SecondDelta {
  t: number;
  counters: Record<StoredCounter, number>;
  collectors: Set<string>;
  subjects: Set<string>;
}

/** A delta with every counter zero and no members. */
export function emptyDelta(t: number): SecondDelta {
  const counters = Object.fromEntries(STORED_COUNTERS.map((name) => [name, 0])) as Record<StoredCounter, number>;
  return { t, counters, collectors: new Set(), subjects: new Set() };
}

/** Adds one accepted, on-time collect entry to its second's delta. */
export function addEntry(delta: SecondDelta, entry: CollectEntry): void {
  const events = entry.keys + entry.clicks + entry.moves + entry.scrolls;
  const counters = delta.counters;
  counters.events += events;
  counters.keys += entry.keys;
  counters.clicks += entry.clicks;
  counters.moves += entry.moves;
  counters.scrolls += entry.scrolls;
  counters.corrections += entry.corrections;
  counters.dropped += entry.dropped;
  counters.redacted += entry.redacted;
  // Spelled out, not looped over REDACTION_REASONS: a built key per reason cost an allocation each, per entry.
  const red = entry.red;
  counters.red_password += red.password;
  counters.red_email += red.email;
  counters.red_phone += red.phone;
  counters.red_card += red.card;
  counters.red_credential += red.credential;
  counters.red_govid += red.govid;
  counters.red_other += red.other;
  counters.bytes += entry.bytes;
  if (entry.consent === 'revoked') counters.revoked += events;
  if (!entry.tls) counters.unencrypted += events;
  delta.collectors.add(entry.collector);
  delta.subjects.add(entry.subject);
}

/** The wire point for a stored second. */
export function toOverviewPoint(
  t: number, counters: Record<StoredCounter, number>, collectors: number, subjects: number,
): OverviewFullPoint {
  const point = emptyPoint(t);
  point.events = counters.events;
  point.keys = counters.keys;
  point.clicks = counters.clicks;
  point.moves = counters.moves;
  point.scrolls = counters.scrolls;
  point.corrections = counters.corrections;
  point.dropped = counters.dropped;
  point.redacted = counters.redacted;
  for (const reason of REDACTION_REASONS) point.red[reason] = counters[`red_${reason}`];
  point.bytes = counters.bytes;
  point.revoked = counters.revoked;
  point.unencrypted = counters.unencrypted;
  point.collectors = collectors;
  point.subjects = subjects;
  return point;
}
