/**
 * The I/O edges of one mode, chosen once at start: Redis (`REDIS_URL` set) or embedded
 * (in-process streams, nothing kept). Everything above this module sees only the ports.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { AlertStore } from './alerting/alert-store.js';
import { MemoryAlertStore } from './alerting/memory-alert-store.js';
import { RedisAlertStore } from './alerting/redis-alert-store.js';
import type { AccountStore } from './auth/account-store.js';
import { MemoryAccountStore } from './auth/memory-account-store.js';
import { RedisAccountStore } from './auth/redis-account-store.js';
import { DAY_MS, type AuditLog } from './audit/audit-log.js';
import { MemoryAuditLog } from './audit/memory-audit-log.js';
import { RedisAuditLog } from './audit/redis-audit-log.js';
import { MemoryStreamSource } from './ingest/memory-stream-source.js';
import { MemoryStreams } from './ingest/memory-streams.js';
import { openRedis } from './ingest/redis-connection.js';
import { RedisStreamSource } from './ingest/redis-stream-source.js';
import type { StreamSource } from './ingest/stream-source.js';
import { MemoryOverviewStore } from './overview/memory-overview-store.js';
import type { OverviewStore } from './overview/overview-store.js';
import type { MinuteStore } from './overview/minute-store.js';
import { MemoryPipelineProbe } from './pipeline/memory-pipeline-probe.js';
import type { PipelineProbe } from './pipeline/pipeline-probe.js';
import { RedisPipelineProbe } from './pipeline/redis-pipeline-probe.js';
import { RedisMinuteStore } from './overview/redis-minute-store.js';
import { RedisOverviewStore } from './overview/redis-overview-store.js';

/** The consumer group every Keywatch instance reads through. */
export const CONSUMER_GROUP = 'keywatch';

export interface Backends {
  mode: 'redis' | 'embedded';
  source: StreamSource;
  store: OverviewStore;
  minutes: MinuteStore;
  probe: PipelineProbe;
  alerts: AlertStore;
  accounts: AccountStore;
  audit: AuditLog;
  /** Embedded mode: the in-process streams the built-in simulator writes into. */
  embeddedStreams: MemoryStreams | null;
  close(): Promise<void>;
}

/** Opens the backends of the configured mode. */
export function openBackends(config: Config, log: FastifyBaseLogger): Backends {
  const common = { prefix: config.streamPrefix, group: CONSUMER_GROUP, consumer: config.instanceId };
  if (config.redisUrl === null) {
    const streams = new MemoryStreams();
    const store = new MemoryOverviewStore({ streams, ...common, historyMs: config.historyMs, dlqMaxLength: config.dlqMaxLength });
    return {
      mode: 'embedded',
      source: new MemoryStreamSource({ streams, ...common }),
      store,
      minutes: store,
      probe: new MemoryPipelineProbe(streams, config.streamPrefix, CONSUMER_GROUP),
      alerts: new MemoryAlertStore(),
      accounts: new MemoryAccountStore(),
      audit: new MemoryAuditLog({ retentionMs: config.auditRetentionDays * DAY_MS }),
      embeddedStreams: streams,
      close: async () => {},
    };
  }
  const onConnectionError = (error: Error): void => log.debug({ err: error.message }, 'redis connection error');
  const client = openRedis({ url: config.redisUrl, failFastWhileDown: true, onError: onConnectionError });
  const source = new RedisStreamSource({ url: config.redisUrl, ...common, claimIdleMs: config.claimIdleMs, onConnectionError });
  const accounts = new RedisAccountStore({ client, url: config.redisUrl, prefix: config.streamPrefix, sessionMaxMs: config.sessionMaxMs });
  return {
    mode: 'redis',
    source,
    store: new RedisOverviewStore({ client, ...common, historyMs: config.historyMs, dlqMaxLength: config.dlqMaxLength }),
    minutes: new RedisMinuteStore(client, config.streamPrefix),
    probe: new RedisPipelineProbe(client, config.streamPrefix, CONSUMER_GROUP),
    alerts: new RedisAlertStore(client, config.streamPrefix),
    accounts,
    audit: new RedisAuditLog({ client, prefix: config.streamPrefix, retentionMs: config.auditRetentionDays * DAY_MS }),
    embeddedStreams: null,
    close: async () => {
      await source.close();
      await accounts.close();
      if (client.isOpen) client.destroy();
    },
  };
}
