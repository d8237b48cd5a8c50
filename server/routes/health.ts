/** `GET /healthz` (the process lives) and `GET /readyz` (the stream source is being read). */
import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    const status = fastify.pipeline.ingest.status;
    if (status.source === 'up') return { status: 'ready', mode: fastify.pipeline.mode };
    return reply.code(503).send({ error: 'unavailable', message: `stream source is not being read: ${status.reason ?? 'unknown'}` });
  });
}
