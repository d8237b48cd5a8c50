/**
 * "Silence…" from an alert: matchers pre-filled from its rule and labels (each can be
 * unticked), a duration, and the comment the server requires. Builds the body of
 * `POST /api/silences` or says what is missing, before anything is sent.
 */
import type { Alert, SilenceMatchers, SilenceRequest } from '../../../shared/alerts.js';
import { formatDuration } from './format.js';

/** One matcher the form offers. */
export interface MatcherChoice {
  readonly name: string;
  readonly value: string;
  /** Ticked: part of the silence. */
  readonly selected: boolean;
  /** False for an empty label value, which a matcher cannot hold. */
  readonly usable: boolean;
}

const HOUR_MS = 3_600_000;

/** The durations offered, shortest first. */
export const DURATION_CHOICES: readonly number[] = [HOUR_MS / 2, HOUR_MS, 2 * HOUR_MS, 4 * HOUR_MS, 8 * HOUR_MS, 24 * HOUR_MS, 3 * 24 * HOUR_MS, 7 * 24 * HOUR_MS];
export const DEFAULT_DURATION_MS = 2 * HOUR_MS;
/** The server's longest silence (30 days). */
export const MAX_SILENCE_MS = 30 * 24 * HOUR_MS;
/** The server's limit on comments and matcher values. */
export const MAX_COMMENT_LENGTH = 1000;
const MAX_VALUE_LENGTH = 128;

/**
 * The matchers an alert suggests: its rule and every label, all ticked (so the silence
 * covers this alert and its repeats), then its severity, unticked.
 */
export function matcherChoices(alert: Alert): MatcherChoice[] {
  const usable = (value: string): boolean => value !== '' && value.length <= MAX_VALUE_LENGTH;
  const labels = Object.entries(alert.labels)
    .filter(([name]) => name !== 'rule' && name !== 'severity')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value, selected: usable(value), usable: usable(value) }));
  return [
    { name: 'rule', value: alert.rule, selected: true, usable: true },
    ...labels,
    { name: 'severity', value: alert.severity, selected: false, usable: true },
  ];
}

/** The body of `POST /api/silences`, or what keeps it from being sent. */
export function buildSilenceRequest(
  choices: readonly MatcherChoice[],
  durationMs: number,
  comment: string,
): { readonly ok: true; readonly request: SilenceRequest } | { readonly ok: false; readonly problem: string } {
  const matchers: SilenceMatchers = selectedMatchers(choices);
  if (Object.keys(matchers).length === 0) return { ok: false, problem: 'Tick at least one matcher: a silence without any would silence everything.' };
  if (!Number.isInteger(durationMs) || durationMs < 1000 || durationMs > MAX_SILENCE_MS) {
    return { ok: false, problem: `Choose a duration up to ${formatDuration(MAX_SILENCE_MS)}.` };
  }
  const trimmed = comment.trim();
  if (trimmed === '') return { ok: false, problem: 'Say why in the comment: the people who see this silence will want to know.' };
  if (trimmed.length > MAX_COMMENT_LENGTH) return { ok: false, problem: `The comment may hold at most ${MAX_COMMENT_LENGTH} characters.` };
  return { ok: true, request: { matchers, durationMs, comment: trimmed } };
}

/** Matchers as they read in a list: `rule=consent_revoked_collection, team=payments`. */
export function describeMatchers(matchers: Readonly<Record<string, string>>): string {
  return Object.entries(matchers).map(([name, value]) => `${name}=${value}`).join(', ');
}

/** Whether an alert has every value the matchers name (as the server matches silences). */
export function matchesMatchers(matchers: Readonly<Record<string, string>>, alert: Alert): boolean {
  return Object.entries(matchers).every(([name, value]) => (name === 'rule' ? alert.rule : name === 'severity' ? alert.severity : alert.labels[name]) === value);
}

/** The ticked matchers, as a silence would hold them. */
export function selectedMatchers(choices: readonly MatcherChoice[]): Record<string, string> {
  return Object.fromEntries(choices.filter((choice) => choice.selected && choice.usable).map((choice) => [choice.name, choice.value]));
}
