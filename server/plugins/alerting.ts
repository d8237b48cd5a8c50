/**
 * Fastify plugin `keywatch-alerting`: the AlertCenter (`fastify.alerts`) fed by every
 * applied batch and ticked once a second; its state is loaded at start and saved with
 * every transition, so alerts, acks and silences survive restarts.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AlertCenter } from '../alerting/alert-center.js';
import { OutageMinutes } from '../alerting/outage-minutes.js';
import { PipelineRules } from '../alerting/pipeline-rules.js';
import { raiseForPerson, type AlertSignal } from '../alerts/signal.js';
import type { ClassifiedEntry } from '../ingest/classify.js';
import type { DataLoss } from '../pipeline/epoch-watch.js';

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertCenter;
  }
}

const ALERT_TICK_MS = 1000;

async function alertingPlugin(fastify: FastifyInstance): Promise<void> {
  const { config, pipeline } = fastify;
  const outages = new OutageMinutes();
  pipeline.ingest.onStatus((status) => outages.follow(status, Date.now()));
  const center = new AlertCenter({
    store: pipeline.backends.alerts,
    audit: fastify.audit,
    prefix: config.streamPrefix,
    latenessMs: config.latenessMs,
    settings: config.alerts,
    watermarkMs: () => pipeline.ingest.watermarkMs,
    gapMinutes: () => outages.minutes(Date.now()),
    ...(pipeline.simulator ? { wallClockOf: (ms: number) => ms + pipeline.simulator!.clock.offsetFromUtcMs() } : {}),
    onError: (error) => fastify.log.error({ err: error.message }, 'saving alert state failed; the next save retries'),
  });
  fastify.decorate('alerts', center);
  const pipelineRules = new PipelineRules(`${config.streamPrefix}*`);
  pipeline.epoch.onLoss((loss) => center.signal([dataLossSignal(`${config.streamPrefix}*`, loss)]));
  const totals = { applied: 0, rejected: 0 };
  pipeline.onApplied((entries) => {
    totals.applied += entries.length;
    for (const entry of entries) if (entry.kind === 'rejected') totals.rejected += 1;
  });
  const observePipeline = async (): Promise<void> => {
    const backlog = await pipeline.backends.probe.backlog().then(
      (streams) => streams.reduce((sum, stream) => sum + (stream.backlog ?? 0), 0),
      () => null,
    );
    center.signal(pipelineRules.observe({ now: Date.now(), status: pipeline.ingest.status, backlog, ...totals }));
  };
  let timer: NodeJS.Timeout | undefined;
  let loaded = false;
  // Batches applied before the saved state is loaded wait for it (bounded), so none escapes the rules.
  const waiting: (readonly ClassifiedEntry[])[] = [];
  pipeline.onApplied((entries) => {
    if (loaded) center.consume(entries);
    else if (waiting.length < 1000) waiting.push(entries);
  });
  fastify.addHook('onReady', async () => {
    // The store may be unreachable at start: keep trying on the tick until the state is loaded.
    const tick = async (): Promise<void> => {
      if (!loaded) {
        await center.load();
        loaded = true;
        for (const entries of waiting.splice(0)) center.consume(entries);
      }
      center.tick();
      await observePipeline();
    };
    timer = setInterval(() => {
      tick().catch((error: Error) => fastify.log.warn({ err: error.message }, 'alert tick failed; retrying'));
    }, ALERT_TICK_MS);
    await tick().catch(() => {});
  });
  fastify.addHook('onClose', async () => {
    clearInterval(timer);
    await center.settled();
  });
}

/** `source_down` for data the source lost: it waits for a person, who decides whether to restore a backup. */
function dataLossSignal(stream: string, loss: DataLoss): AlertSignal {
  return raiseForPerson('source_down', { stream },
    'Redis came back without its data (Keywatch\'s epoch marker was gone): entries not yet read, users, sessions, tokens, the audit trail and the alert history kept there before are lost. Everyone must sign in again. Restore a backup or accept the loss, then resolve this alert; run Redis with AOF persistence.',
    loss.detectedAt);
}

export default fp(alertingPlugin, { name: 'keywatch-alerting', fastify: '5.x', dependencies: ['keywatch-pipeline', 'keywatch-auth'] });
