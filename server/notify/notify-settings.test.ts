import { describe, expect, it } from 'vitest';
import { notifySettingsFromEnv } from './notify-settings.js';

describe('notifySettingsFromEnv', () => {
  it('notifies nowhere by default', () => {
    expect(notifySettingsFromEnv({})).toEqual({ webhook: null, alertmanager: null, timeoutMs: 5000, maxAttempts: 8 });
  });

  it('reads the webhook, its secret and Alertmanager with a path prefix', () => {
    const settings = notifySettingsFromEnv({
      KW_WEBHOOK_URL: 'https://hooks.example/services/T0/B0/token123',
      KW_WEBHOOK_SECRET: 'a-secret-of-enough-length',
      KW_ALERTMANAGER_URL: 'http://am.example:9093/alertmanager/',
      KW_ALERTMANAGER_RESEND_MS: '30000',
    });
    expect(settings.webhook).toEqual({
      endpoint: { url: 'https://hooks.example/services/T0/B0/token123', authorization: null, display: 'https://hooks.example' },
      secret: 'a-secret-of-enough-length',
    });
    expect(settings.alertmanager).toEqual({
      endpoint: { url: 'http://am.example:9093/alertmanager/api/v2/alerts', authorization: null, display: 'http://am.example:9093' },
      resendMs: 30_000,
    });
  });

  it('moves credentials of a URL into a Basic Authorization header', () => {
    const { alertmanager } = notifySettingsFromEnv({ KW_ALERTMANAGER_URL: 'https://kw:p%40ss@am.example' });
    expect(alertmanager?.endpoint).toEqual({
      url: 'https://am.example/api/v2/alerts', authorization: `Basic ${Buffer.from('kw:p@ss').toString('base64')}`, display: 'https://am.example',
    });
  });

  it.each([
    ['KW_WEBHOOK_URL', { KW_WEBHOOK_URL: 'hooks.example/keywatch' }],
    ['KW_WEBHOOK_URL', { KW_WEBHOOK_URL: 'ftp://hooks.example/' }],
    ['KW_WEBHOOK_SECRET', { KW_WEBHOOK_URL: 'https://hooks.example/', KW_WEBHOOK_SECRET: 'short' }],
    ['KW_WEBHOOK_SECRET', { KW_WEBHOOK_SECRET: 'a-secret-of-enough-length' }],
    ['KW_ALERTMANAGER_URL', { KW_ALERTMANAGER_URL: 'http://am.example:9093/?x=1' }],
    ['KW_ALERTMANAGER_RESEND_MS', { KW_ALERTMANAGER_RESEND_MS: 'often' }],
    ['KW_ALERTMANAGER_RESEND_MS', { KW_ALERTMANAGER_RESEND_MS: '100' }],
    ['KW_NOTIFY_TIMEOUT_MS', { KW_NOTIFY_TIMEOUT_MS: '0' }],
    ['KW_NOTIFY_MAX_ATTEMPTS', { KW_NOTIFY_MAX_ATTEMPTS: '50' }],
  ])('stops on a bad %s with a message naming it', (name, env) => {
    expect(() => notifySettingsFromEnv(env)).toThrow(new RegExp(`^${name} `));
  });

  it('never repeats a secret or a password in its message', () => {
    const secret = 'short-secret';
    expect(() => notifySettingsFromEnv({ KW_WEBHOOK_URL: 'https://hooks.example/', KW_WEBHOOK_SECRET: secret })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
    expect(() => notifySettingsFromEnv({ KW_WEBHOOK_URL: 'gopher://user:hunter2@hooks.example/' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
