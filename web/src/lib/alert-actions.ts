/**
 * What a person does about alerts over HTTP (interfaces.md, "HTTP"): acknowledge and
 * resolve with a note, create, list and delete silences. Each call resolves (never
 * rejects) with the value or a sentence to show; a 401 is passed on so the session can end.
 */
import type { Alert, Silence, SilenceRequest } from '../../../shared/alerts.js';
import { apiPath, apiRequest, type ApiFailure, type FetchLike } from './api.js';

/** The outcome of an alert action. */
export type ActionResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: ApiFailure; readonly text: string };

/** What was being done, for the error sentence. */
export type AlertAction = 'acknowledge' | 'resolve' | 'list silences' | 'create the silence' | 'delete the silence';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looksLikeAlert(value: unknown): value is Alert {
  return isRecord(value) && typeof value.id === 'string' && typeof value.state === 'string' && typeof value.rule === 'string';
}

/** The alert in an answer: the alert itself (as the spec says), or wrapped as `{"alert"}`. */
export function readAlertAnswer(body: unknown): Alert | null {
  if (looksLikeAlert(body)) return body;
  return isRecord(body) && looksLikeAlert(body.alert) ? body.alert : null;
}

/** The silences in a `GET /api/silences` answer: a list, or `{"silences":[…]}`. */
export function readSilences(body: unknown): Silence[] {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.silences) ? body.silences : [];
  return list.filter((silence): silence is Silence => isRecord(silence) && typeof silence.id === 'string' && isRecord(silence.matchers));
}

/** The sentence to show when an action failed. */
export function actionErrorText(action: AlertAction, failure: ApiFailure): string {
  if ((action === 'acknowledge' || action === 'resolve') && failure.status === 409) return 'This alert is already resolved.';
  if ((action === 'acknowledge' || action === 'resolve') && failure.status === 404) {
    return 'The server does not know this alert (any more): it may have restarted. The list refreshes when the live feed reconnects.';
  }
  if (action === 'delete the silence' && failure.status === 404) return 'This silence is gone already (it ended, or someone deleted it).';
  if (failure.status === 404 || failure.status === 405) return `Could not ${action}: this server does not offer it yet.`;
  if (failure.status === 403) return `Could not ${action}: your role may not (${failure.message}).`;
  return `Could not ${action}: ${failure.message}`;
}

async function call<T>(action: AlertAction, method: string, path: string, body: unknown, fetchImpl: FetchLike, read: (data: unknown) => T): Promise<ActionResult<T>> {
  const result = await apiRequest<unknown>(method, path, body, fetchImpl);
  if (!result.ok) return { ok: false, failure: result.error, text: actionErrorText(action, result.error) };
  return { ok: true, value: read(result.data) };
}

/** `POST /api/alerts/:id/ack` `{"note"}`: the alert as the server has it now (null if the answer held none). */
export function acknowledgeAlert(id: string, note: string, fetchImpl: FetchLike = fetch): Promise<ActionResult<Alert | null>> {
  return call('acknowledge', 'POST', apiPath('alerts', id, 'ack'), { note }, fetchImpl, readAlertAnswer);
}

/** `POST /api/alerts/:id/resolve` `{"note"}`. */
export function resolveAlert(id: string, note: string, fetchImpl: FetchLike = fetch): Promise<ActionResult<Alert | null>> {
  return call('resolve', 'POST', apiPath('alerts', id, 'resolve'), { note }, fetchImpl, readAlertAnswer);
}

/** `GET /api/silences`. */
export function listSilences(fetchImpl: FetchLike = fetch): Promise<ActionResult<Silence[]>> {
  return call('list silences', 'GET', apiPath('silences'), undefined, fetchImpl, readSilences);
}

/** `POST /api/silences` `{"matchers","durationMs","comment"}`. */
export function createSilence(request: SilenceRequest, fetchImpl: FetchLike = fetch): Promise<ActionResult<unknown>> {
  return call('create the silence', 'POST', apiPath('silences'), request, fetchImpl, (data) => data);
}

/** `DELETE /api/silences/:id`. */
export function deleteSilence(id: string, fetchImpl: FetchLike = fetch): Promise<ActionResult<unknown>> {
  return call('delete the silence', 'DELETE', apiPath('silences', id), undefined, fetchImpl, (data) => data);
}
