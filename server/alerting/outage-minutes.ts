/**
 * The minutes during which the source was not being read (from the reader's status), so
 * that minute rules judge nothing from them: an unread minute is unknown, not empty.
 */
import type { SourceStatus } from '../ingest/ingest-loop.js';

/** How far back outages are remembered (the alert minute window is much shorter). */
const REMEMBER_MS = 3_600_000;

export class OutageMinutes {
  readonly #outages: { from: number; to: number | null }[] = [];

  /** Follows a status change. */
  follow(status: SourceStatus, now: number): void {
    const open = this.#outages.at(-1);
    if (status.source === 'down' && (!open || open.to !== null)) this.#outages.push({ from: status.sinceMs, to: null });
    if (status.source === 'up' && open && open.to === null) open.to = now;
  }

  /** Starts of the minutes that overlap an outage of the last hour. */
  minutes(now: number): Set<number> {
    while (this.#outages.length > 0 && (this.#outages[0]!.to ?? now) < now - REMEMBER_MS) this.#outages.shift();
    const minutes = new Set<number>();
    for (const outage of this.#outages) {
      for (let minute = Math.floor(outage.from / 60_000) * 60_000; minute <= (outage.to ?? now); minute += 60_000) minutes.add(minute);
    }
    return minutes;
  }
}
