/**
 * Every threshold of the alert rules and of the alert lifecycle, with its default and the
 * environment variable that sets it (`alertSettingsFromEnv`). A bad value stops the
 * server with a message naming the variable, like the rest of the configuration.
 */
import { ErrorCode, KeywatchError } from '../errors.js';
import {
  parseTeamWorkingHours, parseTimeZone, parseWorkingHours, WorkingHoursError, type WorkingHours,
} from './working-hours.js';

const MINUTE_MS = 60_000;

/** Thresholds of the rules (`RuleEngine`). */
export interface RuleSettings {
  /** Actors allowed to read the raw store (`KW_RAW_ACCESS_ALLOW`). */
  rawAccessAllow: readonly string[];
  /** `raw_access_denied_burst`: at least `count` denied raw accesses by one actor within `windowMs`. */
  rawAccessDeniedBurst: { count: number; windowMs: number };
  /** `bulk_export`: an allowed export of at least this many records. */
  bulkExportRecords: number;
  /** `auth_failure_burst`: at least `count` failures by one actor, or from one source, within `windowMs`. */
  authFailureBurst: { count: number; windowMs: number };
  /** `redaction_policy_weakened`: policy-change details that disable or remove redaction. */
  policyWeakeningDetails: readonly string[];
  /** Entry-driven condition rules (`unencrypted_collection`, `off_hours_collection`) clear after this long without an offending entry. */
  conditionQuietMs: number;
  /** `dropped_events`: dropped share of captured events per collector over `windowMs`. */
  droppedEvents: { raiseShare: number; clearShare: number; windowMs: number; minCaptured: number };
  /** `off_hours_collection`: at least `minEntries` entries of one team in one minute outside its working hours. */
  offHours: { workingHours: WorkingHours; teamHours: Readonly<Record<string, WorkingHours>>; timeZone: string; minEntries: number };
  /** `volume_spike`: input per busy second of a team in an app against its learned baseline. */
  volumeSpike: {
    ratio: number; zScore: number; clearRatio: number; minBusySeconds: number; warmupMinutes: number; halfLifeMinutes: number;
  };
  /** `redaction_rate_drop`: redactions of a team in an app against the learned redaction rate. */
  redactionDrop: {
    ratio: number; clearRatio: number; pValue: number; minExpected: number; windowMinutes: number; warmupMinutes: number;
    halfLifeMinutes: number; minEventsToLearn: number;
  };
  /** `collector_silent`: a collector in sustained use that falls silent (not at its usual end of day). */
  collectorSilent: {
    sustainedMinutes: number; busySecondsBeforeStop: number; endOfDayToleranceMs: number; endOfDayGapMs: number; forgetAfterMs: number;
  };
}

/** Thresholds of the lifecycle (`AlertBook`). */
export interface LifecycleSettings {
  /** A condition alert resolves once its condition has been cleared this long (`KW_AUTO_RESOLVE_MS`). */
  autoResolveMs: number;
  /** Hysteresis: each auto-resolve of the same rule and labels within this window doubles the next hold… */
  flapWindowMs: number;
  /** …up to this long. */
  maxAutoResolveMs: number;
  /** A condition alert with no signal at all for this long resolves (its rule stopped judging it). */
  staleAfterMs: number;
  /** A critical alert still firing (not acknowledged, not silenced) this long after it opened is escalated once. */
  escalateAfterMs: number;
  /** At most one event per alert per this many ms; the last state is always sent (spec: one second). */
  coalesceMs: number;
  /** An event that only repeats (count, lastSeen) waits this long after the alert's previous event: an ongoing condition is not a stream of events. */
  repeatCoalesceMs: number;
  /** Resolved alerts kept in the book (for `409 conflict` on a late ack); the event stream keeps all. */
  maxResolvedKept: number;
  /** Longest silence. */
  maxSilenceMs: number;
}

export interface AlertSettings {
  rules: RuleSettings;
  lifecycle: LifecycleSettings;
}

/** Defaults: the thresholds documented in `server/alerts/README.md`. */
export function defaultRuleSettings(): RuleSettings {
  return {
    rawAccessAllow: [],
    rawAccessDeniedBurst: { count: 10, windowMs: MINUTE_MS },
    bulkExportRecords: 100_000,
    authFailureBurst: { count: 10, windowMs: MINUTE_MS },
    policyWeakeningDetails: [
      'redaction_disabled', 'redaction_rules_removed', 'redaction_weakened', 'redaction_pattern_loosened', 'redaction_bypassed',
    ],
    conditionQuietMs: 2 * MINUTE_MS,
    droppedEvents: { raiseShare: 0.1, clearShare: 0.03, windowMs: MINUTE_MS, minCaptured: 300 },
    offHours: { workingHours: parseWorkingHours('08:00-19:00 Mon-Fri'), teamHours: {}, timeZone: 'UTC', minEntries: 10 },
    volumeSpike: { ratio: 3, zScore: 3, clearRatio: 1.5, minBusySeconds: 30, warmupMinutes: 30, halfLifeMinutes: 120 },
    redactionDrop: {
      ratio: 0.25, clearRatio: 0.5, pValue: 1e-6, minExpected: 10, windowMinutes: 5, warmupMinutes: 30, halfLifeMinutes: 120,
      minEventsToLearn: 100,
    },
    collectorSilent: {
      sustainedMinutes: 2, busySecondsBeforeStop: 10, endOfDayToleranceMs: 60 * MINUTE_MS, endOfDayGapMs: 4 * 60 * MINUTE_MS,
      forgetAfterMs: 12 * 60 * MINUTE_MS,
    },
  };
}

export function defaultLifecycleSettings(): LifecycleSettings {
  return {
    autoResolveMs: 10 * MINUTE_MS,
    flapWindowMs: 2 * 60 * MINUTE_MS,
    maxAutoResolveMs: 60 * MINUTE_MS,
    staleAfterMs: 30 * MINUTE_MS,
    escalateAfterMs: 15 * MINUTE_MS,
    coalesceMs: 1000,
    repeatCoalesceMs: 10_000,
    maxResolvedKept: 1000,
    maxSilenceMs: 30 * 24 * 60 * MINUTE_MS,
  };
}

type Env = Record<string, string | undefined>;

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

function numberVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^[0-9.eE+-]+$/.test(raw) || !Number.isFinite(value)) fail(name, `must be a number, got "${raw}"`);
  if (value < min || value > max) fail(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function idListVar(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of items) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/.test(item)) fail(name, `must list ids (letters, digits and . _ : @ -), got "${item}"`);
  }
  return items;
}

function hoursVar<T>(name: string, raw: string, parse: (text: string) => T): T {
  try {
    return parse(raw);
  } catch (error) {
    if (error instanceof WorkingHoursError || error instanceof RangeError) fail(name, `is wrong: ${error.message}`);
    throw error;
  }
}

/**
 * The environment variables the alert settings read, with their defaults (for the README
 * and `--help`): the spec's `KW_RAW_ACCESS_ALLOW`, `KW_WORKING_HOURS`, `KW_TZ`,
 * `KW_AUTO_RESOLVE_MS`, and `KW_ALERT_*` for the other thresholds.
 */
export const ALERT_ENV_VARIABLES = [
  'KW_RAW_ACCESS_ALLOW', 'KW_WORKING_HOURS', 'KW_WORKING_HOURS_TEAMS', 'KW_TZ', 'KW_AUTO_RESOLVE_MS',
  'KW_ALERT_RAW_DENIED_COUNT', 'KW_ALERT_RAW_DENIED_WINDOW_MS', 'KW_ALERT_BULK_EXPORT_RECORDS',
  'KW_ALERT_AUTH_FAILURE_COUNT', 'KW_ALERT_AUTH_FAILURE_WINDOW_MS', 'KW_ALERT_POLICY_WEAKENING_DETAILS',
  'KW_ALERT_CONDITION_QUIET_MS', 'KW_ALERT_DROPPED_SHARE', 'KW_ALERT_DROPPED_MIN_EVENTS', 'KW_ALERT_OFF_HOURS_MIN_ENTRIES',
  'KW_ALERT_VOLUME_SPIKE_RATIO', 'KW_ALERT_REDACTION_DROP_RATIO', 'KW_ALERT_BASELINE_WARMUP_MINUTES',
  'KW_ALERT_SILENT_SUSTAINED_MINUTES', 'KW_ALERT_ESCALATE_AFTER_MS', 'KW_ALERT_STALE_MS', 'KW_ALERT_FLAP_WINDOW_MS',
] as const;

/** Reads the alert settings from the environment; throws a KeywatchError naming a bad variable. */
export function alertSettingsFromEnv(env: Env = process.env): AlertSettings {
  const rules = defaultRuleSettings();
  const lifecycle = defaultLifecycleSettings();
  const warmupMinutes = intVar(env, 'KW_ALERT_BASELINE_WARMUP_MINUTES', rules.volumeSpike.warmupMinutes, 5, 10_080);
  const droppedShare = numberVar(env, 'KW_ALERT_DROPPED_SHARE', rules.droppedEvents.raiseShare, 0.001, 1);
  const autoResolveMs = intVar(env, 'KW_AUTO_RESOLVE_MS', lifecycle.autoResolveMs, 0, 7 * 86_400_000);
  const spikeRatio = numberVar(env, 'KW_ALERT_VOLUME_SPIKE_RATIO', rules.volumeSpike.ratio, 1.5, 1000);
  const dropRatio = numberVar(env, 'KW_ALERT_REDACTION_DROP_RATIO', rules.redactionDrop.ratio, 0.001, 0.9);
  return {
    rules: {
      ...rules,
      rawAccessAllow: idListVar(env, 'KW_RAW_ACCESS_ALLOW', rules.rawAccessAllow),
      rawAccessDeniedBurst: {
        count: intVar(env, 'KW_ALERT_RAW_DENIED_COUNT', rules.rawAccessDeniedBurst.count, 1, 100_000),
        windowMs: intVar(env, 'KW_ALERT_RAW_DENIED_WINDOW_MS', rules.rawAccessDeniedBurst.windowMs, 1000, 86_400_000),
      },
      bulkExportRecords: intVar(env, 'KW_ALERT_BULK_EXPORT_RECORDS', rules.bulkExportRecords, 1, Number.MAX_SAFE_INTEGER),
      authFailureBurst: {
        count: intVar(env, 'KW_ALERT_AUTH_FAILURE_COUNT', rules.authFailureBurst.count, 1, 100_000),
        windowMs: intVar(env, 'KW_ALERT_AUTH_FAILURE_WINDOW_MS', rules.authFailureBurst.windowMs, 1000, 86_400_000),
      },
      policyWeakeningDetails: idListVar(env, 'KW_ALERT_POLICY_WEAKENING_DETAILS', rules.policyWeakeningDetails),
      conditionQuietMs: intVar(env, 'KW_ALERT_CONDITION_QUIET_MS', rules.conditionQuietMs, 1000, 86_400_000),
      droppedEvents: {
        ...rules.droppedEvents,
        raiseShare: droppedShare,
        // Hysteresis: clear well below the raise threshold.
        clearShare: droppedShare * 0.3,
        minCaptured: intVar(env, 'KW_ALERT_DROPPED_MIN_EVENTS', rules.droppedEvents.minCaptured, 1, 100_000_000),
      },
      offHours: {
        workingHours: env.KW_WORKING_HOURS?.trim()
          ? hoursVar('KW_WORKING_HOURS', env.KW_WORKING_HOURS, parseWorkingHours)
          : rules.offHours.workingHours,
        teamHours: env.KW_WORKING_HOURS_TEAMS?.trim()
          ? hoursVar('KW_WORKING_HOURS_TEAMS', env.KW_WORKING_HOURS_TEAMS, parseTeamWorkingHours)
          : {},
        timeZone: env.KW_TZ?.trim() ? hoursVar('KW_TZ', env.KW_TZ, parseTimeZone) : rules.offHours.timeZone,
        minEntries: intVar(env, 'KW_ALERT_OFF_HOURS_MIN_ENTRIES', rules.offHours.minEntries, 1, 1_000_000),
      },
      volumeSpike: {
        ...rules.volumeSpike,
        ratio: spikeRatio,
        // Hysteresis: a spike ends well below the ratio that raised it.
        clearRatio: Math.max(1.2, spikeRatio / 2),
        warmupMinutes,
      },
      redactionDrop: {
        ...rules.redactionDrop,
        ratio: dropRatio,
        clearRatio: Math.min(0.95, Math.max(2 * dropRatio, dropRatio + 0.1)),
        warmupMinutes,
      },
      collectorSilent: {
        ...rules.collectorSilent,
        sustainedMinutes: intVar(env, 'KW_ALERT_SILENT_SUSTAINED_MINUTES', rules.collectorSilent.sustainedMinutes, 1, 1440),
      },
    },
    lifecycle: {
      ...lifecycle,
      autoResolveMs,
      maxAutoResolveMs: Math.max(autoResolveMs, lifecycle.maxAutoResolveMs),
      escalateAfterMs: intVar(env, 'KW_ALERT_ESCALATE_AFTER_MS', lifecycle.escalateAfterMs, 1000, 7 * 86_400_000),
      staleAfterMs: intVar(env, 'KW_ALERT_STALE_MS', lifecycle.staleAfterMs, 60_000, 7 * 86_400_000),
      flapWindowMs: intVar(env, 'KW_ALERT_FLAP_WINDOW_MS', lifecycle.flapWindowMs, 0, 7 * 86_400_000),
    },
  };
}
