/**
 * `GET /healthz` (the process lives), `GET /readyz` (the stream source is being read) and
 * `GET /metrics` (Prometheus text; bearer `KW_METRICS_TOKEN` when set).
 */
import type { FastifyInstance } from 'fastify';
import { constantTimeEqual } from '../auth/secrets.js';
import { bearerOf } from '../plugins/auth.js';

export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    const status = fastify.pipeline.ingest.status;
    if (status.source === 'up') return { status: 'ready', mode: fastify.pipeline.mode };
    return reply.code(503).send({ error: 'unavailable', message: `stream source is not being read: ${status.reason ?? 'unknown'}` });
  });
  fastify.get('/metrics', async (request, reply) => {
    const token = fastify.config.metricsToken;
    if (token !== null && !constantTimeEqual(bearerOf(request.headers.authorization) ?? '', token)) {
      return reply.code(401).send({ error: 'unauthorized', message: 'Send Authorization: Bearer <KW_METRICS_TOKEN>.' });
    }
    const { metrics, hub, pipeline } = fastify;
    metrics.setSource(pipeline.ingest.status, pipeline.ingest.trimmed.entries);
    metrics.setFanout(hub.stats, hub.clientsByRole(), hub.slowClients());
    // The group's backlog as Redis tells it now; left out (not zero) when the source cannot be asked.
    metrics.setBacklog(await pipeline.backends.probe.backlog().catch(() => null));
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
