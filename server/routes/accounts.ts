/** Admin routes for users and API tokens (`/api/users`, `/api/tokens`). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ROLES, type Role } from '../../shared/channels.js';
import { AccountError } from '../auth/auth-service.js';
import { requireRole } from '../plugins/auth.js';

const RoleSchema = Type.Union(ROLES.map((role) => Type.Literal(role)));
const NameParams = Type.Object({ name: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
const UserBody = Type.Object(
  { name: Type.String({ maxLength: 64 }), role: RoleSchema, password: Type.Optional(Type.String({ maxLength: 256 })) },
  { additionalProperties: false },
);
const RoleBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
const TokenBody = Type.Object(
  { name: Type.String({ maxLength: 64 }), role: RoleSchema, ttlDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);

function accountError(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof AccountError)) throw error;
  const code = error.status === 404 ? 'not_found' : error.status === 409 ? 'conflict' : 'bad_request';
  return reply.code(error.status).send({ error: code, message: error.message });
}

export default async function accountRoutes(fastify: FastifyInstance): Promise<void> {
  const adminOnly = { preHandler: requireRole('admin') };
  const auth = fastify.auth;

  fastify.get('/api/users', adminOnly, async () => ({
    users: (await auth.store.listUsers()).map((user) => ({ name: user.name, role: user.role, createdAt: user.createdAt })),
  }));

  fastify.post<{ Body: { name: string; role: Role; password?: string } }>('/api/users', { ...adminOnly, schema: { body: UserBody } }, async (request, reply) => {
    try {
      const { created, password } = await auth.putUser(request.identity!.user, request.body.name, request.body.role, request.body.password);
      return reply.code(created ? 201 : 200).send({ name: request.body.name, role: request.body.role, password });
    } catch (error) {
      return accountError(reply, error);
    }
  });

  fastify.put<{ Params: { name: string }; Body: { role: Role } }>('/api/users/:name/role', { ...adminOnly, schema: { params: NameParams, body: RoleBody } }, async (request, reply) => {
    try {
      await auth.setRole(request.identity!.user, request.params.name, request.body.role);
      return { name: request.params.name, role: request.body.role };
    } catch (error) {
      return accountError(reply, error);
    }
  });

  fastify.delete<{ Params: { name: string } }>('/api/users/:name', { ...adminOnly, schema: { params: NameParams } }, async (request, reply) => {
    try {
      await auth.removeUser(request.identity!.user, request.params.name);
      return reply.code(204).send();
    } catch (error) {
      return accountError(reply, error);
    }
  });

  fastify.get('/api/tokens', adminOnly, async () => ({
    tokens: (await auth.store.listTokens()).map((token) => ({ name: token.name, role: token.role, createdAt: token.createdAt, expiresAt: token.expiresAt })),
  }));

  fastify.post<{ Body: { name: string; role: Role; ttlDays?: number } }>('/api/tokens', { ...adminOnly, schema: { body: TokenBody } }, async (request, reply) => {
    try {
      const { token, expiresAt } = await auth.createToken(request.identity!.user, request.body.name, request.body.role, request.body.ttlDays ?? null);
      return reply.code(201).send({ name: request.body.name, role: request.body.role, token, expiresAt });
    } catch (error) {
      return accountError(reply, error);
    }
  });

  fastify.delete<{ Params: { name: string } }>('/api/tokens/:name', { ...adminOnly, schema: { params: NameParams } }, async (request, reply) => {
    try {
      await auth.revokeToken(request.identity!.user, request.params.name);
      return reply.code(204).send();
    } catch (error) {
      return accountError(reply, error);
    }
  });
}
