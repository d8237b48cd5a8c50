/** `GET /api/snapshot?channel=C`: the same data as the channel's WebSocket snapshot, by the same role rules. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CHANNELS, channelsFor, type ChannelName } from '../../shared/channels.js';

const SnapshotQuery = Type.Object({ channel: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

export default async function snapshotRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Querystring: { channel: string } }>('/api/snapshot', { schema: { querystring: SnapshotQuery } }, async (request, reply) => {
    const identity = request.identity;
    if (!identity) return reply.code(401).send({ error: 'unauthorized', message: 'Sign in first (POST /api/session) or send a bearer token.' });
    const channel = request.query.channel;
    if (!(CHANNELS as readonly string[]).includes(channel)) return reply.code(404).send({ error: 'not_found', message: 'No such channel.' });
    if (!channelsFor(identity.role).includes(channel as ChannelName)) {
      return reply.code(403).send({ error: 'forbidden', message: `Your role may not read ${channel}.` });
    }
    try {
      const frame = await fastify.hub.snapshotFrame(channel as ChannelName, identity.role);
      // The cached WebSocket snapshot frame, re-read as data: one encoding for both ways in.
      return reply.type('application/json').send((JSON.parse(frame.text) as { data: unknown }).data);
    } catch {
      return reply.code(404).send({ error: 'not_found', message: `The ${channel} channel is not served by this version yet.` });
    }
  });
}
