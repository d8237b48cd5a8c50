/**
 * The run as one SVG: a small grouped-bar panel per scenario (arms side by side, the
 * target's threshold as a dashed line where it is absolute) and the targets, met or
 * missed, underneath. Plain SVG text, no dependency.
 */
import { fmt } from './targets.mjs';

const COLORS = { keywatch: '#2563eb', naive: '#f59e0b', socketio: '#10b981', ceiling: '#6b7280', plain: '#f59e0b', bare: '#6b7280', redisBenchmark: '#9ca3af', overview: '#2563eb', alerts: '#7c3aed' };
const LABELS = { redisBenchmark: 'redis-bm' };
const PANEL_W = 470;

/** Axis ticks from 0 to at least `value`: four or five steps of 1, 2 or 5 × 10^k, so every tick reads round. */
function niceTicks(value) {
  const rough = value / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough);
  const ticks = [];
  for (let tick = 0; tick < value + step; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return { ticks, max: ticks.at(-1), decimals: step < 1 ? Math.ceil(-Math.log10(step)) : 0 };
}
const PANEL_H = 250;

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * One panel at (x, y): `groups` of `{ label, bars: [{ arm, value }] }`, a title and unit,
 * an optional threshold line.
 */
function panel({ x, y, title, unit, groups, threshold }) {
  const plot = { left: x + 56, top: y + 46, width: PANEL_W - 76, height: PANEL_H - 92 };
  const values = groups.flatMap((group) => group.bars.map((bar) => bar.value)).filter(Number.isFinite);
  const { ticks, max, decimals } = niceTicks(Math.max(...values, threshold ?? 0, 1e-9) * 1.1);
  const scaleY = (value) => plot.top + plot.height - (value / max) * plot.height;
  const parts = [`<text x="${x + 10}" y="${y + 20}" font-size="14" font-weight="600">${escape(title)}</text>`];
  parts.push(`<line x1="${plot.left}" y1="${plot.top + plot.height}" x2="${plot.left + plot.width}" y2="${plot.top + plot.height}" stroke="#9ca3af"/>`);
  for (const value of ticks) {
    parts.push(`<text x="${plot.left - 6}" y="${scaleY(value) + 4}" font-size="10" text-anchor="end" fill="#6b7280">${fmt(value, decimals)}</text>`);
    parts.push(`<line x1="${plot.left}" y1="${scaleY(value)}" x2="${plot.left + plot.width}" y2="${scaleY(value)}" stroke="#f3f4f6"/>`);
  }
  parts.push(`<text x="${x + 12}" y="${plot.top - 12}" font-size="10" fill="#6b7280">${escape(unit)}</text>`);
  const groupWidth = plot.width / Math.max(1, groups.length);
  const barWidthOf = (group) => Math.min(40, (groupWidth - 16) / Math.max(1, group.bars.length));
  // Names go under the bars only where every one fits; the legend names the colours either way.
  const namesFit = groups.every((group) => group.bars.every((bar) => (LABELS[bar.arm] ?? bar.arm).length * 5 <= barWidthOf(group)));
  groups.forEach((group, groupIndex) => {
    const barWidth = barWidthOf(group);
    const start = plot.left + groupIndex * groupWidth + (groupWidth - barWidth * group.bars.length) / 2;
    group.bars.forEach((bar, barIndex) => {
      const barX = start + barIndex * barWidth;
      const value = Number.isFinite(bar.value) ? bar.value : 0;
      const top = scaleY(value);
      parts.push(`<rect x="${barX + 1}" y="${top}" width="${barWidth - 2}" height="${plot.top + plot.height - top}" fill="${COLORS[bar.arm] ?? '#9ca3af'}"><title>${escape(`${group.label} ${bar.arm}: ${fmt(bar.value, 2)} ${unit}`)}</title></rect>`);
      parts.push(`<text x="${barX + barWidth / 2}" y="${top - 3}" font-size="9" text-anchor="middle">${fmt(bar.value, bar.value < 10 ? 1 : 0)}</text>`);
      const name = LABELS[bar.arm] ?? bar.arm;
      if (namesFit) parts.push(`<text x="${barX + barWidth / 2}" y="${plot.top + plot.height + 11}" font-size="8.5" text-anchor="middle" fill="#374151">${escape(name)}</text>`);
    });
    parts.push(`<text x="${plot.left + groupIndex * groupWidth + groupWidth / 2}" y="${plot.top + plot.height + 26}" font-size="11" text-anchor="middle" font-weight="600">${escape(group.label)}</text>`);
  });
  const arms = [...new Set(groups.flatMap((group) => group.bars.map((bar) => bar.arm)))];
  let legendX = plot.left;
  for (const arm of arms) {
    const name = LABELS[arm] ?? arm;
    parts.push(`<rect x="${legendX}" y="${plot.top + plot.height + 34}" width="9" height="9" fill="${COLORS[arm] ?? '#9ca3af'}"/>`);
    parts.push(`<text x="${legendX + 12}" y="${plot.top + plot.height + 42}" font-size="10" fill="#374151">${escape(name)}</text>`);
    legendX += 24 + name.length * 6;
  }
  if (threshold !== undefined) {
    parts.push(`<line x1="${plot.left}" y1="${scaleY(threshold)}" x2="${plot.left + plot.width}" y2="${scaleY(threshold)}" stroke="#dc2626" stroke-dasharray="5 4"/>`);
    parts.push(`<text x="${plot.left + plot.width}" y="${scaleY(threshold) - 4}" font-size="10" text-anchor="end" fill="#dc2626">target ${fmt(threshold, threshold < 10 ? 1 : 0)}</text>`);
  }
  return parts.join('\n');
}

/** The SVG document for a run's results and judged targets. */
export function renderSvg(results, targets) {
  const panels = [];
  const { fanout, idleMemory, ingest, alertLatency, browser } = results.scenarios;
  const bars = (arms, key) => Object.entries(arms).map(([arm, { median }]) => ({ arm, value: median[key] }));
  if (fanout) {
    const sizes = Object.entries(fanout.sizes);
    panels.push({ title: 'Fan-out: server CPU per delivered message', unit: 'µs per message', groups: sizes.map(([size, arms]) => ({ label: `${size} clients`, bars: bars(arms, 'cpuPerMsgUs') })) });
    panels.push({ title: 'Fan-out: p99 tick-to-receive latency', unit: 'ms', threshold: 100, groups: sizes.map(([size, arms]) => ({ label: `${size} clients`, bars: bars(arms, 'p99Ms') })) });
  }
  if (idleMemory) {
    panels.push({ title: `Idle memory per connection (${idleMemory.clients} clients)`, unit: 'KB per connection', threshold: 25, groups: [
      { label: 'RSS', bars: bars(idleMemory.arms, 'rssPerConnKB') }, { label: 'V8 heap', bars: bars(idleMemory.arms, 'heapPerConnKB') },
    ] });
  }
  if (ingest) {
    panels.push({ title: `Ingest: entries applied per second (${ingest.entries} entries)`, unit: 'entries/s', groups: [{ label: 'drain of a pre-filled kw:collect', bars: bars(ingest.arms, 'entriesPerSec') }] });
  }
  if (alertLatency) {
    panels.push({ title: `Alert latency, XADD to frame (${alertLatency.clients} clients)`, unit: 'ms', threshold: 50, groups: [
      { label: 'p50', bars: bars(alertLatency.arms, 'p50Ms') }, { label: 'p99', bars: bars(alertLatency.arms, 'p99Ms') },
    ] });
  }
  if (browser) {
    panels.push({ title: 'Browser: main-thread scripting per update', unit: 'ms per update', threshold: 4, groups: [
      { label: 'headless Chromium, 15 min of history', bars: Object.entries(browser.views).map(([view, figures]) => ({ arm: view, value: figures.scriptingPerUpdateMs })) },
    ] });
  }
  const columns = 2;
  const rows = Math.ceil(panels.length / columns);
  const targetsTop = 60 + rows * PANEL_H;
  const height = targetsTop + 30 + targets.length * 17 + 20;
  const width = columns * PANEL_W + 20;
  const m = results.machine;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="16" font-weight="700">Keywatch bench — ${escape(results.mode)} run, ${escape(results.startedAt)}</text>`,
    `<text x="10" y="42" font-size="11" fill="#374151">${escape(`${m.cpuModel}, ${m.cores} cores; Node ${m.node}; redis ${m.redis}. Medians of rounds; arms on core 0, clients and Redis on core 1.`)}</text>`,
  ];
  panels.forEach((spec, index) => parts.push(panel({ ...spec, x: 10 + (index % columns) * PANEL_W, y: 50 + Math.floor(index / columns) * PANEL_H })));
  parts.push(`<text x="10" y="${targetsTop + 10}" font-size="14" font-weight="600">Targets (same-run ratios)</text>`);
  targets.forEach((target, index) => {
    const y = targetsTop + 30 + index * 17;
    parts.push(`<text x="10" y="${y}" font-size="11" fill="${target.met ? '#15803d' : '#b91c1c'}" font-weight="600">${target.met ? 'met' : 'MISSED'}</text>`);
    parts.push(`<text x="70" y="${y}" font-size="11">${escape(`${target.scenario}: ${target.name} — ${target.measured} (${target.unit === '×' ? `${fmt(target.value, 2)}×` : `${fmt(target.value)} ${target.unit}`}, ${target.comparator} ${target.unit === '×' ? `${fmt(target.threshold, 2)}×` : `${fmt(target.threshold, 0)} ${target.unit}`})`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
