/**
 * Configuration from the environment, validated at start-up. A bad value stops the
 * process with a message naming the variable (see interfaces.md, "Configuration").
 */
import { isIP } from 'node:net';
import { alertSettingsFromEnv, type AlertSettings } from './alerts/settings.js';
import { ErrorCode, KeywatchError } from './errors.js';
import { notifySettingsFromEnv, type NotifySettings } from './notify/notify-settings.js';

export interface Config {
  redisUrl: string | null;
  host: string;
  port: number;
  publicOrigin: string;
  allowedOrigins: string[];
  streamPrefix: string;
  kAnon: number;
  tickMs: number;
  latenessMs: number;
  /** How long per-second history is kept (at least the 15 minutes the snapshot serves). */
  historyMs: number;
  clientBufferBytes: number;
  clientLagMs: number;
  /** Entries pending this long with another consumer of the group (a stopped instance) are taken over. */
  claimIdleMs: number;
  /** Bound of every stream Keywatch writes itself (`kw:dlq`, change feed), by length. */
  dlqMaxLength: number;
  /** Name of this instance's consumer in the stream consumer groups; stable across restarts. */
  instanceId: string;
  /** Embedded-mode simulator size. */
  simulatorCollectors: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** WebSocket ping period; each beat also re-checks the sessions of open sockets. */
  heartbeatMs: number;
  /** Reverse proxies whose X-Forwarded-* headers are believed (Fastify's `trustProxy`), or false. */
  trustProxy: string[] | false;
  auditRetentionDays: number;
  /** When set, `/metrics` needs `Authorization: Bearer <it>`. */
  metricsToken: string | null;
  /** Alert rule thresholds and lifecycle timings (KW_RAW_ACCESS_ALLOW, KW_WORKING_HOURS, KW_ALERT_*, …). */
  alerts: AlertSettings;
  /** Alert notifications: webhook and Alertmanager (KW_WEBHOOK_URL, KW_WEBHOOK_SECRET, KW_ALERTMANAGER_URL, KW_ALERTMANAGER_RESEND_MS, KW_NOTIFY_*). */
  notify: NotifySettings;
}

type Env = Record<string, string | undefined>;

/** Parses an integer within bounds, or throws naming the variable. */
function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) fail(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) fail(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function fail(name: string, why: string): never {
  throw new KeywatchError(ErrorCode.config, `${name} ${why}.`);
}

function originVar(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(name, `must be an origin such as https://keywatch.example, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(name, `must use http or https, got "${raw}"`);
  return url.origin;
}

/** Addresses or CIDRs of trusted proxies, comma-separated. */
function trustProxyVar(raw: string | undefined): string[] | false {
  if (!raw?.trim()) return false;
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      fail('KW_TRUST_PROXY', `must list addresses or CIDRs such as 10.0.0.1 or 10.0.0.0/8, got "${entry}"`);
    }
  }
  return entries;
}

function metricsTokenVar(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  if (!/^[A-Za-z0-9_\-.~+/=]{16,512}$/.test(raw)) fail('KW_METRICS_TOKEN', 'must be 16 to 512 characters of letters, digits and - . _ ~ + / =');
  return raw;
}

/** Reads and validates the configuration; throws a KeywatchError naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const redisUrl = env.REDIS_URL?.trim() || null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    fail('REDIS_URL', `must start with redis:// or rediss://, got "${redisUrl}"`);
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  if (isIP(host) === 0 && !/^[A-Za-z0-9.-]{1,253}$/.test(host)) fail('HOST', `is not an address or host name: "${host}"`);
  const port = intVar(env, 'PORT', 8080, 0, 65535);
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  const publicOrigin = originVar('KW_PUBLIC_ORIGIN', env.KW_PUBLIC_ORIGIN?.trim() || `http://${urlHost}:${port}`);
  const allowedOrigins = env.KW_ALLOWED_ORIGINS?.trim()
    ? env.KW_ALLOWED_ORIGINS.split(',').map((origin) => originVar('KW_ALLOWED_ORIGINS', origin.trim()))
    : [...new Set([publicOrigin, `http://127.0.0.1:${port}`, `http://localhost:${port}`])];
  const streamPrefix = env.KW_STREAM_PREFIX ?? 'kw:';
  if (!/^[A-Za-z0-9:._{}-]{0,64}$/.test(streamPrefix)) {
    fail('KW_STREAM_PREFIX', `may hold only letters, digits and : . _ { } - (at most 64), got "${streamPrefix}"`);
  }
  const instanceId = env.KW_INSTANCE_ID?.trim() || 'keywatch-1';
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(instanceId)) fail('KW_INSTANCE_ID', `must be an id of letters, digits and . _ : -`);
  const minHistoryMs = 15 * 60_000;
  return {
    redisUrl,
    host,
    port,
    publicOrigin,
    allowedOrigins,
    streamPrefix,
    kAnon: intVar(env, 'KW_K_ANON', 5, 1, 1_000_000),
    tickMs: intVar(env, 'KW_TICK_MS', 250, 50, 60_000),
    latenessMs: intVar(env, 'KW_LATENESS_MS', 10_000, 0, 3_600_000),
    historyMs: intVar(env, 'KW_HISTORY_MS', 20 * 60_000, minHistoryMs, 24 * 3_600_000),
    clientBufferBytes: intVar(env, 'KW_CLIENT_BUFFER_BYTES', 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    clientLagMs: intVar(env, 'KW_CLIENT_LAG_MS', 10_000, 1000, 600_000),
    claimIdleMs: intVar(env, 'KW_CLAIM_IDLE_MS', 60_000, 1000, 86_400_000),
    dlqMaxLength: intVar(env, 'KW_DLQ_MAXLEN', 10_000, 100, 10_000_000),
    instanceId,
    simulatorCollectors: intVar(env, 'KW_SIM_COLLECTORS', 50, 1, 100_000),
    sessionIdleMs: intVar(env, 'KW_SESSION_IDLE_MS', 30 * 60_000, 1000, 30 * 86_400_000),
    sessionMaxMs: intVar(env, 'KW_SESSION_MAX_MS', 12 * 3_600_000, 1000, 90 * 86_400_000),
    heartbeatMs: intVar(env, 'KW_HEARTBEAT_MS', 30_000, 100, 600_000),
    trustProxy: trustProxyVar(env.KW_TRUST_PROXY),
    auditRetentionDays: intVar(env, 'KW_AUDIT_RETENTION_DAYS', 400, 1, 36_500),
    metricsToken: metricsTokenVar(env.KW_METRICS_TOKEN),
    alerts: alertSettingsFromEnv(env),
    notify: notifySettingsFromEnv(env),
  };
}
