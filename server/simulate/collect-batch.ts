/**
 * One `kw:collect` entry: the counts a collector flushes for a batch interval, drawn from
 * its team's habits in the focused app, with redactions by reason that satisfy every sum
 * rule of the stream contract (redacted ≤ events, Σ red_* ≤ redacted, corrections ≤ keys).
 */
import { REDACTION_REASONS, type RedactionReason } from '../../shared/overview.js';
import type { FieldList } from '../ingest/stream-writer.js';
import { APP_INPUT_RATES, type App, type Collector } from './population.js';
import type { Random } from './random.js';

/** Consent states the contract allows. */
export type Consent = 'granted' | 'revoked' | 'unknown';

/** What an anomaly (or nothing) does to a batch. */
export interface BatchConditions {
  /** Multiplies all input (1 normally; a volume spike raises it). */
  readonly volumeFactor: number;
  /** Multiplies how often input is redacted (1 normally; a redaction drop lowers it). */
  readonly redactionFactor: number;
  readonly consent: Consent;
  readonly tls: '1' | '0';
  /** Share of the captured input the collector had to drop (0 normally). */
  readonly droppedShare: number;
  /** A field outside the contract to add, e.g. a raw-looking one (anomaly only). */
  readonly extraField?: readonly [name: string, value: string];
}

/** Conditions of an ordinary batch. */
export const NORMAL_CONDITIONS: BatchConditions = {
  volumeFactor: 1, redactionFactor: 1, consent: 'granted', tls: '1', droppedShare: 0,
};

/** Everything that decides one batch. */
export interface BatchRequest {
  readonly collector: Collector;
  readonly subject: string;
  readonly app: App;
  /** Whether the person is actively using the device (else the batch is idle). */
  readonly engaged: boolean;
  /** How hard the person is at it in this session (about 0.5–1.4). */
  readonly intensity: number;
  /** `ts`: end of the batch interval on the collector's clock. */
  readonly tsMs: number;
  /** `dur`: length of the batch interval, 1..60000 ms. */
  readonly durMs: number;
  readonly conditions: BatchConditions;
}

interface RedactionEpisode {
  /** Chance per active second that a secret of this kind is typed. */
  readonly perSecond: number;
  readonly minKeys: number;
  readonly maxKeys: number;
}

interface RedactionProfile {
  /** Share of ordinary keys redacted, by reason (addresses, phone numbers in text…). */
  readonly perKey: Partial<Record<RedactionReason, number>>;
  /** Whole secrets typed at once (a password, a token, a card number). */
  readonly episodes: Partial<Record<RedactionReason, RedactionEpisode>>;
  /** Share of mouse moves over masked screen regions, redacted without a reason. */
  readonly maskedMoves: number;
}

// Passwords in the browser, credentials in terminal and IDE, addresses and phone numbers
// in email and chat, cards and government ids rarely.
const REDACTION_PROFILES: Readonly<Record<App, RedactionProfile>> = {
  browser: {
    perKey: { email: 0.004, other: 0.002 },
    episodes: { password: { perSecond: 0.012, minKeys: 8, maxKeys: 16 }, card: { perSecond: 0.0006, minKeys: 16, maxKeys: 19 } },
    maskedMoves: 0.002,
  },
  terminal: {
    perKey: { credential: 0.003 },
    episodes: { credential: { perSecond: 0.008, minKeys: 20, maxKeys: 48 }, password: { perSecond: 0.006, minKeys: 8, maxKeys: 14 } },
    maskedMoves: 0,
  },
  ide: {
    perKey: { credential: 0.002, other: 0.001 },
    episodes: { credential: { perSecond: 0.003, minKeys: 24, maxKeys: 40 } },
    maskedMoves: 0,
  },
  email: {
    perKey: { email: 0.03, phone: 0.01, other: 0.004 },
    episodes: { govid: { perSecond: 0.0003, minKeys: 9, maxKeys: 11 }, card: { perSecond: 0.0002, minKeys: 16, maxKeys: 16 } },
    maskedMoves: 0.001,
  },
  chat: {
    perKey: { email: 0.01, phone: 0.008, other: 0.004 },
    episodes: { password: { perSecond: 0.0005, minKeys: 8, maxKeys: 14 } },
    maskedMoves: 0,
  },
  office: {
    perKey: { phone: 0.004, email: 0.005, other: 0.003 },
    episodes: { govid: { perSecond: 0.001, minKeys: 9, maxKeys: 11 }, card: { perSecond: 0.0005, minKeys: 16, maxKeys: 16 } },
    maskedMoves: 0.001,
  },
  other: { perKey: { other: 0.002 }, episodes: {}, maskedMoves: 0 },
};

// The profiles as arrays, so the per-entry loop does not rebuild them (10k+ entries/s).
const EPISODES_BY_APP = Object.fromEntries(
  Object.entries(REDACTION_PROFILES).map(([app, profile]) => [app, Object.entries(profile.episodes)]),
) as Record<App, [RedactionReason, RedactionEpisode][]>;
const PER_KEY_BY_APP = Object.fromEntries(
  Object.entries(REDACTION_PROFILES).map(([app, profile]) => [app, Object.entries(profile.perKey)]),
) as Record<App, [RedactionReason, number][]>;

/** Mouse nudges per second while the device is on but nobody is working at it. */
const IDLE_MOVES_PER_SECOND = 0.4;

interface Counts {
  keys: number;
  clicks: number;
  moves: number;
  scrolls: number;
  corrections: number;
  dropped: number;
  redacted: number;
  byReason: Record<RedactionReason, number>;
  bytes: number;
}

function drawCounts(request: BatchRequest, random: Random): Counts {
  const { collector, app, conditions } = request;
  const seconds = request.durMs / 1000;
  const rates = APP_INPUT_RATES[app];
  const byReason: Record<RedactionReason, number> = { password: 0, email: 0, phone: 0, card: 0, credential: 0, govid: 0, other: 0 };
  let keys = 0;
  let clicks = 0;
  let moves = 0;
  let scrolls = 0;
  let secretKeys = 0;
  if (request.engaged) {
    const scale = request.intensity * conditions.volumeFactor * seconds;
    keys = random.poisson(rates.keys * collector.team.keyFactor * scale);
    clicks = random.poisson(rates.clicks * collector.team.mouseFactor * scale);
    moves = random.poisson(rates.moves * collector.team.mouseFactor * scale);
    scrolls = random.poisson(rates.scrolls * collector.team.mouseFactor * scale);
    for (const [reason, episode] of EPISODES_BY_APP[app]) {
      if (random.chance(Math.min(1, episode.perSecond * seconds * conditions.redactionFactor))) {
        const typed = random.int(episode.minKeys, episode.maxKeys);
        byReason[reason] += typed;
        secretKeys += typed;
      }
    }
    // The secret was typed in this batch, so the batch holds at least its keys.
    keys = Math.max(keys, secretKeys);
  } else {
    moves = random.poisson(IDLE_MOVES_PER_SECOND * seconds * conditions.volumeFactor);
  }

  const profile = REDACTION_PROFILES[app];
  let plainKeys = keys - secretKeys;
  for (const [reason, share] of PER_KEY_BY_APP[app]) {
    const redactedKeys = random.binomial(plainKeys, share * conditions.redactionFactor);
    byReason[reason] += redactedKeys;
    plainKeys -= redactedKeys;
  }
  const redactedKeys = keys - plainKeys;
  const maskedMoves = random.binomial(moves, profile.maskedMoves * conditions.redactionFactor);
  const redacted = redactedKeys + maskedMoves;

  const corrections = random.binomial(keys, collector.correctionRate);
  const events = keys + clicks + moves + scrolls;
  let dropped = 0;
  if (conditions.droppedShare > 0) {
    dropped = Math.round((events * conditions.droppedShare) / (1 - conditions.droppedShare));
  } else if (events > 40 && random.chance(0.002)) {
    dropped = random.int(1, 4);
  }
  // Stored size after redaction: a header per batch, a record per kept event, a marker per redacted one.
  const stored = 18 * plainKeys + 10 * (moves - maskedMoves) + 16 * clicks + 12 * scrolls + 6 * redacted;
  const bytes = events === 0 ? 48 : Math.round((64 + stored) * random.uniform(0.95, 1.05));
  return { keys, clicks, moves, scrolls, corrections, dropped, redacted, byReason, bytes };
}

/** Draws one collect entry as XADD field/value pairs. */
export function collectEntry(request: BatchRequest, random: Random): FieldList {
  const { collector, conditions } = request;
  const counts = drawCounts(request, random);
  // Older agents leave out optional fields that hold their default value.
  const omitDefaults = collector.legacyAgent;
  const fields: string[] = ['v', '1', 'ts', String(request.tsMs)];
  if (!(omitDefaults && request.durMs === 1000)) fields.push('dur', String(request.durMs));
  fields.push('collector', collector.id, 'subject', request.subject, 'team', collector.team.id, 'app', request.app);
  fields.push('keys', String(counts.keys));
  const pushCount = (name: string, value: number): void => {
    if (value > 0 || !omitDefaults) fields.push(name, String(value));
  };
  pushCount('clicks', counts.clicks);
  pushCount('moves', counts.moves);
  pushCount('scrolls', counts.scrolls);
  pushCount('corrections', counts.corrections);
  pushCount('dropped', counts.dropped);
  fields.push('redacted', String(counts.redacted));
  for (const reason of REDACTION_REASONS) {
    const value = counts.byReason[reason];
    if (value > 0) fields.push(`red_${reason}`, String(value));
  }
  fields.push('bytes', String(counts.bytes), 'consent', conditions.consent);
  if (!(omitDefaults && conditions.tls === '1')) fields.push('tls', conditions.tls);
  if (conditions.extraField) fields.push(conditions.extraField[0], conditions.extraField[1]);
  return fields;
}
