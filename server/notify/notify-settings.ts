/**
 * Where alert notifications go, read from the environment and validated at start-up like
 * the rest of the configuration: a bad value stops the server with a message naming the
 * variable. `server/config.ts` calls `notifySettingsFromEnv` and keeps the result as
 * `config.notify`.
 */
import { ErrorCode, KeywatchError } from '../errors.js';

type Env = Record<string, string | undefined>;

/** An HTTP endpoint with any credentials of its URL moved into a header, and a name safe to log. */
export interface Endpoint {
  /** The URL to POST to, without user and password (fetch refuses URLs that carry them). */
  url: string;
  /** `Basic …` from the URL's `user:password@`, or null. Never logged. */
  authorization: string | null;
  /** The origin alone, for logs and API answers: a URL's path may hold a token (Slack-style hooks). */
  display: string;
}

export interface WebhookSettings {
  endpoint: Endpoint;
  /** HMAC-SHA256 key of the `X-Keywatch-Signature` header; null sends unsigned payloads. Never logged. */
  secret: string | null;
}

export interface AlertmanagerSettings {
  /** `<KW_ALERTMANAGER_URL>/api/v2/alerts`. */
  endpoint: Endpoint;
  /** Period of the re-send of every firing alert and of the `watchdog` (`KW_ALERTMANAGER_RESEND_MS`). */
  resendMs: number;
}

export interface NotifySettings {
  /** `KW_WEBHOOK_URL`, `KW_WEBHOOK_SECRET`; null when no URL is set. */
  webhook: WebhookSettings | null;
  /** `KW_ALERTMANAGER_URL`; null when unset. */
  alertmanager: AlertmanagerSettings | null;
  /** Time limit of one HTTP attempt (`KW_NOTIFY_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Attempts per notification before it is given up (`KW_NOTIFY_MAX_ATTEMPTS`), with exponential backoff between them. */
  maxAttempts: number;
}

/** The environment variables read here, for the README and `--help`. */
export const NOTIFY_ENV_VARIABLES = [
  'KW_WEBHOOK_URL', 'KW_WEBHOOK_SECRET', 'KW_ALERTMANAGER_URL', 'KW_ALERTMANAGER_RESEND_MS',
  'KW_NOTIFY_TIMEOUT_MS', 'KW_NOTIFY_MAX_ATTEMPTS',
] as const;

export const DEFAULT_RESEND_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_ATTEMPTS = 8;
/** A shorter secret is too easy to guess for an HMAC key. */
const MIN_SECRET_LENGTH = 16;

function fail(name: string, why: string): never {
  throw new KeywatchError(ErrorCode.config, `${name} ${why}.`);
}

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) fail(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) fail(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/**
 * Parses an http(s) URL into an Endpoint. The value itself is never echoed in an error:
 * it may hold a password or a token.
 */
export function endpointVar(name: string, raw: string): Endpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(name, 'must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(name, `must use http or https, got "${url.protocol}"`);
  if (url.hash !== '') fail(name, 'must not have a #fragment');
  let authorization: string | null = null;
  if (url.username !== '' || url.password !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url: url.href, authorization, display: url.origin };
}

/** `base` + `/api/v2/alerts`, keeping a path prefix (`https://ops.example/alertmanager`). */
function alertmanagerEndpoint(raw: string): Endpoint {
  const base = endpointVar('KW_ALERTMANAGER_URL', raw);
  const url = new URL(base.url);
  if (url.search !== '') fail('KW_ALERTMANAGER_URL', 'must be the base URL of Alertmanager, without a ?query');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  return { ...base, url: url.href };
}

/** Reads the notification settings; throws a KeywatchError naming a bad variable. */
export function notifySettingsFromEnv(env: Env = process.env): NotifySettings {
  const webhookUrl = env.KW_WEBHOOK_URL?.trim() ?? '';
  const secret = env.KW_WEBHOOK_SECRET ?? '';
  if (secret !== '' && webhookUrl === '') fail('KW_WEBHOOK_SECRET', 'is set but KW_WEBHOOK_URL is not: set the URL too, or unset the secret');
  if (secret !== '' && (secret.length < MIN_SECRET_LENGTH || secret.length > 1024 || secret.trim() !== secret)) {
    fail('KW_WEBHOOK_SECRET', `must be ${MIN_SECRET_LENGTH} to 1024 characters without leading or trailing spaces (for example \`openssl rand -hex 32\`)`);
  }
  const alertmanagerUrl = env.KW_ALERTMANAGER_URL?.trim() ?? '';
  const resendMs = intVar(env, 'KW_ALERTMANAGER_RESEND_MS', DEFAULT_RESEND_MS, 500, 600_000);
  return {
    webhook: webhookUrl === '' ? null : { endpoint: endpointVar('KW_WEBHOOK_URL', webhookUrl), secret: secret === '' ? null : secret },
    alertmanager: alertmanagerUrl === ''
      ? null
      : { endpoint: alertmanagerEndpoint(alertmanagerUrl), resendMs },
    timeoutMs: intVar(env, 'KW_NOTIFY_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 100, 60_000),
    maxAttempts: intVar(env, 'KW_NOTIFY_MAX_ATTEMPTS', DEFAULT_MAX_ATTEMPTS, 1, 20),
  };
}
