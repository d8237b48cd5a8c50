/**
 * The dashboard's HTTP calls to `/api/*`: JSON in, JSON out, and one shape for every
 * failure so that each page can show the server's own message (interfaces.md, "Errors").
 * Credentials travel only in the session cookie and request bodies, never in URLs.
 */

/** A failed call: the HTTP status (0 when the server could not be reached), the spec's short code and a message for people. */
export interface ApiFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** From `Retry-After` on a 429, in seconds; null otherwise. */
  readonly retryAfterSeconds: number | null;
}

/** The outcome of {@link apiRequest}. */
export type ApiResult<T> = { readonly ok: true; readonly status: number; readonly data: T } | { readonly ok: false; readonly error: ApiFailure };

/** `fetch`, injectable for tests. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The failure of a call that never got an answer. */
export const UNREACHABLE: ApiFailure = {
  status: 0,
  code: 'network',
  message: 'Cannot reach the Keywatch server. Check that it is running, then try again.',
  retryAfterSeconds: null,
};

/**
 * Reads `Retry-After` (delay-seconds or an HTTP date) as whole seconds from now;
 * null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? null : Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The failure described by an error response (the server's `{"error","message"}`, or the bare status). */
export async function failureOf(response: Response): Promise<ApiFailure> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's error page, say): fall back to the status
  }
  const code = isRecord(body) && typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const message = isRecord(body) && typeof body.message === 'string' && body.message !== ''
    ? body.message
    : `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
  const retryAfterSeconds = response.status === 429 ? parseRetryAfter(response.headers.get('Retry-After')) : null;
  return { status: response.status, code, message, retryAfterSeconds };
}

/**
 * Calls `method path` with an optional JSON body; resolves (never rejects) with the parsed
 * JSON answer, `null` for an empty one (204), or the failure.
 */
export async function apiRequest<T>(method: string, path: string, body?: unknown, fetchImpl: FetchLike = fetch): Promise<ApiResult<T>> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetchImpl(path, init);
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
  if (!response.ok) return { ok: false, error: await failureOf(response) };
  const text = await response.text().catch(() => '');
  if (text === '') return { ok: true, status: response.status, data: null as T };
  try {
    return { ok: true, status: response.status, data: JSON.parse(text) as T };
  } catch {
    return { ok: false, error: { status: response.status, code: 'bad_response', message: 'The server sent an answer this page cannot read.', retryAfterSeconds: null } };
  }
}

/** `/api/...` with each segment encoded (user and token names go into paths). */
export function apiPath(...segments: string[]): string {
  return `/api/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}
