/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per
 * source file (node_modules packages folded to their name), the top of each, in ms and as
 * a share of all samples.
 */
import { readFileSync } from 'node:fs';

/** Where a call frame's code lives, shortened: `ws/lib/sender.js`, `dist/server/fanout/hub.js`, `(native)`. */
function placeOf(url) {
  if (!url) return '(native or V8)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules !== -1) return path.slice(modules + 'node_modules/'.length);
  const project = path.indexOf('/dist/');
  if (project !== -1) return path.slice(project + 1);
  return path.startsWith('node:') ? path : path.split('/').slice(-2).join('/');
}

/** `{ totalMs, functions: [{ name, place, selfMs, share }], files: [{ place, selfMs, share }] }`, top `limit` each. */
export function summariseCpuProfile(file, limit = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFunction = new Map();
  const byFile = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id);
    const place = placeOf(callFrame.url);
    const name = callFrame.functionName || '(anonymous)';
    const key = `${name} ${place}:${callFrame.lineNumber + 1}`;
    byFunction.set(key, { name, place: `${place}:${callFrame.lineNumber + 1}`, us: (byFunction.get(key)?.us ?? 0) + us });
    const fileKey = name === '(idle)' || name === '(program)' || name === '(garbage collector)' ? name : place;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
    totalUs += us;
  }
  const busyUs = totalUs - (byFile.get('(idle)') ?? 0);
  const share = (us) => us / Math.max(1, busyUs);
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    functions: [...byFunction.values()].filter((entry) => entry.name !== '(idle)').sort((a, b) => b.us - a.us).slice(0, limit)
      .map((entry) => ({ name: entry.name, place: entry.place, selfMs: entry.us / 1000, share: share(entry.us) })),
    files: [...byFile.entries()].filter(([place]) => place !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, limit)
      .map(([place, us]) => ({ place, selfMs: us / 1000, share: share(us) })),
  };
}

/** The summary as text lines. */
export function renderProfile(title, summary) {
  const lines = [`${title}: ${Math.round(summary.busyMs)} ms busy (share of busy samples, self time)`];
  lines.push('  by function:');
  for (const entry of summary.functions) lines.push(`    ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.name}  ${entry.place}`);
  lines.push('  by file:');
  for (const entry of summary.files) lines.push(`    ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.place}`);
  return lines.join('\n');
}
