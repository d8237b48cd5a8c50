/**
 * Rules on single collect entries and on what the parser saw in them:
 * - `consent_revoked_collection` (event): a batch taken under `consent=revoked`;
 * - `unencrypted_collection` (condition): a batch that travelled with `tls=0`; clears
 *   once a collector has sent none for `conditionQuietMs`;
 * - `raw_content_in_stream` (event): an unknown field that looks like content, named by
 *   stream, collector and field — its value is never read.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { clear, raise, type AlertSignal } from '../signal.js';
import { seconds, type RuleFamily } from './rule-family.js';

const CollectionState = Type.Object(
  {
    /** Collectors that sent unencrypted batches: their team and the event time of the last one. */
    unencrypted: Type.Record(Type.String(), Type.Object({ team: Type.String(), lastAt: Type.Integer({ minimum: 0 }) })),
  },
  { additionalProperties: false },
);
type CollectionState = Static<typeof CollectionState>;

/** `consent_revoked_collection`, `unencrypted_collection`, `raw_content_in_stream`. */
export class CollectionRules implements RuleFamily<CollectionState> {
  readonly stateSchema = CollectionState;
  readonly #quietMs: number;
  #unencrypted = new Map<string, { team: string; lastAt: number }>();

  constructor(settings: Pick<RuleSettings, 'conditionQuietMs'>) {
    this.#quietMs = settings.conditionQuietMs;
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    switch (input.type) {
      case 'collect': {
        const { entry } = input;
        const labels = { team: entry.team, collector: entry.collector };
        const events = entry.keys + entry.clicks + entry.moves + entry.scrolls;
        if (entry.consent === 'revoked') {
          out.push(raise('consent_revoked_collection', labels,
            `Collector ${entry.collector} (team ${entry.team}) sent a batch of ${events} events taken under consent=revoked`, entry.ts));
        }
        if (!entry.tls) {
          const known = this.#unencrypted.get(entry.collector);
          this.#unencrypted.set(entry.collector, { team: entry.team, lastAt: Math.max(known?.lastAt ?? 0, entry.ts) });
          out.push(raise('unencrypted_collection', labels,
            `Collector ${entry.collector} (team ${entry.team}) sent a batch of ${events} events without TLS (tls=0)`, entry.ts));
        }
        return;
      }
      case 'raw_field':
        out.push(raise('raw_content_in_stream', { stream: input.stream, collector: input.collector, field: input.field },
          `Field ${input.field} in ${input.stream} looks like raw content (collector ${input.collector ?? 'unknown'}); its value was not read`,
          input.at));
        return;
      case 'tick':
        for (const [collector, { team, lastAt }] of this.#unencrypted) {
          if (input.nowMs - lastAt < this.#quietMs) continue;
          this.#unencrypted.delete(collector);
          out.push(clear('unencrypted_collection', { team, collector },
            `Collector ${collector} (team ${team}) has sent no unencrypted batch for ${seconds(this.#quietMs)} s`, input.nowMs));
        }
        return;
      default:
    }
  }

  snapshot(): CollectionState {
    return { unencrypted: Object.fromEntries([...this.#unencrypted].map(([key, value]) => [key, { ...value }])) };
  }

  load(state: CollectionState): void {
    this.#unencrypted = new Map(Object.entries(state.unencrypted));
  }
}
