/**
 * The targets, judged on figures of the same run (medians of rounds). Each target
 * is one row: what was measured, the ratio it is judged on, the threshold, met or missed.
 */
import { ratio } from '../lib/stats.mjs';

/** Target rows from the run's results (scenarios not run give no rows). */
export function judgeTargets(results) {
  const rows = [];
  const add = (scenario, name, measured, value, comparator, threshold, unit = '') => {
    const met = Number.isFinite(value) ? (comparator === '<=' ? value <= threshold : comparator === '<' ? value < threshold : value >= threshold) : false;
    rows.push({ scenario, name, measured, value, comparator, threshold, unit, met });
  };

  const fanout = results.scenarios.fanout;
  if (fanout) {
    const size = Math.max(...Object.keys(fanout.sizes).map(Number));
    const arms = fanout.sizes[size];
    const keywatch = arms.keywatch.median;
    const at = `${size} clients`;
    add('fan-out', `CPU/msg vs Socket.IO (${at})`, `${fmt(keywatch.cpuPerMsgUs)} vs ${fmt(arms.socketio.median.cpuPerMsgUs)} µs`,
      ratio(keywatch.cpuPerMsgUs, arms.socketio.median.cpuPerMsgUs), '<=', 1 / 1.5, '×');
    add('fan-out', `CPU/msg vs naive (${at})`, `${fmt(keywatch.cpuPerMsgUs)} vs ${fmt(arms.naive.median.cpuPerMsgUs)} µs`,
      ratio(keywatch.cpuPerMsgUs, arms.naive.median.cpuPerMsgUs), '<=', 1 / 3, '×');
    add('fan-out', `deliveries/s vs ceiling (${at})`, `${fmt(keywatch.deliveriesPerSec, 0)} vs ${fmt(arms.ceiling.median.deliveriesPerSec, 0)}/s`,
      ratio(keywatch.deliveriesPerSec, arms.ceiling.median.deliveriesPerSec), '>=', 0.85, '×');
    add('fan-out', `p99 tick-to-receive (${at})`, `${fmt(keywatch.p99Ms)} ms`, keywatch.p99Ms, '<=', 100, 'ms');
  }

  const idle = results.scenarios.idleMemory;
  if (idle) {
    const { keywatch, plain } = idle.arms;
    const at = `${idle.clients} clients`;
    add('idle memory', `RSS/conn vs plain ws (${at})`, `${fmt(keywatch.median.rssPerConnKB)} vs ${fmt(plain.median.rssPerConnKB)} KB`,
      ratio(keywatch.median.rssPerConnKB, plain.median.rssPerConnKB), '<=', 1.1, '×');
    add('idle memory', `heap/conn vs plain ws (${at})`, `${fmt(keywatch.median.heapPerConnKB)} vs ${fmt(plain.median.heapPerConnKB)} KB`,
      ratio(keywatch.median.heapPerConnKB, plain.median.heapPerConnKB), '<=', 1.1, '×');
    add('idle memory', `RSS per connection (${at})`, `${fmt(keywatch.median.rssPerConnKB)} KB`, keywatch.median.rssPerConnKB, '<', 25, 'KB');
  }

  const ingest = results.scenarios.ingest;
  if (ingest) {
    const { keywatch, bare } = ingest.arms;
    add('ingest', `entries/s vs bare read+ack loop (${ingest.entries} entries)`, `${fmt(keywatch.median.entriesPerSec, 0)} vs ${fmt(bare.median.entriesPerSec, 0)}/s`,
      ratio(keywatch.median.entriesPerSec, bare.median.entriesPerSec), '>=', 0.8, '×');
    const sustained = ingest.sustained;
    // Shown only where the producer wrote what was asked: lag at a lower rate says nothing of 80 %.
    const wroteAsked = sustained.achievedRate >= 0.95 * sustained.targetRate && !sustained.producerErrors;
    add('ingest', `max lag at 80% of own ceiling (${fmt(sustained.targetRate, 0)}/s asked, ${fmt(sustained.achievedRate, 0)}/s written)`,
      `${fmt(sustained.maxLagMs, 0)} ms`, wroteAsked ? sustained.maxLagMs : Number.NaN, '<', 1000, 'ms');
  }

  const alerts = results.scenarios.alertLatency;
  if (alerts) {
    const { keywatch, socketio } = alerts.arms;
    const at = `${alerts.clients} clients`;
    add('alert latency', `p99 vs Socket.IO + Redis Streams adapter (${at})`, `${fmt(keywatch.median.p99Ms)} vs ${fmt(socketio.median.p99Ms)} ms`,
      ratio(keywatch.median.p99Ms, socketio.median.p99Ms), '<=', 0.7, '×');
    add('alert latency', `p99 (${at})`, `${fmt(keywatch.median.p99Ms)} ms`, keywatch.median.p99Ms, '<=', 50, 'ms');
  }

  const browser = results.scenarios.browser;
  if (browser) {
    for (const [view, figures] of Object.entries(browser.views)) {
      add('browser', `${view}: scripting per update`, `${fmt(figures.scriptingPerUpdateMs)} ms (${figures.updates} updates)`, figures.scriptingPerUpdateMs, '<=', 4, 'ms');
      add('browser', `${view}: longest task while live`, `${figures.longTasks} over 50 ms`, figures.longestTaskMs, '<=', 50, 'ms');
    }
    add('browser', 'bundle, gzipped', `${fmt(browser.bundle.gzipKB)} KB`, browser.bundle.gzipKB, '<=', 150, 'KB');
  }
  return rows;
}

/** A number for people: `digits` decimals, or "n/a". */
export function fmt(value, digits = 1) {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
