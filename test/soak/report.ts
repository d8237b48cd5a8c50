/** The soak's figures as a table for a terminal or a closing note, and its samples as CSV. */
import { backlogEntries, STREAMS, type Sample } from './server-sampler.js';
import type { SoakResult } from './soak.js';
import { fixed, signed } from './verdicts.js';

/** The figures and verdicts as aligned text. */
export function formatReport(result: SoakResult): string {
  const { figures: f, options, load } = result;
  const rows: [string, string][] = [
    ['load', `${fixed(f.loadMinutes)} min at ${options.collectPerSecond} collect + ${options.securityPerSecond} security entries/s`],
    ['entries written', `${load.collect} collect, ${load.security} security`],
    ['clients', `${options.steadyClients} steady, ${options.churnClients} churning (${result.fleet.reconnects} reconnects)`],
    ['samples', `${f.samples}, every ${options.sampleEveryMs / 1000} s`],
    ['live heap (after full GC)', `${fixed(f.heapStartMB)} MB → ${fixed(f.heapEndMB)} MB (median, 2nd fifth → last fifth)`],
    ['live heap slope', `${signed(f.heapSlopeMBPerMin, 2)} MB/min (${f.heapReadings} readings after warm-up)`],
    ['live heap readings', result.liveHeap.map((reading) => fixed(reading.usedBytes / 2 ** 20)).join(' ')],
    ['sampled heap (with garbage)', `${fixed(f.sampledHeapStartMB)} MB → ${fixed(f.sampledHeapEndMB)} MB, slope ${signed(f.sampledHeapSlopeMBPerMin, 2)} MB/min`],
    ['RSS (median)', `${fixed(f.rssStartMB)} MB → ${fixed(f.rssEndMB)} MB`],
    ['active handles (quiet)', `${f.handlesStart} → ${f.handlesEnd} (churning: ${f.handlesChurnMin}–${f.handlesChurnMax})`],
    ['active resources (quiet)', `${f.resourcesStart} → ${f.resourcesEnd}`],
    ['ws clients held (end)', `${f.wsClientsEnd}`],
    ['max ingest lag', `${fixed(f.maxIngestLagSeconds, 2)} s`],
    ['max backlog', `${f.maxBacklog} entries`],
    ['drain after stop', f.drainSeconds === null ? 'never' : `${fixed(f.drainSeconds)} s`],
    ['backlog at the end', `${f.backlogEnd}`],
    ['event-loop delay p99', `${fixed(f.eventLoopP99Ms)} ms`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  lines.push('');
  for (const verdict of result.verdicts) lines.push(`  ${verdict.passed ? 'PASS' : 'FAIL'}  ${verdict.name}: ${verdict.detail}`);
  return lines.join('\n');
}

/** One CSV row per sample (seconds since the first sample, MB, counts). */
export function samplesCsv(samples: readonly Sample[]): string {
  const firstMs = samples[0]?.atMs ?? 0;
  const header = 'seconds,phase,heap_used_mb,rss_mb,active_handles,active_resources,ws_clients,ingest_lag_s,backlog';
  const rows = samples.map((sample) => [
    ((sample.atMs - firstMs) / 1000).toFixed(1), sample.phase, (sample.heapUsedBytes / 2 ** 20).toFixed(2), (sample.rssBytes / 2 ** 20).toFixed(2),
    sample.activeHandles, sample.activeResources, sample.wsClients, sample.ingestLagSeconds.toFixed(3),
    STREAMS.reduce((sum, stream) => sum + backlogEntries(sample.backlog[stream]), 0),
  ].join(','));
  return [header, ...rows].join('\n') + '\n';
}
