/**
 * The three baseline rules — volume_spike, redaction_rate_drop, collector_silent — fire on
 * their injected cases through the whole stack on a real Redis, with the spec's rule
 * name, severity and labels.
 *
 * They judge against what they learned over at least half an hour, and event time cannot
 * be hurried through the reader (late entries are rejected). So the test does what a
 * restart does: it saves 40 minutes of learned history in Redis where the server keeps
 * it (`kw:alerts:state`, learned by the same rule engine from ordinary minutes that end
 * just before now), starts the server, which loads it, and then writes the live minute
 * with a plain client: a team typing ten times its usual rate, a team whose redactions
 * stop, and a busy collector that falls silent. Each is judged once that minute is final.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AlertBook } from '../../server/alerts/alert-book.js';
import type { CollectorMinute, MinuteInput, TeamAppMinute } from '../../server/alerts/inputs.js';
import { RuleEngine } from '../../server/alerts/rule-engine.js';
import { defaultLifecycleSettings, defaultRuleSettings } from '../../server/alerts/settings.js';
import { bearer, createToken } from '../support/accounts.js';
import { findAlert, waitForAlerts, type ExpectedAlert } from '../support/alerts.js';
import { collectFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';

const MINUTE = 60_000;
const HISTORY_MINUTES = 40;
const LATENESS_MS = 2000;

let redis: TestRedis;
let producer: TestRedisClient;
let server: KeywatchProcess;

afterAll(async () => {
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

/** A small deterministic wobble, so that the learned spread is not zero. */
const wobble = (index: number, amplitude: number): number => 1 + amplitude * Math.sin(index * 1.7);

function historyMinute(index: number, minute: number): MinuteInput {
  const busySeconds = 55 + (index % 5);
  // ops in the editor: about 5 events per busy second.
  const editor: TeamAppMinute = {
    team: 'ops', app: 'editor', events: Math.round(5 * busySeconds * wobble(index, 0.15)), redacted: 0,
    busyEvents: Math.round(5 * busySeconds * wobble(index, 0.15)), busySeconds, redactedBusySeconds: 0,
  };
  // legal in mail: about half of the busy seconds carry a redaction.
  const redactedSeconds = Math.round(busySeconds * 0.5 * wobble(index, 0.1));
  const mail: TeamAppMinute = {
    team: 'legal', app: 'mail', events: 4 * busySeconds, redacted: redactedSeconds * 2,
    busyEvents: 4 * busySeconds, busySeconds, redactedBusySeconds: redactedSeconds,
  };
  const collectors: CollectorMinute[] = [
    { collector: 'c-stops', team: 'ops', entries: 60, events: 300, busySeconds: 60, lastSeen: minute + MINUTE - 500 },
  ];
  return { type: 'minute', minute, gap: false, teamApps: [editor, mail], collectors };
}

/** The state the server keeps in Redis after 40 ordinary minutes ending just before `liveMinute`. */
function learnedState(liveMinute: number): string {
  const engine = new RuleEngine(defaultRuleSettings());
  for (let index = 0; index < HISTORY_MINUTES; index++) {
    const signals = engine.apply(historyMinute(index, liveMinute - (HISTORY_MINUTES - index) * MINUTE));
    expect(signals, 'ordinary history raises nothing').toEqual([]);
  }
  expect(engine.isBaselineWarm('volume_spike', 'ops', 'editor')).toBe(true);
  expect(engine.isBaselineWarm('redaction_rate_drop', 'legal', 'mail')).toBe(true);
  const book = new AlertBook({ now: Date.now, settings: defaultLifecycleSettings() });
  return JSON.stringify({ book: book.snapshot(), engine: engine.snapshot() });
}

/** Waits until at least `needMs` of the current minute remain, and returns its start. */
async function minuteWithRoom(needMs: number): Promise<number> {
  const left = MINUTE - (Date.now() % MINUTE);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return Math.floor(Date.now() / MINUTE) * MINUTE;
}

beforeAll(async () => {
  redis = await TestRedis.start();
  producer = await redis.client();
});

it('raises volume_spike, redaction_rate_drop and collector_silent on their cases with the spec labels', async () => {
  // Room for the server to start and for the live minute to be written inside one minute.
  const liveMinute = await minuteWithRoom(25_000);
  await producer.sendCommand(['SET', 'kw:alerts:state', learnedState(liveMinute)]);
  server = await KeywatchProcess.start({ REDIS_URL: redis.url, KW_INSTANCE_ID: 'baselines', KW_LATENESS_MS: String(LATENESS_MS),
    // Every hour is working time here, so that off_hours_collection stays out of this test.
    KW_WORKING_HOURS: '00:00-24:00 Mon-Sun',
  });
  await waitFor(async () => (await fetch(`${server.origin}/readyz`)).ok, 10_000);
  const oncall = bearer(await createToken(redis.url, 'oncall'));

  // The live minute: one-second batches, all stamped now (each counts its second).
  const ts = Date.now();
  expect(Math.floor(ts / MINUTE) * MINUTE, 'still in the live minute').toBe(liveMinute);
  const batch = (fields: Record<string, string | number>): string[] => ['XADD', 'kw:collect', '*', ...collectFields({ ts, dur: 1000, ...fields })];
  const writes: Promise<unknown>[] = [];
  for (let second = 0; second < 50; second++) {
    // ops in the editor at ten times its usual input rate.
    writes.push(producer.sendCommand(batch({ collector: 'c-fast', subject: 's-fast', team: 'ops', app: 'editor', keys: 50, clicks: 0, moves: 0, scrolls: 0, redacted: 0, red_password: 0, red_email: 0, corrections: 0 })));
    // legal in mail at its usual rate, with no redaction at all.
    writes.push(producer.sendCommand(batch({ collector: 'c-mail', subject: 's-mail', team: 'legal', app: 'mail', keys: 4, clicks: 0, moves: 0, scrolls: 0, redacted: 0, red_password: 0, red_email: 0, corrections: 0 })));
  }
  // c-stops, busy in every learned minute, sends nothing in the live one.
  await Promise.all(writes);

  const expected: ExpectedAlert[] = [
    ['volume_spike', 'warning', { team: 'ops', app: 'editor' }],
    ['redaction_rate_drop', 'high', { team: 'legal', app: 'mail' }],
    ['collector_silent', 'warning', { team: 'ops', collector: 'c-stops' }],
  ];
  const alerts = await waitForAlerts(server.origin, oncall, expected, MINUTE + LATENESS_MS + 20_000);
  for (const [rule, severity, labels] of expected) {
    expect(findAlert(alerts, rule, labels), rule).toMatchObject({ rule, severity, labels, state: 'firing' });
    expect(Object.keys(findAlert(alerts, rule, labels)!.labels).sort(), `${rule} has exactly the spec labels`).toEqual(Object.keys(labels).sort());
  }
  // Nothing else fired: the learned teams in their usual state raise nothing.
  expect(alerts.map((alert) => alert.rule).sort()).toEqual(expected.map(([rule]) => rule).sort());
}, 150_000);
