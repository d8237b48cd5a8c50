/** The printed report: the machine, one table per scenario (arms, figures, ratios), and the targets. */
import { ratio } from '../lib/stats.mjs';
import { fmt } from './targets.mjs';

/** Lays out rows of cells as a text table with a header rule. */
function table(header, rows) {
  const widths = header.map((cell, column) => Math.max(String(cell).length, ...rows.map((row) => String(row[column]).length)));
  // Figures right-aligned, words left-aligned.
  const numeric = (cell) => /^[-+]?[\d.,]+(%|×| ms| KB)?$|^n\/a$/.test(String(cell));
  const line = (cells) => cells.map((cell, column) => (column > 0 && numeric(cell) ? String(cell).padStart(widths[column]) : String(cell).padEnd(widths[column]))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

const x = (value) => (Number.isFinite(value) ? `${fmt(value, 2)}×` : 'n/a');

/** The whole report as text. */
export function renderReport(results, targets) {
  const out = [];
  const m = results.machine;
  out.push(`Keywatch bench — ${results.mode} run, ${results.startedAt}`);
  out.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}; redis-server ${m.redis}; ${m.chromium}`);
  out.push(`Pinning: arms on core 0; load generator, Redis, event sources and Chromium on core 1. Figures are medians of rounds; ratios use same-run medians.`);

  const fanout = results.scenarios.fanout;
  if (fanout) {
    out.push('', `1. Fan-out — overview update every ${fanout.tickMs} ms, payload ${fanout.payloadBytes} B, ${fanout.rounds} round(s) × ${fanout.windowMs / 1000} s`);
    const rows = [];
    for (const [size, arms] of Object.entries(fanout.sizes)) {
      for (const [arm, { median }] of Object.entries(arms)) {
        rows.push([`${size} ${arm}`, fmt(median.cpuPerMsgUs, 2), x(ratio(arms.keywatch.median.cpuPerMsgUs, median.cpuPerMsgUs)),
          fmt(median.deliveriesPerSec, 0), `${fmt(median.deliveryRatio * 100, 1)}%`, fmt(median.p50Ms), fmt(median.p99Ms), fmt(median.maxMs),
          fmt(median.cpuShare * 100, 0) + '%', fmt(median.loadgenCpuShare * 100, 0) + '%']);
      }
    }
    out.push(table(['clients arm', 'CPU µs/msg', 'kw/arm', 'msg/s', 'of ticks', 'p50 ms', 'p99 ms', 'max ms', 'server CPU', 'clients CPU'], rows));
    const traced = Object.entries(fanout.sizes).map(([size, arms]) => `${size}: ${fmt(arms.keywatch.median.tickFiresPerUpdate, 2)} timer firings per update, started ${fmt(arms.keywatch.median.tickTimerLateMs)} ms after due, change read ${fmt(arms.keywatch.median.tickReadMs)} ms, send loop ${fmt(arms.keywatch.median.tickSendMs)} ms, longest Hub tick ${fmt(arms.keywatch.median.tickLongestMs, 0)} ms`);
    out.push(`Keywatch tick (probe): ${traced.join('; ')}`);
  }

  const idle = results.scenarios.idleMemory;
  if (idle) {
    out.push('', `2. Idle memory — ${idle.clients} idle authenticated clients, ${idle.rounds} round(s) (marginal cost from N/5 to N clients, after full GCs)`);
    const plain = idle.arms.plain.median;
    const rows = Object.entries(idle.arms).map(([arm, { median }]) => [arm, fmt(median.rssPerConnKB), x(ratio(median.rssPerConnKB, plain.rssPerConnKB)),
      fmt(median.heapPerConnKB), x(ratio(median.heapPerConnKB, plain.heapPerConnKB)), fmt(median.rssMB, 0)]);
    out.push(table(['arm', 'RSS KB/conn', 'vs plain', 'heap KB/conn', 'vs plain', 'RSS MB at N'], rows));
  }

  const ingest = results.scenarios.ingest;
  if (ingest) {
    out.push('', `3. Ingest — ${ingest.entries} pre-filled contract entries, ${ingest.rounds} round(s)`);
    const bare = ingest.arms.bare.median.entriesPerSec;
    const rows = Object.entries(ingest.arms).map(([arm, { median }]) => [arm === 'redisBenchmark' ? 'redis-benchmark XADD -P 16' : arm,
      fmt(median.entriesPerSec, 0), x(ratio(median.entriesPerSec, bare)),
      median.armCpuShare === undefined ? '' : `${fmt(median.armCpuShare * 100, 0)}%`, median.armCpuUsPerEntry === undefined ? '' : fmt(median.armCpuUsPerEntry, 1),
      median.redisCpuShare === undefined ? '' : `${fmt(median.redisCpuShare * 100, 0)}%`]);
    out.push(table(['arm', 'entries/s', 'vs bare', 'reader CPU', 'µs CPU/entry', 'Redis CPU'], rows));
    if (ingest.stages) {
      const { decode, parse, deltas } = ingest.stages.usPerEntry;
      out.push(`Reader stages in one process (CPU per entry, no I/O): node-redis RESP decode ${fmt(decode, 2)} µs (both arms pay it), ` +
        `then Keywatch only: contract parse ${fmt(parse, 2)} µs, batch deltas ${fmt(deltas, 2)} µs`);
    }
    const s = ingest.sustained;
    out.push(`Sustained: ${fmt(s.targetRate, 0)}/s asked (80% of Keywatch's median), ${fmt(s.achievedRate, 0)}/s written for ${fmt(s.seconds, 0)} s; ` +
      `lag (oldest unapplied entry) median ${fmt(s.medianLagMs, 0)} ms, p99 ${fmt(s.p99LagMs, 0)} ms, max ${fmt(s.maxLagMs, 0)} ms`);
  }

  const alerts = results.scenarios.alertLatency;
  if (alerts) {
    out.push('', `4. Alert latency — ${alerts.clients} clients, ${alerts.events} events every ${alerts.intervalMs} ms, ${alerts.rounds} round(s), from the instant each event was due in Redis`);
    const socketio = alerts.arms.socketio.median;
    const rows = Object.entries(alerts.arms).map(([arm, { median }]) => [arm, fmt(median.p50Ms), fmt(median.p90Ms), fmt(median.p99Ms),
      x(ratio(median.p99Ms, socketio.p99Ms)), fmt(median.maxMs), `${fmt(median.deliveryRatio * 100, 1)}%`]);
    out.push(table(['arm', 'p50 ms', 'p90 ms', 'p99 ms', 'p99 vs sio', 'max ms', 'delivered'], rows));
  }

  const browser = results.scenarios.browser;
  if (browser) {
    out.push('', `5. Browser — headless Chromium, 15 min of history, live at the default tick, ${browser.windowMs / 1000} s per view`);
    const rows = Object.entries(browser.views).map(([view, f]) => [view, f.updates, fmt(f.scriptingPerUpdateMs, 2), f.longTasks, fmt(f.longestTaskMs, 0),
      `${fmt(f.longTaskMakeup.scriptMs, 0)}/${fmt(f.longTaskMakeup.commitMs, 0)}/${fmt(f.longTaskMakeup.totalMs, 0)}`, fmt(f.jsHeapMB), fmt(f.frameIntervalP50Ms)]);
    out.push(table(['view', 'updates', 'script ms/upd', 'long tasks', 'longest ms', 'traced long: script/commit/all ms', 'JS heap MB', 'rAF p50 ms'], rows));
    out.push(`Bundle: ${browser.bundle.files.map((file) => `${file.name} ${fmt(file.gzipBytes / 1024)} KB gz`).join(', ')} — ${fmt(browser.bundle.gzipKB)} KB gz in all`);
  }

  if (targets.length > 0) {
    out.push('', 'Targets');
    out.push(table(['scenario', 'target', 'measured', 'judged', 'threshold', 'result'], targets.map((t) => [
      t.scenario, t.name, t.measured, t.unit === '×' ? x(t.value) : `${fmt(t.value)} ${t.unit}`,
      `${t.comparator} ${t.unit === '×' ? fmt(t.threshold, 2) + '×' : `${fmt(t.threshold, 0)} ${t.unit}`}`, t.met ? 'met' : 'MISSED',
    ])));
    const missed = targets.filter((t) => !t.met).length;
    out.push(`${targets.length - missed} met, ${missed} missed`);
  }
  return out.join('\n');
}
