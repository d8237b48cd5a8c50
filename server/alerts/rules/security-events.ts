/**
 * Rules raised by a single `kw:security` event (at any age): an allowed raw access by an
 * actor outside `KW_RAW_ACCESS_ALLOW`, a bulk export, a policy change that weakens
 * redaction, a collector tamper report, a retention breach. They hold no state.
 */
import { Type } from '@sinclair/typebox';
import type { SecurityEntry } from '../../../shared/contract/index.js';
import type { RuleInput } from '../inputs.js';
import type { RuleSettings } from '../settings.js';
import { raise, type AlertSignal } from '../signal.js';
import type { RuleFamily } from './rule-family.js';

type Settings = Pick<RuleSettings, 'rawAccessAllow' | 'bulkExportRecords' | 'policyWeakeningDetails'>;

/** `unauthorized_raw_access`, `bulk_export`, `redaction_policy_weakened`, `collector_tamper`, `retention_breach`. */
export class SecurityEventRules implements RuleFamily<Record<string, never>> {
  readonly stateSchema = Type.Object({}, { additionalProperties: false });
  readonly #allowed: ReadonlySet<string>;
  readonly #bulkExportRecords: number;
  readonly #weakening: ReadonlySet<string>;

  constructor(settings: Settings) {
    this.#allowed = new Set(settings.rawAccessAllow);
    this.#bulkExportRecords = settings.bulkExportRecords;
    this.#weakening = new Set(settings.policyWeakeningDetails);
  }

  apply(input: RuleInput, out: AlertSignal[]): void {
    if (input.type !== 'security') return;
    const signal = this.#judge(input.entry);
    if (signal) out.push(signal);
  }

  #judge(entry: SecurityEntry): AlertSignal | null {
    const { actor, resource, ts } = entry;
    const from = entry.source === null ? '' : ` from ${entry.source}`;
    switch (entry.kind) {
      case 'raw_access':
        if (entry.outcome !== 'allowed' || this.#allowed.has(actor)) return null;
        return raise('unauthorized_raw_access', { actor, resource },
          `${actor} read ${resource ?? 'the raw store'}${from} (${entry.records} records, allowed) and is not in KW_RAW_ACCESS_ALLOW`, ts);
      case 'export':
        if (entry.outcome !== 'allowed' || entry.records < this.#bulkExportRecords) return null;
        return raise('bulk_export', { actor, resource },
          `${actor} exported ${entry.records} records from ${resource ?? 'an unnamed resource'}${from} (threshold ${this.#bulkExportRecords})`, ts);
      case 'policy_change':
        if (entry.outcome !== 'allowed' || entry.detail === null || !this.#weakening.has(entry.detail)) return null;
        return raise('redaction_policy_weakened', { actor, detail: entry.detail },
          `${actor} changed ${resource ?? 'a policy'}: ${entry.detail}${from}`, ts);
      case 'collector_tamper':
        return raise('collector_tamper', { actor, resource },
          `Tamper event on ${resource ?? 'a collector'}: ${entry.detail ?? 'no detail'} (actor ${actor}, ${entry.outcome})${from}`, ts);
      case 'retention_breach':
        return raise('retention_breach', { actor, resource },
          `Retention breach on ${resource ?? 'a store'}: ${entry.detail ?? 'no detail'}, ${entry.records} records (actor ${actor})`, ts);
      default:
        return null;
    }
  }

  snapshot(): Record<string, never> {
    return {};
  }

  load(): void {}
}
