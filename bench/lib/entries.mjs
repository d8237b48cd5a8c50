/**
 * Contract-valid `kw:collect` and `kw:security` entries (stream contract v1), varied the
 * way a fleet of collectors varies them, as flat field lists for XADD; and the writers
 * that put them into Redis: pipelined prefill, a steady feeder, a fixed-rate producer.
 */

const TEAMS = ['team-a', 'team-b', 'team-c', 'team-d', 'team-e', 'team-f', 'team-g', 'team-h'];
const APPS = ['ide', 'browser', 'terminal', 'mail', 'chat', 'office'];

/** The fields of collect entry number `n` (deterministic), event time `ts`. */
export function collectFields(n, ts, collectors = 500) {
  const collector = n % collectors;
  const keys = 20 + (n % 37);
  const redPassword = n % 3;
  const redEmail = n % 2;
  return [
    'v', '1', 'ts', String(ts), 'dur', '1000',
    'collector', `c-${collector}`, 'subject', `s-${collector % 400}`, 'team', TEAMS[collector % TEAMS.length], 'app', APPS[n % APPS.length],
    'keys', String(keys), 'clicks', String(n % 5), 'moves', String(30 + (n % 50)), 'scrolls', String(n % 4),
    'corrections', String(n % 3), 'dropped', '0', 'redacted', String(redPassword + redEmail + 1),
    'red_password', String(redPassword), 'red_email', String(redEmail), 'red_other', '1',
    'bytes', String(400 + (n % 300)), 'consent', 'granted', 'tls', '1',
  ];
}

/** A `raw_access` allowed to an actor outside the allow list: raises the critical `unauthorized_raw_access`. */
export function rawAccessFields(sequence, ts) {
  return ['v', '1', 'ts', String(ts), 'kind', 'raw_access', 'actor', `mallory-${sequence}`, 'resource', 'raw-store', 'outcome', 'allowed'];
}

/** XADDs `count` collect entries to `stream`, `batch` commands in flight at a time; resolves when all are written. */
export async function prefillCollect(client, stream, count, { batch = 2000, collectors = 500 } = {}) {
  for (let written = 0; written < count; written += batch) {
    const size = Math.min(batch, count - written);
    const ts = Date.now();
    const replies = [];
    for (let i = 0; i < size; i++) replies.push(client.sendCommand(['XADD', stream, '*', ...collectFields(written + i, ts, collectors)]));
    await Promise.all(replies);
  }
}

/**
 * Paces writes of `entriesPerSecond` entries in slices every `sliceMs` on a fixed schedule
 * (a slow slice delays nothing after it): each slice calls `writeSlice(from, to, ts)` for
 * entries `from` to `to - 1` with event time `ts`, and awaits what it returns. Returns
 * `{ stop(): Promise<{ written, behindMs, seconds }> }`.
 */
export function paceSlices(entriesPerSecond, sliceMs, writeSlice) {
  let stopped = false;
  let written = 0;
  let behindMs = 0;
  const startedMs = Date.now();
  const done = (async () => {
    for (let slice = 1; !stopped; slice++) {
      const dueMs = startedMs + slice * sliceMs;
      const waitMs = dueMs - Date.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      else behindMs = Math.max(behindMs, -waitMs);
      const target = Math.floor(((dueMs - startedMs) / 1000) * entriesPerSecond);
      if (target > written) await writeSlice(written, target, Date.now());
      written = Math.max(written, target);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return { written, behindMs, seconds: (Date.now() - startedMs) / 1000 };
    },
  };
}

/**
 * Writes `entriesPerSecond` collect entries with event time "now", pipelined through
 * node-redis in slices every `sliceMs` (see paceSlices).
 */
export function startProducer(client, stream, entriesPerSecond, { sliceMs = 20, collectors = 500 } = {}) {
  return paceSlices(entriesPerSecond, sliceMs, (from, to, ts) => {
    const replies = [];
    for (let n = from; n < to; n++) replies.push(client.sendCommand(['XADD', stream, '*', ...collectFields(n, ts, collectors)]));
    return Promise.all(replies);
  });
}
