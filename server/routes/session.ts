/** `POST /api/session` (sign in), `DELETE /api/session` (sign out), `GET /api/me`. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../plugins/auth.js';

const SignInBody = Type.Object(
  { user: Type.String({ minLength: 1, maxLength: 128 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export default async function sessionRoutes(fastify: FastifyInstance): Promise<void> {
  const secure = fastify.config.publicOrigin.startsWith('https:');

  fastify.post<{ Body: { user: string; password: string } }>('/api/session', { schema: { body: SignInBody } }, async (request, reply) => {
    const result = await fastify.auth.signIn(request.body.user, request.body.password, request.ip);
    if (!result.ok && result.reason === 'rate_limited') {
      reply.header('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
      return reply.code(429).send({ error: 'rate_limited', message: 'Too many sign-in attempts; wait and try again.' });
    }
    if (!result.ok) return reply.code(401).send({ error: 'unauthorized', message: 'Unknown user or wrong password.' });
    reply.setCookie(SESSION_COOKIE, result.sessionId, {
      path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: Math.floor(fastify.config.sessionMaxMs / 1000),
    });
    return reply.code(204).send();
  });

  fastify.delete('/api/session', async (request, reply) => {
    if (!request.identity) return reply.code(401).send({ error: 'unauthorized', message: 'Not signed in.' });
    await fastify.auth.signOut(request.identity);
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure });
    return reply.code(204).send();
  });

  fastify.get('/api/me', async (request, reply) => {
    if (!request.identity) return reply.code(401).send({ error: 'unauthorized', message: 'Not signed in.' });
    return { user: request.identity.user, role: request.identity.role };
  });
}
