/**
 * Columnar ring buffer of `overview` points: the last 15 minutes at 1 s resolution.
 *
 * Pure TypeScript (no runes, no DOM) so the merge rules can be unit-tested in Node;
 * `overview-series.svelte.ts` wraps it with reactive state and frame batching.
 * Rules, from the protocol: a snapshot replaces everything; a point replaces any earlier
 * point with the same `t`; points may arrive out of order and correct the past; a gap or
 * a suppressed point is unknown, never zero, so every column is `null` at its `t`.
 */
import { REDACTION_REASONS } from '../../../shared/points.js';
import type { OverviewFullPoint, OverviewPoint, RedactionReason } from '../../../shared/overview.js';

/** Width of the window kept, in seconds. */
export const WINDOW_SECONDS = 900;
/** The `overview` channel's resolution (`resolutionMs` on the wire). */
export const RESOLUTION_MS = 1000;
/**
 * How many of the newest seconds are still filling. Collectors flush about once a second
 * and their clocks drift, so a new second appears while the one before it holds only part
 * of its events (in embedded mode about half, completing within the next tick or two).
 * The second before that is complete but for rare late entries, so the headline and the
 * charts stop there instead of ending in a false drop.
 */
export const SETTLING_SECONDS = 2;

type PlainField = Exclude<keyof OverviewFullPoint, 't' | 'red'>;
/** One column per numeric figure of a point; redaction reasons are flattened to `red.<reason>`. */
export type ColumnName = PlainField | `red.${RedactionReason}`;

const PLAIN_FIELDS = [
  'events', 'keys', 'clicks', 'moves', 'scrolls', 'corrections', 'dropped', 'redacted',
  'bytes', 'collectors', 'subjects', 'revoked', 'unencrypted',
] as const satisfies readonly PlainField[];

// Compile-time guard: a figure added to the shared schema must be added above too.
type MissingField = Exclude<PlainField, (typeof PLAIN_FIELDS)[number]>;
const everyFieldListed: [MissingField] extends [never] ? true : MissingField = true;
void everyFieldListed;

/** Every column the buffer keeps, in a fixed order. */
export const COLUMN_NAMES: readonly ColumnName[] = [
  ...PLAIN_FIELDS,
  ...REDACTION_REASONS.map((reason) => `red.${reason}` as const),
];

/** What is known about a second. */
export const SlotKind = {
  /** Never received, or pushed out of the window. */
  empty: 0,
  full: 1,
  /** The source was not being read. */
  gap: 2,
  /** Fewer distinct subjects than the k-anonymity threshold (manager view). */
  suppressed: 3,
} as const;
export type SlotKind = (typeof SlotKind)[keyof typeof SlotKind];

/** The window, oldest second first, ready to hand to a chart: `t` in seconds, `null` = unknown. */
export interface SeriesFrame {
  /** Unix seconds, one entry per second, contiguous. */
  readonly t: number[];
  readonly columns: Readonly<Record<ColumnName, (number | null)[]>>;
  /** The kind of each second, aligned with `t`. */
  readonly kinds: SlotKind[];
}

/** One second read back from the buffer. */
export interface SecondFigures {
  /** Start of the second, ms since the epoch. */
  readonly tMs: number;
  readonly kind: SlotKind;
  /** `null` unless `kind` is `full`. */
  readonly values: Readonly<Record<ColumnName, number>> | null;
}

/** Fixed-size, column-per-figure store of the newest {@link WINDOW_SECONDS} seconds. */
export class SeriesBuffer {
  private readonly capacity: number;
  /** Second number (t / 1000) held by each slot; -1 when empty. */
  private readonly slotSecond: Float64Array;
  private readonly slotKind: Uint8Array;
  private readonly columns: Float64Array[];
  /** Newest and oldest second received since the last reset; NaN when empty. */
  private newestSecond = Number.NaN;
  private oldestSecond = Number.NaN;
  /** See {@link settledRevision}. */
  private settledChanges = 0;

  constructor(capacity = WINDOW_SECONDS) {
    this.capacity = capacity;
    this.slotSecond = new Float64Array(capacity).fill(-1);
    this.slotKind = new Uint8Array(capacity);
    this.columns = COLUMN_NAMES.map(() => new Float64Array(capacity));
  }

  /** Newest second held, as ms since the epoch, or null when empty. */
  get newestMs(): number | null {
    return Number.isNaN(this.newestSecond) ? null : this.newestSecond * RESOLUTION_MS;
  }

  /**
   * Moves whenever the settled part of the window (all but the newest
   * {@link SETTLING_SECONDS}, what the charts and the headline show) may have changed: the
   * window advanced, a settled second was written, or everything was dropped. Equal
   * revisions mean the settled seconds are as they were, so nothing needs redrawing.
   */
  get settledRevision(): number {
    return this.settledChanges;
  }

  /** Drops everything (a snapshot follows). */
  clear(): void {
    this.settledChanges++;
    this.slotSecond.fill(-1);
    this.slotKind.fill(SlotKind.empty);
    this.newestSecond = Number.NaN;
    this.oldestSecond = Number.NaN;
  }

  /** A snapshot: everything is replaced by these points. */
  replaceAll(points: readonly OverviewPoint[]): void {
    this.clear();
    this.merge(points);
  }

  /** An update: each point replaces the one with the same `t`; newer seconds move the window. */
  merge(points: readonly OverviewPoint[]): void {
    for (const point of points) this.put(point);
  }

  private put(point: OverviewPoint): void {
    const second = Math.floor(point.t / RESOLUTION_MS);
    if (!Number.isFinite(second) || second < 0) return;
    if (Number.isNaN(this.newestSecond)) {
      this.newestSecond = second;
      this.oldestSecond = second;
    } else if (second > this.newestSecond) {
      this.advanceTo(second);
    } else if (second <= this.newestSecond - this.capacity) {
      return; // older than the window: nothing would show it
    }
    if (second < this.oldestSecond) this.oldestSecond = second;
    // A late or corrected point for a second already drawn (updates carry only changed seconds).
    if (second <= this.newestSecond - SETTLING_SECONDS) this.settledChanges++;

    const slot = second % this.capacity;
    this.slotSecond[slot] = second;
    if ('gap' in point) {
      this.slotKind[slot] = SlotKind.gap;
    } else if ('suppressed' in point) {
      this.slotKind[slot] = SlotKind.suppressed;
    } else {
      this.slotKind[slot] = SlotKind.full;
      let column = 0;
      for (const field of PLAIN_FIELDS) this.columns[column++]![slot] = point[field];
      for (const reason of REDACTION_REASONS) this.columns[column++]![slot] = point.red[reason];
    }
  }

  /** Moves the window's head forward, emptying the slots of seconds that were skipped. */
  private advanceTo(second: number): void {
    this.settledChanges++;
    const skipped = second - this.newestSecond;
    if (skipped >= this.capacity) {
      this.slotSecond.fill(-1);
      this.slotKind.fill(SlotKind.empty);
      this.oldestSecond = second;
    } else {
      for (let s = this.newestSecond + 1; s < second; s++) {
        const slot = s % this.capacity;
        this.slotSecond[slot] = -1;
        this.slotKind[slot] = SlotKind.empty;
      }
    }
    this.newestSecond = second;
  }

  /** Reads one second; `empty` when it is outside the window or was never received. */
  at(tMs: number): SecondFigures {
    const second = Math.floor(tMs / RESOLUTION_MS);
    const slot = second % this.capacity;
    const held = slot >= 0 && this.slotSecond[slot] === second;
    const kind = held ? (this.slotKind[slot] as SlotKind) : SlotKind.empty;
    if (kind !== SlotKind.full) return { tMs: second * RESOLUTION_MS, kind, values: null };
    const values = {} as Record<ColumnName, number>;
    COLUMN_NAMES.forEach((name, column) => { values[name] = this.columns[column]![slot]!; });
    return { tMs: second * RESOLUTION_MS, kind, values };
  }

  /**
   * The latest complete second: {@link SETTLING_SECONDS} before the newest, because the
   * newest seconds are still filling. Late data may still correct it.
   */
  latestComplete(): SecondFigures | null {
    if (Number.isNaN(this.newestSecond)) return null;
    return this.at((this.newestSecond - SETTLING_SECONDS) * RESOLUTION_MS);
  }

  /** Copies the window out, oldest first, with a `null` for every second not known to hold figures. */
  frame(): SeriesFrame {
    const columns = {} as Record<ColumnName, (number | null)[]>;
    if (Number.isNaN(this.newestSecond)) {
      for (const name of COLUMN_NAMES) columns[name] = [];
      return { t: [], columns, kinds: [] };
    }
    const first = Math.max(this.oldestSecond, this.newestSecond - this.capacity + 1);
    const length = this.newestSecond - first + 1;
    const t = new Array<number>(length);
    const kinds = new Array<SlotKind>(length);
    for (let i = 0; i < length; i++) {
      const second = first + i;
      const slot = second % this.capacity;
      t[i] = second;
      kinds[i] = this.slotSecond[slot] === second ? (this.slotKind[slot] as SlotKind) : SlotKind.empty;
    }
    // Column by column: each loop reads one typed array and fills one array.
    COLUMN_NAMES.forEach((name, column) => {
      const source = this.columns[column]!;
      const values = new Array<number | null>(length);
      for (let i = 0; i < length; i++) values[i] = kinds[i] === SlotKind.full ? source[(first + i) % this.capacity]! : null;
      columns[name] = values;
    });
    return { t, columns, kinds };
  }
}
