/** Alert triage over HTTP: list, ack, resolve, and silences (security, on-call, admin). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ALERT_SEVERITIES, ALERT_STATES, SilenceMatchers, SilenceRequest, type Alert } from '../../shared/alerts.js';
import { AlertError } from '../alerts/alert-error.js';
import { requireRole } from '../plugins/auth.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const NoteBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(ALERT_STATES.map((state) => Type.Literal(state)))),
    severity: Type.Optional(Type.Union(ALERT_SEVERITIES.map((severity) => Type.Literal(severity)))),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    before: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
const PreviewBody = Type.Object({ matchers: SilenceMatchers }, { additionalProperties: false });

/** A page cursor: the last alert's lastSeen and id (newest first). */
function cursorOf(alert: Alert): string {
  return `${alert.lastSeen}:${alert.id}`;
}

function olderThan(cursor: string): (alert: Alert) => boolean {
  const [lastSeen = '0', id = ''] = cursor.split(':');
  return (alert) => alert.lastSeen < Number(lastSeen) || (alert.lastSeen === Number(lastSeen) && alert.id < id);
}

function alertError(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof AlertError)) throw error;
  return reply.code(error.status).send({ error: error.code, message: error.message });
}

export default async function alertRoutes(fastify: FastifyInstance): Promise<void> {
  const guard = { preHandler: requireRole('security', 'oncall', 'admin') };
  const center = fastify.alerts;

  fastify.get<{ Querystring: { state?: string; severity?: string; limit?: string; before?: string } }>(
    '/api/alerts', { ...guard, schema: { querystring: ListQuery } }, async (request, reply) => {
      const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
      if (limit < 1 || limit > 1000) return reply.code(400).send({ error: 'bad_request', message: 'limit is 1 to 1000.' });
      const { state, severity, before } = request.query;
      const matching = center.alerts()
        .filter((alert) => (state === undefined || alert.state === state) && (severity === undefined || alert.severity === severity))
        .filter(before === undefined ? () => true : olderThan(before))
        .sort((a, b) => b.lastSeen - a.lastSeen || (a.id < b.id ? 1 : -1));
      const page = matching.slice(0, limit);
      return { alerts: page, next: matching.length > limit ? cursorOf(page.at(-1)!) : null };
    },
  );

  for (const action of ['ack', 'resolve'] as const) {
    fastify.post<{ Params: { id: string }; Body: { note?: string } }>(
      `/api/alerts/:id/${action}`, { ...guard, schema: { params: IdParams, body: NoteBody } }, async (request, reply) => {
        try {
          const by = request.identity!.user;
          const note = request.body?.note ?? '';
          return action === 'ack' ? await center.acknowledge(request.params.id, by, note) : await center.resolve(request.params.id, by, note);
        } catch (error) {
          return alertError(reply, error);
        }
      },
    );
  }

  fastify.get('/api/silences', guard, async () => ({ silences: center.silences() }));

  fastify.post<{ Body: { matchers: Record<string, string>; durationMs: number; comment: string } }>(
    '/api/silences', { ...guard, schema: { body: SilenceRequest } }, async (request, reply) => {
      try {
        const { matchers, durationMs, comment } = request.body;
        return reply.code(201).send(await center.addSilence(request.identity!.user, matchers, durationMs, comment));
      } catch (error) {
        return alertError(reply, error);
      }
    },
  );

  fastify.post<{ Body: { matchers: Record<string, string> } }>('/api/silences/preview', { ...guard, schema: { body: PreviewBody } }, async (request, reply) => {
    try {
      return { alerts: center.previewSilence(request.body.matchers) };
    } catch (error) {
      return alertError(reply, error);
    }
  });

  fastify.delete<{ Params: { id: string } }>('/api/silences/:id', { ...guard, schema: { params: IdParams } }, async (request, reply) => {
    try {
      await center.removeSilence(request.identity!.user, request.params.id);
      return reply.code(204).send();
    } catch (error) {
      return alertError(reply, error);
    }
  });
}
