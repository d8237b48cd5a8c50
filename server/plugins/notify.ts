/**
 * Fastify plugin `keywatch-notify`: alert notifications to the receivers that are
 * configured (`KW_WEBHOOK_URL`, `KW_ALERTMANAGER_URL`). It hears every saved alert
 * transition from the AlertCenter, hands it to each notifier (which queue and return at
 * once: a receiver that is down holds up nothing), re-sends open alerts and the
 * `watchdog` to Alertmanager on a timer, counts outcomes in `/metrics`, and serves
 * `POST /api/notifications/test` (admin). Everything stops on `onClose`.
 */
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import { AlertmanagerNotifier } from '../notify/alertmanager-notifier.js';
import type { DeliveryOutcome } from '../notify/delivery-queue.js';
import { NOTIFY_TARGETS, type AlertNotifier, type NotifyTarget } from '../notify/notifier.js';
import { WebhookNotifier } from '../notify/webhook-notifier.js';
import { requireRole } from './auth.js';

const TestRequest = Type.Object(
  { target: Type.Optional(Type.Union(NOTIFY_TARGETS.map((target) => Type.Literal(target)))) },
  { additionalProperties: false },
);

async function notifyPlugin(fastify: FastifyInstance): Promise<void> {
  const { config } = fastify;
  const settings = config.notify;
  const log = fastify.log.child({ module: 'notify' });
  const outcomes = new Counter({
    name: 'keywatch_notifications_total',
    help: 'Alert notifications by receiver and outcome: delivered, failed (given up after its attempts or refused), dropped (queue full).',
    labelNames: ['target', 'outcome'] as const,
    registers: [fastify.metrics.registry],
  });
  const notifiers: AlertNotifier[] = [];
  const countFor = (target: NotifyTarget) => (outcome: DeliveryOutcome) => outcomes.inc({ target, outcome });
  const common = { timeoutMs: settings.timeoutMs, maxAttempts: settings.maxAttempts, instance: config.instanceId, publicOrigin: config.publicOrigin };
  if (settings.webhook) {
    notifiers.push(new WebhookNotifier({ ...common, settings: settings.webhook, log, onOutcome: countFor('webhook') }));
  }
  const alertmanager = settings.alertmanager
    ? new AlertmanagerNotifier({ ...common, settings: settings.alertmanager, log, onOutcome: countFor('alertmanager') })
    : null;
  if (alertmanager) notifiers.push(alertmanager);
  new Gauge({
    name: 'keywatch_notification_queue_length',
    help: 'Alert notifications waiting to be sent, by receiver.',
    labelNames: ['target'] as const,
    registers: [fastify.metrics.registry],
    collect() {
      this.reset();
      for (const notifier of notifiers) this.set({ target: notifier.target }, notifier.queued);
    },
  });

  const unsubscribe = fastify.alerts.onEvents((events) => {
    for (const notifier of notifiers) notifier.notify(events);
  });
  let resendTimer: NodeJS.Timeout | undefined;
  fastify.addHook('onReady', async () => {
    for (const notifier of notifiers) log.info({ target: notifier.target }, 'alert notifications on');
    if (!alertmanager || !settings.alertmanager) return;
    // The watchdog goes out at once; open alerts follow on every period (the alert state loads in the background).
    alertmanager.resend(fastify.alerts.openAlerts());
    resendTimer = setInterval(() => alertmanager.resend(fastify.alerts.openAlerts()), settings.alertmanager.resendMs);
  });
  fastify.addHook('onClose', async () => {
    unsubscribe();
    clearInterval(resendTimer);
    await Promise.all(notifiers.map((notifier) => notifier.stop()));
  });

  fastify.post<{ Body: { target?: NotifyTarget } | undefined }>(
    '/api/notifications/test',
    {
      // Before validation, so that a caller who may not use the route learns that first; an empty body means {}.
      preValidation: [requireRole('admin'), async (request) => {
        request.body ??= {};
      }],
      schema: { body: TestRequest },
    },
    async (request, reply) => {
      const target = request.body?.target;
      const chosen = notifiers.filter((notifier) => target === undefined || notifier.target === target);
      if (chosen.length === 0) {
        const what = target === undefined ? 'No notification receiver is configured' : `The ${target} receiver is not configured`;
        return reply.code(409).send({
          error: 'conflict', message: `${what}: set KW_WEBHOOK_URL or KW_ALERTMANAGER_URL and restart Keywatch.`,
        });
      }
      const results = await Promise.all(chosen.map((notifier) => notifier.sendTest(request.identity!.user)));
      for (const result of results) {
        log.info({ target: result.target, receiver: result.receiver, delivered: result.delivered, status: result.status, reason: result.error, by: request.identity!.user }, 'test notification sent');
      }
      return { results };
    },
  );
}

export default fp(notifyPlugin, { name: 'keywatch-notify', fastify: '5.x', dependencies: ['keywatch-pipeline', 'keywatch-auth', 'keywatch-alerting'] });
