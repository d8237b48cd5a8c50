/**
 * What the baseline arms share: the tick, defined exactly as for Keywatch (see
 * probe.mjs), and the payload they broadcast.
 */
import { readFileSync } from 'node:fs';

/** Calls `onTick(dueMs)` every `tickMs` (`setInterval`); tick k is due when tick k-1 started plus tickMs. Returns a stop function. */
export function startTicks(tickMs, onTick) {
  let previousStart = performance.timeOrigin + performance.now();
  const timer = setInterval(() => {
    const start = performance.timeOrigin + performance.now();
    const due = previousStart + tickMs;
    previousStart = start;
    onTick(due);
  }, tickMs);
  return () => clearInterval(timer);
}

/**
 * The message the baselines broadcast: Keywatch's own captured overview update (file
 * BENCH_PAYLOAD_FILE), to which each arm adds the intended send time as the first field.
 */
export function loadPayload() {
  const file = process.env.BENCH_PAYLOAD_FILE;
  if (!file) throw new Error('BENCH_PAYLOAD_FILE is not set');
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The arm's settings from its environment. */
export function armSettings() {
  return {
    port: Number(process.env.BENCH_PORT),
    tickMs: Number(process.env.BENCH_TICK_MS ?? 250),
    ticking: process.env.BENCH_TICKING !== '0',
  };
}
