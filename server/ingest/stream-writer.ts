/**
 * Port: appending entries to an input stream, as a producer does. The simulator and the
 * replay tool write through it; Redis (`XADD … MAXLEN ~`) and the embedded store implement it.
 */

/** One stream entry as it travels: flat field/value pairs, exactly as `XADD` takes them. */
export type FieldList = readonly string[];

export interface StreamWriter {
  /**
   * Appends entries to `stream` in order, then trims it to about `maxLength` entries
   * (producers trim their streams; Keywatch's reader never does). Resolves to the new ids.
   */
  append(stream: string, entries: readonly FieldList[], maxLength: number): Promise<string[]>;
}
