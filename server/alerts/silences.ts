/**
 * Silences: matchers on `rule`, `severity` and labels (exact values, all must match),
 * a required comment and author, and an end time. Matching alerts stay listed but are
 * marked `silenced`: notifications and escalation skip them until the silence ends.
 */
import { Value } from '@sinclair/typebox/value';
import { ALERT_SEVERITIES, SilenceMatchers, type Alert, type Silence } from '../../shared/alerts.js';
import { AlertError } from './alert-error.js';

/** What a person asks for; `by` is the signed-in user. */
export interface SilenceRequestBy {
  matchers: Readonly<Record<string, string>>;
  durationMs: number;
  comment: string;
  by: string;
}

/** True when `alert` has every value the matchers name. */
export function matchesSilence(matchers: Readonly<Record<string, string>>, alert: Alert): boolean {
  for (const [name, value] of Object.entries(matchers)) {
    const actual = name === 'rule' ? alert.rule : name === 'severity' ? alert.severity : alert.labels[name];
    if (actual !== value) return false;
  }
  return true;
}

/** Checks matchers: at least one, known label-name syntax, a real severity. Throws `bad_request`. */
export function checkMatchers(matchers: unknown): Record<string, string> {
  if (!Value.Check(SilenceMatchers, matchers)) {
    const first = Value.Errors(SilenceMatchers, matchers).First();
    throw new AlertError('bad_request', `matchers are not valid at ${first?.path || '/'}: ${first?.message ?? 'unknown'}; use {"rule": "…", "<label>": "…"}`);
  }
  const checked = matchers as Record<string, string>;
  if (Object.keys(checked).length === 0) {
    throw new AlertError('bad_request', 'a silence needs at least one matcher (rule, severity or a label); it would silence everything');
  }
  const severity = checked.severity;
  if (severity !== undefined && !(ALERT_SEVERITIES as readonly string[]).includes(severity)) {
    throw new AlertError('bad_request', `severity "${severity}" is not one of ${ALERT_SEVERITIES.join(', ')}`);
  }
  return { ...checked };
}

/** Checks a silence request and builds the silence. Throws `bad_request` naming the problem. */
export function createSilence(request: SilenceRequestBy, id: string, nowMs: number, maxDurationMs: number): Silence {
  const matchers = checkMatchers(request.matchers);
  if (!Number.isInteger(request.durationMs) || request.durationMs < 1000 || request.durationMs > maxDurationMs) {
    throw new AlertError('bad_request', `durationMs must be a whole number from 1000 to ${maxDurationMs}, got ${String(request.durationMs)}`);
  }
  const comment = typeof request.comment === 'string' ? request.comment.trim() : '';
  if (comment === '' || comment.length > 1000) {
    throw new AlertError('bad_request', 'a silence needs a comment (1 to 1000 characters) saying why');
  }
  const by = typeof request.by === 'string' ? request.by.trim() : '';
  if (by === '' || by.length > 64) throw new AlertError('bad_request', 'a silence needs its author');
  return { id, matchers, comment, createdBy: by, createdAt: nowMs, endsAt: nowMs + request.durationMs };
}
