/**
 * Fastify plugin `keywatch-pipeline`: the backends, the reader (IngestLoop), the
 * overview feed, the epoch watch (a source that came back without its data) and, in
 * embedded mode, the built-in simulator. Decorates
 * `fastify.pipeline`; everything long-running stops on `onClose`.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { openBackends, type Backends } from '../backends.js';
import type { ClassifiedEntry } from '../ingest/classify.js';
import { IngestLoop } from '../ingest/ingest-loop.js';
import { Metrics } from '../metrics.js';
import { OverviewFeed } from '../overview/overview-feed.js';
import { EpochWatch } from '../pipeline/epoch-watch.js';
import { Simulator } from '../simulate/simulator.js';

/** How often the source's epoch marker is checked (and at once whenever the source comes back up). */
const EPOCH_CHECK_MS = 1000;

export interface Pipeline {
  mode: Backends['mode'];
  backends: Backends;
  ingest: IngestLoop;
  feed: OverviewFeed;
  /** Tells when the source came back without its data. */
  epoch: EpochWatch;
  /** Embedded mode: the built-in simulator (its simulated day decides working hours). */
  simulator: Simulator | null;
  /** Adds a listener to every applied batch (alert rules, pipeline rates). */
  onApplied(listener: (entries: readonly ClassifiedEntry[]) => void): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    pipeline: Pipeline;
    metrics: Metrics;
  }
}

async function pipelinePlugin(fastify: FastifyInstance): Promise<void> {
  const config = fastify.config;
  const backends = openBackends(config, fastify.log);
  const metrics = new Metrics();
  const appliedListeners: ((entries: readonly ClassifiedEntry[]) => void)[] = [];
  fastify.decorate('metrics', metrics);
  const ingest = new IngestLoop({
    source: backends.source,
    store: backends.store,
    prefix: config.streamPrefix,
    latenessMs: config.latenessMs,
    log: fastify.log,
    onApplied: (entries) => {
      metrics.countApplied(entries);
      for (const listener of appliedListeners) listener(entries);
    },
  });
  const feed = new OverviewFeed({
    store: backends.store,
    isSourceUp: () => ingest.status.source === 'up',
    // The alerting plugin registers after this one; its counts are read when a message is built.
    openAlerts: () => (fastify.hasDecorator('alerts') ? fastify.alerts.openCounts() : { critical: 0, high: 0, warning: 0, info: 0 }),
  });
  const simulator = backends.embeddedStreams
    ? new Simulator(backends.embeddedStreams, { collectors: config.simulatorCollectors, anomalies: true, clock: '10:30', prefix: config.streamPrefix })
    : null;
  const epoch = new EpochWatch(backends.probe);
  epoch.onLoss((loss) => fastify.log.error({ detectedAt: loss.detectedAt }, 'the stream source came back without its data (epoch marker replaced): unread entries, accounts, sessions, audit trail and alert history kept there are lost'));
  fastify.decorate('pipeline', { mode: backends.mode, backends, ingest, feed, epoch, simulator, onApplied: (listener) => appliedListeners.push(listener) });
  let checkingEpoch = false;
  const checkEpoch = (): void => {
    if (checkingEpoch) return;
    checkingEpoch = true;
    // Unreachable: the reader reports that; the next check after it is back tells whether the data survived.
    epoch.check().catch(() => {}).finally(() => (checkingEpoch = false));
  };
  let epochTimer: NodeJS.Timeout | undefined;

  const stop = new AbortController();
  const running: Promise<unknown>[] = [];
  fastify.addHook('onReady', async () => {
    await epoch.check().catch(() => {});
    epochTimer = setInterval(checkEpoch, EPOCH_CHECK_MS);
    ingest.onStatus((status) => {
      if (status.source === 'up') checkEpoch();
    });
    running.push(ingest.run(stop.signal));
    if (simulator) {
      running.push(simulator.run(stop.signal).catch((error: Error) => fastify.log.error({ err: error.message }, 'simulator stopped')));
    }
  });
  fastify.addHook('onClose', async () => {
    clearInterval(epochTimer);
    stop.abort();
    await backends.source.close();
    await Promise.allSettled(running);
    await backends.close();
  });
}

export default fp(pipelinePlugin, { name: 'keywatch-pipeline', fastify: '5.x' });
