/**
 * Fastify plugin `keywatch-websocket`: `/ws` on the same HTTP server. The upgrade is
 * checked before it is accepted (Origin, then credentials), then the socket joins the Hub.
 * Compression is off (CPU per client) and client frames are capped at 64 KiB (1009).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode, MAX_CLIENT_FRAME_BYTES } from '../../shared/protocol.js';
import { Hub, HEARTBEAT_MS } from '../fanout/hub.js';

declare module 'fastify' {
  interface FastifyInstance {
    hub: Hub;
  }
}

async function websocketPlugin(fastify: FastifyInstance): Promise<void> {
  const { config, pipeline } = fastify;
  const hub = new Hub({
    feed: pipeline.feed,
    mode: pipeline.mode,
    tickMs: config.tickMs,
    clientBufferBytes: config.clientBufferBytes,
    status: () => pipeline.ingest.status,
    log: fastify.log,
  });
  fastify.decorate('hub', hub);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });
  const allowedOrigins = new Set(config.allowedOrigins);

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, 404, 'not_found', 'WebSocket endpoint is /ws.');
    const origin = request.headers.origin;
    // An absent Origin (non-browser clients) is allowed; a foreign one is not (cross-site WebSocket hijacking).
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return refuseUpgrade(socket, 403, 'forbidden', 'Origin not allowed: add it to KW_ALLOWED_ORIGINS.');
    }
    // Accounts come with the access issue; until then every client is the embedded admin.
    sockets.handleUpgrade(request, socket, head, (ws) => hub.accept(ws, { user: 'admin', role: 'admin' }));
  };
  fastify.server.on('upgrade', onUpgrade);

  let tickTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let ticking = false;
  const tick = async (): Promise<void> => {
    // A slow store read must not stack ticks on top of each other.
    if (ticking) return;
    ticking = true;
    try {
      await hub.tick();
    } catch (error) {
      fastify.log.debug({ err: (error as Error).message }, 'overview tick failed; retrying next tick');
    } finally {
      ticking = false;
    }
  };
  const unsubscribeStatus = pipeline.ingest.onStatus((status) => hub.broadcastStatus(status));

  fastify.addHook('onReady', async () => {
    try {
      await pipeline.feed.load();
    } catch (error) {
      // The source may be down at start: the feed fills from the change feed once it is back.
      fastify.log.warn({ err: (error as Error).message }, 'overview history not loaded yet');
    }
    tickTimer = setInterval(() => void tick(), config.tickMs);
    heartbeatTimer = setInterval(() => hub.heartbeat(), HEARTBEAT_MS);
  });
  fastify.addHook('preClose', async () => {
    clearInterval(tickTimer);
    clearInterval(heartbeatTimer);
    unsubscribeStatus();
    fastify.server.off('upgrade', onUpgrade);
    hub.closeAll(CloseCode.goingAway, 'server shutting down');
    sockets.close();
  });
}

/** Answers an upgrade request with a JSON error and closes the connection. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: code, message });
  const reason = status === 403 ? 'Forbidden' : status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export default fp(websocketPlugin, { name: 'keywatch-websocket', fastify: '5.x', dependencies: ['keywatch-pipeline'] });
