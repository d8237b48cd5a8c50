/** `GET /api/audit` (a page, newest first) and `GET /api/audit/export` (CSV) — security and admin. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditEntryView } from '../../shared/audit.js';
import { AuditError, type AuditEntry } from '../audit/audit-log.js';
import { requireRole } from '../plugins/auth.js';

// Query values arrive as strings (no type coercion anywhere): checked here by pattern.
const AuditQuery = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}-[0-9]{1,15}$' })) },
  { additionalProperties: false },
);

/** The wire view of an entry: what, who, when — not the chain's hashes. */
export function auditEntryView(entry: AuditEntry): AuditEntryView {
  return { at: entry.at, user: entry.user, action: entry.action, target: entry.target };
}

export default async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const guard = { preHandler: requireRole('security', 'admin') };

  fastify.get<{ Querystring: { limit?: string; before?: string } }>('/api/audit', { ...guard, schema: { querystring: AuditQuery } }, async (request, reply) => {
    const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
    if (limit < 1 || limit > 1000) return reply.code(400).send({ error: 'bad_request', message: 'limit is 1 to 1000.' });
    try {
      const page = await fastify.audit.list({ limit, before: request.query.before ?? null });
      return { entries: page.entries.map(auditEntryView), next: page.next };
    } catch (error) {
      if (error instanceof AuditError) return reply.code(400).send({ error: 'bad_request', message: error.message });
      throw error;
    }
  });

  fastify.get('/api/audit/export', guard, async (_request, reply) => {
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="keywatch-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    const lines: string[] = [];
    for await (const line of fastify.audit.exportCsv()) lines.push(line);
    return reply.send(lines.join(''));
  });
}
