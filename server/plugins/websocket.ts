/**
 * Fastify plugin `keywatch-websocket`: `/ws` on the same HTTP server. The upgrade is
 * checked before it is accepted (Origin, then credentials), then the socket joins the Hub.
 * Compression is off (CPU per client) and client frames are capped at 64 KiB (1009).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { CloseCode, MAX_CLIENT_FRAME_BYTES } from '../../shared/protocol.js';
import type { AuthEvent } from '../auth/account-store.js';
import type { Identity } from '../auth/auth-service.js';
import { AlertsChannel } from '../alerting/alerts-channel.js';
import { AuditChannel } from '../audit/audit-channel.js';
import { Hub, PROBE_ROUND_MS } from '../fanout/hub.js';
import { OverviewChannel } from '../overview/overview-channel.js';
import { PipelineChannel } from '../pipeline/pipeline-channel.js';
import { CollectorsChannel } from '../teams/collectors-channel.js';
import { TeamsChannel } from '../teams/teams-channel.js';

/**
 * A socket's error ends it. A named function, not a closure: a closure here would share
 * its scope with the upgrade's callbacks and keep the upgrade request alive as long as
 * the socket lives.
 */
function destroySocket(this: Duplex): void {
  this.destroy();
}

declare module 'fastify' {
  interface FastifyInstance {
    hub: Hub;
  }
}

async function websocketPlugin(fastify: FastifyInstance): Promise<void> {
  const { config, pipeline } = fastify;
  const watermarkMs = (): number | null => pipeline.ingest.watermarkMs;
  let clientsByRole: () => Record<string, number> = () => ({});
  const pipelineChannel = new PipelineChannel({
    store: pipeline.backends.store, probe: pipeline.backends.probe, instanceId: config.instanceId, startedAt: Date.now(),
    status: () => pipeline.ingest.status, clientsByRole: () => clientsByRole(), dataLoss: () => pipeline.epoch.loss,
    trimmedUnread: () => structuredClone(pipeline.ingest.trimmed),
  });
  pipeline.onApplied((entries) => pipelineChannel.recordApplied(entries));
  const hub = new Hub({
    feeds: {
      overview: new OverviewChannel({
        feed: pipeline.feed, kAnon: config.kAnon, latenessMs: config.latenessMs, watermarkMs,
      }),
      audit: new AuditChannel(fastify.audit),
      pipeline: pipelineChannel,
      alerts: new AlertsChannel(fastify.alerts),
      teams: new TeamsChannel({ store: pipeline.backends.minutes, kAnon: config.kAnon, latenessMs: config.latenessMs, watermarkMs }),
      collectors: new CollectorsChannel({
        store: pipeline.backends.minutes, audit: fastify.audit, latenessMs: config.latenessMs, watermarkMs,
        onAuditError: (error) => fastify.log.warn({ err: error.message }, 'audit append failed'),
      }),
    },
    mode: pipeline.mode,
    tickMs: config.tickMs,
    clientBufferBytes: config.clientBufferBytes,
    clientLagMs: config.clientLagMs,
    status: () => pipeline.ingest.status,
    log: fastify.log,
  });
  fastify.decorate('hub', hub);
  const unsubscribeAlerts = fastify.alerts.onEvents((events) => {
    for (const event of events) hub.publish('alerts', { type: 'alert', id: event.id, alert: event.alert });
  });
  clientsByRole = () => hub.clientsByRole();
  // clientTracking off: the hub keeps the clients (ws's own Set would hold each socket a second time, with a close listener each).
  // Sockets of the hub's class hand it their events directly (see fanout/hub-socket.ts).
  const sockets = new WebSocketServer({
    noServer: true, clientTracking: false, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false, WebSocket: hub.socketClass(WebSocket),
  });
  const allowedOrigins = new Set(config.allowedOrigins);

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, 404, 'not_found', 'WebSocket endpoint is /ws.');
    const origin = request.headers.origin;
    // An absent Origin (non-browser clients) is allowed; a foreign one is not (cross-site WebSocket hijacking).
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return refuseUpgrade(socket, 403, 'forbidden', 'Origin not allowed: add it to KW_ALLOWED_ORIGINS.');
    }
    socket.on('error', destroySocket);
    fastify.identify({ cookie: request.headers.cookie, authorization: request.headers.authorization }).then(
      (identity) => {
        if (!identity) return refuseUpgrade(socket, 401, 'unauthorized', 'Sign in first (POST /api/session) or send a bearer token.');
        sockets.handleUpgrade(request, socket, head, (ws) => {
          // ws handles the socket's errors from here on; a second listener would be kept per connection.
          socket.off('error', destroySocket);
          hub.accept(ws, identity);
        });
      },
      () => refuseUpgrade(socket, 503, 'unavailable', 'Accounts are unreachable; try again shortly.'),
    );
  };
  fastify.server.on('upgrade', onUpgrade);

  let tickTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  // A channel whose previous tick still runs skips this one (the Hub guards each channel).
  const tick = (): Promise<void> =>
    hub.tick().catch((error: Error) => fastify.log.debug({ err: error.message }, 'tick failed; retrying next tick'));
  const unsubscribeStatus = pipeline.ingest.onStatus((status) => hub.broadcastStatus(status));
  // Sessions and tokens were kept in the source that lost its data: no open socket's credentials hold any more.
  const unsubscribeLoss = pipeline.epoch.onLoss(() => hub.closeWhere(() => true, CloseCode.policy, 'credentials lost with the server data; sign in again'));
  // Credentials that end anywhere (any instance) close their sockets here with 1008.
  let unsubscribeAuth: () => void = () => {};
  const onAuthEvent = (event: AuthEvent): void => {
    const ended = (identity: Identity): boolean =>
      (event.kind === 'session_ended' && identity.credential.kind === 'session' && identity.credential.key === event.key) ||
      (event.kind === 'user_changed' && identity.credential.kind === 'session' && identity.user === event.user) ||
      (event.kind === 'token_revoked' && identity.credential.kind === 'token' && identity.credential.name === event.name);
    hub.closeWhere(ended, CloseCode.policy, 'signed out or credentials changed');
  };
  /** Re-checks open sessions and tokens: an expired one, or one ended where no event reached us, closes with 1008. */
  const revalidate = async (): Promise<void> => {
    const now = Date.now();
    const identities = new Set(hub.identities());
    const sessionKeys = new Set<string>();
    let tokenNames: Set<string> | null = null;
    for (const identity of identities) {
      if (identity.credential.kind === 'session') sessionKeys.add(identity.credential.key);
      else tokenNames ??= new Set((await fastify.auth.store.listTokens()).filter((token) => token.expiresAt === null || token.expiresAt > now).map((token) => token.name));
    }
    // One touch per session (it also renews the idle time: an open dashboard is activity).
    const liveSessions = new Set<string>();
    for (const key of sessionKeys) if ((await fastify.auth.store.touchSession(key, config.sessionIdleMs)) !== null) liveSessions.add(key);
    hub.closeWhere((identity) => {
      const { credential } = identity;
      // Sockets that connected while this check ran were authenticated just now.
      if (!identities.has(identity)) return false;
      return credential.kind === 'session'
        ? credential.expiresAt <= now || !liveSessions.has(credential.key)
        : !(tokenNames?.has(credential.name) ?? true);
    }, CloseCode.policy, 'session expired or revoked');
  };
  fastify.addHook('onReady', async () => {
    try {
      await pipeline.feed.load();
    } catch (error) {
      // The source may be down at start: the feed fills from the change feed once it is back.
      fastify.log.warn({ err: (error as Error).message }, 'overview history not loaded yet');
    }
    unsubscribeAuth = await fastify.auth.store.subscribe(onAuthEvent);
    tickTimer = setInterval(() => void tick(), config.tickMs);
    probeTimer = setInterval(() => hub.probe(), PROBE_ROUND_MS);
    heartbeatTimer = setInterval(() => {
      hub.heartbeat();
      revalidate().catch((error: Error) => fastify.log.debug({ err: error.message }, 'session re-check failed; next heartbeat'));
    }, config.heartbeatMs);
  });
  fastify.addHook('preClose', async () => {
    clearInterval(tickTimer);
    clearInterval(heartbeatTimer);
    clearInterval(probeTimer);
    unsubscribeStatus();
    unsubscribeLoss();
    unsubscribeAuth();
    unsubscribeAlerts();
    fastify.server.off('upgrade', onUpgrade);
    hub.closeAll(CloseCode.goingAway, 'server shutting down');
    sockets.close();
  });
}

/** Answers an upgrade request with a JSON error and closes the connection. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: code, message });
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export default fp(websocketPlugin, { name: 'keywatch-websocket', fastify: '5.x', dependencies: ['keywatch-pipeline', 'keywatch-auth', 'keywatch-alerting'] });
