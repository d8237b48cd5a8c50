/** Builds the Fastify application (no listening here: see server.ts). */
import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import alertingPlugin from './plugins/alerting.js';
import authPlugin from './plugins/auth.js';
import notifyPlugin from './plugins/notify.js';
import alertRoutes from './routes/alerts.js';
import pipelinePlugin from './plugins/pipeline.js';
import accountRoutes from './routes/accounts.js';
import auditRoutes from './routes/audit.js';
import snapshotRoutes from './routes/snapshot.js';
import sessionRoutes from './routes/session.js';
import webStaticPlugin from './plugins/web-static.js';
import websocketPlugin from './plugins/websocket.js';
import healthRoutes from './routes/health.js';

/** HTTP bodies are small JSON documents; anything larger is refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Creates the app for `config`; call `ready()` or `listen()` to start its loops. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: options.logger ?? {
      level: process.env.KW_LOG_LEVEL ?? 'info',
      // Credentials never reach the log.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy === false ? false : config.trustProxy,
    // Bodies are refused, not repaired: no stripping of unknown properties, no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  fastify.decorate('config', config);
  fastify.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    const code = status === 413 ? 'payload_too_large' : status === 429 ? 'rate_limited' : status < 500 ? 'bad_request' : 'internal';
    if (status >= 500) fastify.log.error({ err: error.message }, 'request failed');
    return reply.code(status).send({ error: code, message: status >= 500 ? 'Internal error; see the server log.' : error.message });
  });
  fastify.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'No such route.' }));
  // Security headers and a strict Content-Security-Policy on every response: the dashboard
  // loads only its own scripts and styles, and talks only to its own origin.
  await fastify.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: config.publicOrigin.startsWith('https:'),
  });
  await fastify.register(pipelinePlugin);
  await fastify.register(authPlugin);
  await fastify.register(alertingPlugin);
  await fastify.register(notifyPlugin);
  await fastify.register(websocketPlugin);
  await fastify.register(healthRoutes);
  await fastify.register(sessionRoutes);
  await fastify.register(accountRoutes);
  await fastify.register(auditRoutes);
  await fastify.register(alertRoutes);
  await fastify.register(snapshotRoutes);
  await fastify.register(webStaticPlugin);
  return fastify;
}
