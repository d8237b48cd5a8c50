import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { alertSettingsFromEnv, defaultLifecycleSettings, defaultRuleSettings } from './settings.js';

describe('alertSettingsFromEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    const settings = alertSettingsFromEnv({});
    expect(settings.rules).toEqual(defaultRuleSettings());
    expect(settings.lifecycle).toEqual(defaultLifecycleSettings());
    expect(settings.lifecycle.autoResolveMs).toBe(600_000);
    expect(settings.rules.offHours.workingHours.text).toBe('08:00-19:00 Mon-Fri');
  });

  it('reads every variable it documents', () => {
    const settings = alertSettingsFromEnv({
      KW_RAW_ACCESS_ALLOW: 'svc-gateway, u-admin1', KW_WORKING_HOURS: '07:00-18:00 Mon-Sat', KW_TZ: 'Europe/Berlin',
      KW_WORKING_HOURS_TEAMS: 'support-apac=01:00-10:00 Mon-Fri', KW_AUTO_RESOLVE_MS: '300000', KW_ALERT_BULK_EXPORT_RECORDS: '50000',
      KW_ALERT_RAW_DENIED_COUNT: '5', KW_ALERT_AUTH_FAILURE_WINDOW_MS: '120000', KW_ALERT_DROPPED_SHARE: '0.2',
      KW_ALERT_VOLUME_SPIKE_RATIO: '5', KW_ALERT_REDACTION_DROP_RATIO: '0.1', KW_ALERT_ESCALATE_AFTER_MS: '60000',
    });
    expect(settings.rules.rawAccessAllow).toEqual(['svc-gateway', 'u-admin1']);
    expect(settings.rules.offHours).toMatchObject({ timeZone: 'Europe/Berlin', workingHours: { startMinute: 420, days: [1, 2, 3, 4, 5, 6] } });
    expect(Object.keys(settings.rules.offHours.teamHours)).toEqual(['support-apac']);
    expect(settings.lifecycle).toMatchObject({ autoResolveMs: 300_000, escalateAfterMs: 60_000 });
    expect(settings.rules).toMatchObject({
      bulkExportRecords: 50_000, rawAccessDeniedBurst: { count: 5 }, authFailureBurst: { windowMs: 120_000 },
      droppedEvents: { raiseShare: 0.2, clearShare: 0.06 }, volumeSpike: { ratio: 5, clearRatio: 2.5 }, redactionDrop: { ratio: 0.1, clearRatio: 0.2 },
    });
  });

  it.each([
    ['KW_WORKING_HOURS', '8-19', /KW_WORKING_HOURS is wrong: "8-19"/],
    ['KW_TZ', 'Mars/Olympus', /KW_TZ is wrong: "Mars\/Olympus" is not a time zone/],
    ['KW_AUTO_RESOLVE_MS', 'ten minutes', /KW_AUTO_RESOLVE_MS must be a whole number/],
    ['KW_ALERT_DROPPED_SHARE', '1.5', /KW_ALERT_DROPPED_SHARE must be between/],
    ['KW_RAW_ACCESS_ALLOW', 'svc gateway', /KW_RAW_ACCESS_ALLOW must list ids/],
    ['KW_WORKING_HOURS_TEAMS', 'x', /KW_WORKING_HOURS_TEAMS is wrong/],
  ])('stops on a bad %s, naming it', (name, value, message) => {
    let caught: unknown;
    try {
      alertSettingsFromEnv({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: ErrorCode.config, message: expect.stringMatching(message) });
  });
});
