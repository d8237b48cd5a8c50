import { describe, expect, it } from 'vitest';
import { parseTeamWorkingHours, parseTimeZone, parseWorkingHours, WorkingCalendar, WorkingHoursError } from './working-hours.js';

describe('parseWorkingHours', () => {
  it('reads the spec default and its variations', () => {
    expect(parseWorkingHours('08:00-19:00 Mon-Fri')).toEqual({ startMinute: 480, endMinute: 1140, days: [1, 2, 3, 4, 5], text: '08:00-19:00 Mon-Fri' });
    expect(parseWorkingHours(' 07:30-24:00  mon,wed,Fri ').days).toEqual([1, 3, 5]);
    expect(parseWorkingHours('22:00-06:00 Sun-Thu')).toMatchObject({ startMinute: 1320, endMinute: 360, days: [0, 1, 2, 3, 4] });
    expect(parseWorkingHours('09:00-17:00 Fri-Mon').days).toEqual([0, 1, 5, 6]);
    expect(parseWorkingHours('00:00-24:00 Mon-Thu,Sat').days).toEqual([1, 2, 3, 4, 6]);
  });

  it.each([
    ['8-19 Mon-Fri', /not a time; write HH:MM/],
    ['08:00-19:00', /write a time range and the days/],
    ['08:00 - 19:00 Mon-Fri', /write a time range and the days/],
    ['08:00-25:00 Mon-Fri', /not a time/],
    ['24:00-08:00 Mon-Fri', /only an end time may be 24:00/],
    ['08:00-08:00 Mon-Fri', /start and end are the same/],
    ['08:00-19:00 Mo-Fr', /unknown day "Mo"/],
    ['08:00-19:00 Mon-Fri,Mon', /Mon is listed twice/],
    ['08:00-19:00 Mon,,Fri', /empty day/],
    ['08:00-19:00 Mon-Wed-Fri', /not a day or a day range/],
  ])('refuses %j with a message saying what to write', (text, message) => {
    expect(() => parseWorkingHours(text)).toThrow(WorkingHoursError);
    expect(() => parseWorkingHours(text)).toThrow(message);
  });
});

describe('parseTeamWorkingHours and parseTimeZone', () => {
  it('reads team=hours lists and refuses bad ones', () => {
    const hours = parseTeamWorkingHours('support-apac=01:00-10:00 Mon-Fri; ops-sre=00:00-24:00 Mon-Sun;');
    expect(Object.keys(hours)).toEqual(['support-apac', 'ops-sre']);
    expect(() => parseTeamWorkingHours('support apac=01:00-10:00 Mon-Fri')).toThrow(/not team=hours/);
    expect(() => parseTeamWorkingHours('a=01:00-10:00 Mon-Fri;a=02:00-10:00 Mon-Fri')).toThrow(/listed twice/);
    expect(() => parseTeamWorkingHours('a=01:00')).toThrow(WorkingHoursError);
  });

  it('accepts IANA zones and refuses others', () => {
    expect(parseTimeZone('UTC')).toBe('UTC');
    expect(parseTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(() => parseTimeZone('Mars/Olympus')).toThrow(/not a time zone; use an IANA name/);
  });
});

describe('WorkingCalendar', () => {
  const office = parseWorkingHours('08:00-19:00 Mon-Fri');

  it('judges UTC instants against the hours, end excluded', () => {
    const calendar = new WorkingCalendar('UTC');
    expect(calendar.isWithin(office, Date.UTC(2025, 2, 3, 8, 0))).toBe(true);
    expect(calendar.isWithin(office, Date.UTC(2025, 2, 3, 7, 59))).toBe(false);
    expect(calendar.isWithin(office, Date.UTC(2025, 2, 3, 19, 0))).toBe(false);
    expect(calendar.isWithin(office, Date.UTC(2025, 2, 8, 10, 0))).toBe(false);
  });

  it('follows the time zone, summer time included', () => {
    const berlin = new WorkingCalendar('Europe/Berlin');
    // 07:30 UTC is 08:30 in Berlin in winter (UTC+1) and 09:30 in summer (UTC+2).
    expect(berlin.localTime(Date.UTC(2025, 0, 6, 7, 30))).toEqual({ weekday: 1, minuteOfDay: 8 * 60 + 30 });
    expect(berlin.localTime(Date.UTC(2025, 6, 7, 7, 30))).toEqual({ weekday: 1, minuteOfDay: 9 * 60 + 30 });
    expect(berlin.isWithin(office, Date.UTC(2025, 6, 7, 17, 30))).toBe(false);
    expect(berlin.isWithin(office, Date.UTC(2025, 0, 6, 17, 30))).toBe(true);
  });

  it('gives a span past midnight to the day it starts on', () => {
    const calendar = new WorkingCalendar('UTC');
    const nights = parseWorkingHours('22:00-06:00 Sun-Thu');
    expect(calendar.isWithin(nights, Date.UTC(2025, 2, 2, 23, 0))).toBe(true); // Sunday night
    expect(calendar.isWithin(nights, Date.UTC(2025, 2, 3, 5, 0))).toBe(true); // Monday morning, Sunday's span
    expect(calendar.isWithin(nights, Date.UTC(2025, 2, 7, 23, 0))).toBe(false); // Friday night
    expect(calendar.isWithin(nights, Date.UTC(2025, 2, 8, 5, 0))).toBe(false); // Saturday morning
  });

  it('judges by the injected wall clock', () => {
    const calendar = new WorkingCalendar('UTC', (ms) => ms + 2 * 3_600_000);
    expect(calendar.isWithin(office, Date.UTC(2025, 2, 3, 6, 30))).toBe(true);
  });
});
