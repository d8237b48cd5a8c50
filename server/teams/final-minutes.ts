/**
 * Which minutes are complete: a minute can no longer change once its end plus the
 * allowed lateness has been read past (judged by arrival, like every lateness rule), so
 * a backlog read after an outage completes its minutes in order as it is read.
 */

/** Start of the newest minute that can no longer change, or null when none is known yet. */
export function newestFinalMinute(watermarkMs: number | null, latenessMs: number): number | null {
  if (watermarkMs === null) return null;
  return Math.floor((watermarkMs - latenessMs - 60_000) / 60_000) * 60_000;
}

/** The minutes after `after` up to `newest`, at most `limit` of the newest. */
export function minutesBetween(after: number, newest: number, limit: number): number[] {
  const minutes: number[] = [];
  for (let minute = Math.max(after + 60_000, newest - (limit - 1) * 60_000); minute <= newest; minute += 60_000) minutes.push(minute);
  return minutes;
}
