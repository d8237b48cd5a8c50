import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertEvent, AlertTransition } from '../../shared/alerts.js';
import { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { AlertmanagerNotifier, toAlertmanagerAlert, type AlertmanagerAlert } from './alertmanager-notifier.js';
import { endpointVar } from './notify-settings.js';

const quiet = { info: () => {}, warn: () => {}, debug: () => {} };
const ORIGIN = 'https://keywatch.example';
const T0 = Date.UTC(2025, 2, 3, 10, 0, 0);

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a-1', rule: 'consent_revoked_collection', severity: 'critical', state: 'firing', summary: 'team eng collects under revoked consent',
    labels: { team: 'eng', collector: 'c-7' }, firstSeen: T0, lastSeen: T0, count: 1, ack: null, resolved: null, silenced: false,
    ...overrides,
  };
}

function event(transition: AlertTransition, overrides: Partial<Alert> = {}): AlertEvent {
  return { id: '1-0', at: T0, transition, alert: alert(overrides) };
}

describe('toAlertmanagerAlert', () => {
  it('names the rule alertname, keeps severity and labels, and stays valid for a while when firing', () => {
    expect(toAlertmanagerAlert(alert(), T0 + 5000, 240_000, ORIGIN)).toEqual({
      labels: { alertname: 'consent_revoked_collection', severity: 'critical', team: 'eng', collector: 'c-7' },
      annotations: { summary: 'team eng collects under revoked consent', keywatch_id: 'a-1', keywatch_state: 'firing' },
      startsAt: new Date(T0).toISOString(),
      endsAt: new Date(T0 + 5000 + 240_000).toISOString(),
      generatorURL: `${ORIGIN}/#/alerts?state=all&q=consent_revoked_collection`,
    });
  });

  it('ends a resolved alert at its resolve time and a silenced one now', () => {
    const resolved = alert({ state: 'resolved', resolved: { by: 'alice', at: T0 + 60_000, note: '' } });
    expect(toAlertmanagerAlert(resolved, T0 + 90_000, 240_000, ORIGIN)).toMatchObject({
      endsAt: new Date(T0 + 60_000).toISOString(), annotations: { keywatch_state: 'resolved' },
    });
    expect(toAlertmanagerAlert(alert({ silenced: true }), T0 + 90_000, 240_000, ORIGIN)).toMatchObject({
      endsAt: new Date(T0 + 90_000).toISOString(), annotations: { keywatch_state: 'silenced' },
    });
    expect(toAlertmanagerAlert(alert({ state: 'acknowledged' }), T0, 1000, ORIGIN).annotations.keywatch_state).toBe('acknowledged');
  });
});

describe('AlertmanagerNotifier', () => {
  let receiver: WebhookReceiver | undefined;
  let notifier: AlertmanagerNotifier | undefined;

  afterEach(async () => {
    await notifier?.stop();
    await receiver?.stop();
  });

  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function start(): Promise<{ receiver: WebhookReceiver; notifier: AlertmanagerNotifier }> {
    receiver = await WebhookReceiver.start('ok');
    notifier = new AlertmanagerNotifier({
      settings: { endpoint: endpointVar('KW_ALERTMANAGER_URL', receiver.url), resendMs: 60_000 }, timeoutMs: 1000, maxAttempts: 2,
      instance: 'kw-1', publicOrigin: ORIGIN, log: quiet,
    });
    return { receiver, notifier };
  }

  it('sends the latest state of each alert a batch changed, but not mere repeats', async () => {
    const { receiver, notifier } = await start();
    notifier.notify([event('repeated', { count: 3 })]);
    notifier.notify([event('opened'), event('acknowledged', { state: 'acknowledged' }), event('opened', { id: 'a-2', labels: { team: 'ops', collector: 'c-9' } })]);
    await until(() => receiver.requests.length === 1);
    const [posted] = receiver.payloads<AlertmanagerAlert[]>();
    expect(posted!.map((each) => [each.annotations.keywatch_id, each.annotations.keywatch_state])).toEqual([['a-1', 'acknowledged'], ['a-2', 'firing']]);
    expect(new Date(posted![0]!.endsAt!).getTime()).toBeGreaterThan(Date.now() + 200_000);
  });

  it('re-sends open alerts that no silence covers, with the watchdog', async () => {
    const { receiver, notifier } = await start();
    notifier.resend([alert(), alert({ id: 'a-2', silenced: true, labels: { team: 'ops', collector: 'c-9' } })]);
    await until(() => receiver.requests.length === 1);
    const [posted] = receiver.payloads<AlertmanagerAlert[]>();
    expect(posted!.map((each) => each.labels.alertname)).toEqual(['consent_revoked_collection', 'watchdog']);
    expect(posted![1]).toMatchObject({ labels: { alertname: 'watchdog', severity: 'info', instance: 'kw-1' }, generatorURL: `${ORIGIN}/` });
    expect(new Date(posted![1]!.endsAt!).getTime()).toBeGreaterThan(Date.now() + 200_000);
  });

  it('sends a test alert that ends by itself', async () => {
    const { receiver, notifier } = await start();
    const result = await notifier.sendTest('alice');
    expect(result).toMatchObject({ target: 'alertmanager', delivered: true });
    const [[posted]] = receiver.payloads<AlertmanagerAlert[]>() as [[AlertmanagerAlert]];
    expect(posted.labels).toEqual({ alertname: 'keywatch_test', severity: 'info', instance: 'kw-1' });
    expect(posted.annotations.keywatch_id).toBe(result.alertId);
    expect(new Date(posted.endsAt!).getTime() - new Date(posted.startsAt).getTime()).toBe(5 * 60_000);
  });
});
