/**
 * Fastify plugin `keywatch-auth`: accounts, sessions and tokens (`fastify.auth`), the
 * audit trail (`fastify.audit`), the identity of every API request (`request.identity`,
 * from the session cookie or a bearer token), route guards by role, and the refusal of
 * mutations from a foreign Origin. In embedded mode it creates the `admin` user with a
 * new random password and prints it once.
 */
import fp from 'fastify-plugin';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Role } from '../../shared/channels.js';
import type { AuditLog } from '../audit/audit-log.js';
import { AuthService, type Identity } from '../auth/auth-service.js';
import { newPassword } from '../auth/secrets.js';

/** Name of the session cookie (HttpOnly, SameSite=Strict, Secure behind https). */
export const SESSION_COOKIE = 'kw_session';

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    audit: AuditLog;
    /** Resolves the identity behind raw request headers (used by the WebSocket upgrade too). */
    identify(headers: { cookie?: string | undefined; authorization?: string | undefined }): Promise<Identity | null>;
  }
  interface FastifyRequest {
    identity: Identity | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A preHandler that lets through only signed-in requests whose role is one of `roles`. */
export function requireRole(...roles: Role[]): preHandlerHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.identity) return reply.code(401).send({ error: 'unauthorized', message: 'Sign in first (POST /api/session) or send a bearer token.' });
    if (!roles.includes(request.identity.role)) {
      return reply.code(403).send({ error: 'forbidden', message: `This needs one of the roles: ${roles.join(', ')}.` });
    }
  };
}

/** The bearer token of an `Authorization` header, if any. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{1,512})$/.exec(header ?? '');
  return match?.[1];
}

async function authPlugin(fastify: FastifyInstance): Promise<void> {
  const { config, pipeline } = fastify;
  const { accounts, audit } = pipeline.backends;
  await fastify.register(fastifyCookie);
  const auth = new AuthService({
    store: accounts,
    audit: (record) => audit.append(record),
    sessionIdleMs: config.sessionIdleMs,
    sessionMaxMs: config.sessionMaxMs,
  });
  fastify.decorate('auth', auth);
  fastify.decorate('audit', audit);
  fastify.decorate('identify', async (headers: { cookie?: string | undefined; authorization?: string | undefined }) => {
    const cookies = headers.cookie ? fastify.parseCookie(headers.cookie) : {};
    return auth.authenticate({ sessionId: cookies[SESSION_COOKIE], bearer: bearerOf(headers.authorization) });
  });
  fastify.decorateRequest('identity', null);

  const allowedOrigins = new Set(config.allowedOrigins);
  fastify.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    // Cross-site request forgery: browsers always send Origin on mutations; scripts send none.
    if (!SAFE_METHODS.has(request.method) && origin !== undefined && !allowedOrigins.has(origin)) {
      return reply.code(403).send({ error: 'forbidden', message: 'Origin not allowed: add it to KW_ALLOWED_ORIGINS.' });
    }
    if (request.url.startsWith('/api/')) request.identity = await fastify.identify(request.headers);
  });

  if (pipeline.mode === 'embedded') {
    fastify.addHook('onReady', async () => {
      const password = newPassword();
      await auth.putUser('keywatch', 'admin', 'admin', password);
      // The one line the spec promises; printed, never logged, and different at every start.
      process.stdout.write(`keywatch: admin password: ${password}\n`);
    });
  }
}

export default fp(authPlugin, { name: 'keywatch-auth', fastify: '5.x', dependencies: ['keywatch-pipeline'] });
