/** Turns a batch of classified entries into the one commit that applies and acknowledges it. */
import type { DeadLetter, IngestCommit } from '../overview/overview-store.js';
import { MinuteDeltas } from '../overview/minute-delta.js';
import { addEntry, emptyDelta, type SecondDelta } from '../overview/second-delta.js';
import type { ClassifiedEntry } from './classify.js';

/** Builds the commit for `entries`; `coverage` and `finalBeforeMs` come from the reader. */
export function buildCommit(
  entries: readonly ClassifiedEntry[],
  prefix: string,
  coverage: IngestCommit['coverage'],
  finalBeforeMs: number,
): IngestCommit {
  const acks: IngestCommit['acks'] = { collect: [], security: [] };
  const seconds = new Map<number, SecondDelta>();
  const minutes = new MinuteDeltas();
  const counters: Record<string, number> = {};
  const deadLetters: DeadLetter[] = [];
  const count = (name: string, increment = 1): void => {
    counters[name] = (counters[name] ?? 0) + increment;
  };

  for (const classified of entries) {
    const { source } = classified;
    acks[source.stream].push(source.id);
    if (classified.unknownFields.length > 0) {
      count('unknown_fields', classified.unknownFields.length);
      count('raw_looking_fields', classified.unknownFields.filter((field) => field.rawLooking).length);
    }
    switch (classified.kind) {
      case 'point': {
        let delta = seconds.get(classified.second);
        if (!delta) {
          delta = emptyDelta(classified.second);
          seconds.set(classified.second, delta);
        }
        addEntry(delta, classified.entry);
        minutes.add(classified.entry, classified.second);
        count('accepted_collect');
        break;
      }
      case 'security':
        count('accepted_security');
        break;
      case 'late':
      case 'skewed':
        count(classified.kind);
        break;
      case 'rejected':
        count(`rejected_${classified.reason}`);
        deadLetters.push({ stream: prefix + source.stream, id: source.id, reason: classified.reason, field: classified.field ?? '' });
        break;
    }
  }
  return {
    acks, seconds: [...seconds.values()], teamMinutes: minutes.teams(), collectorMinutes: minutes.collectors(),
    counters, deadLetters, coverage, finalBeforeMs,
  };
}
