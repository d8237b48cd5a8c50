/**
 * `kw:security` entries: the low, steady audit traffic of a healthy pipeline (small
 * exports, a stray failed sign-in, policy changes that keep or tighten redaction), and
 * the builder the anomalies use for the alarming ones.
 */
import type { FieldList } from '../ingest/stream-writer.js';
import type { Population } from './population.js';
import type { Random } from './random.js';

/** Kinds of security event the contract knows. */
export type SecurityKind = 'raw_access' | 'export' | 'auth_failure' | 'policy_change' | 'collector_tamper' | 'retention_breach';

/** One security event before it becomes field/value pairs. */
export interface SecurityEvent {
  readonly kind: SecurityKind;
  readonly actor: string;
  readonly outcome: 'allowed' | 'denied';
  readonly resource?: string;
  readonly records?: number;
  readonly detail?: string;
  readonly source?: string;
}

/** A security entry and the real time it is due to be written. */
export interface TimedEntry {
  readonly atMs: number;
  readonly fields: FieldList;
}

/** Builds a `kw:security` entry as XADD field/value pairs. */
export function securityEntry(tsMs: number, event: SecurityEvent): FieldList {
  const fields = ['v', '1', 'ts', String(tsMs), 'kind', event.kind, 'actor', event.actor];
  if (event.resource !== undefined) fields.push('resource', event.resource);
  fields.push('outcome', event.outcome);
  if (event.records !== undefined) fields.push('records', String(event.records));
  if (event.detail !== undefined) fields.push('detail', event.detail);
  if (event.source !== undefined) fields.push('source', event.source);
  return fields;
}

/** People and services that act on the pipeline. */
export interface Actors {
  /** Pseudonymous analysts and admins (`u-…`). */
  readonly people: readonly string[];
  readonly reportingServices: readonly string[];
  readonly policyService: string;
}

/** Draws the actors of a run. */
export function createActors(random: Random): Actors {
  const people = Array.from({ length: 10 }, () => `u-${random.hex(6)}`);
  return { people, reportingServices: ['svc-reporting', 'svc-bi-sync'], policyService: 'svc-policy-sync' };
}

/** A private IPv4 address or an internal host name, as the gateway reports sources. */
export function randomSource(random: Random): string {
  if (random.chance(0.3)) return random.pick(['bastion-1', 'bastion-2', 'ci-runner-3', 'vpn-gw-eu']);
  return `10.${random.int(16, 40)}.${random.int(0, 255)}.${random.int(1, 254)}`;
}

// Changes that keep or tighten redaction; the weakening ones are anomalies.
const HARMLESS_POLICY_CHANGES: readonly (readonly [resource: string, detail: string])[] = [
  ['policy:redaction', 'redaction_rules_added'],
  ['policy:redaction', 'redaction_pattern_tightened'],
  ['policy:retention', 'retention_shortened'],
  ['policy:sampling', 'sampling_interval_changed'],
];

/** Mean seconds between routine security events at full working-day activity. */
const MEAN_SECONDS_BETWEEN_EVENTS = 30;

/** The routine security traffic: a Poisson process whose rate follows the working day. */
export class SecurityTraffic {
  readonly #population: Population;
  readonly #actors: Actors;
  readonly #random: Random;

  /** Creates the routine traffic for a population and its actors. */
  constructor(population: Population, actors: Actors, random: Random) {
    this.#population = population;
    this.#actors = actors;
    this.#random = random;
  }

  /** The routine events in the real interval (fromMs, toMs]; `activity` in [0, 1] scales the rate. */
  between(fromMs: number, toMs: number, activity: number): TimedEntry[] {
    const seconds = (toMs - fromMs) / 1000;
    const count = this.#random.poisson((seconds / MEAN_SECONDS_BETWEEN_EVENTS) * (0.2 + 0.8 * activity));
    const out: TimedEntry[] = [];
    for (let n = 0; n < count; n++) {
      const atMs = Math.floor(fromMs + this.#random.next() * (toMs - fromMs)) + 1;
      out.push({ atMs, fields: securityEntry(atMs, this.#routineEvent()) });
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }

  #routineEvent(): SecurityEvent {
    const random = this.#random;
    const kind = random.weighted({ export: 6, auth_failure: 3, policy_change: 1 });
    if (kind === 'export') {
      const team = random.pick(this.#population.teams).id;
      const byService = random.chance(0.6);
      return {
        kind: 'export',
        actor: byService ? random.pick(this.#actors.reportingServices) : random.pick(this.#actors.people),
        resource: `export:team-${team}`,
        outcome: 'allowed',
        records: random.int(5, 400),
        source: randomSource(random),
      };
    }
    if (kind === 'auth_failure') {
      return {
        kind: 'auth_failure',
        actor: random.pick(this.#actors.people),
        resource: random.pick(['console', 'api']),
        outcome: 'denied',
        source: randomSource(random),
      };
    }
    const [resource, detail] = random.pick(HARMLESS_POLICY_CHANGES);
    return {
      kind: 'policy_change',
      actor: random.chance(0.5) ? this.#actors.policyService : random.pick(this.#actors.people),
      resource,
      outcome: 'allowed',
      detail,
    };
  }
}
