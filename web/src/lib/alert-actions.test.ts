import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts.js';
import { acknowledgeAlert, deleteSilence, listSilences, readAlertAnswer, resolveAlert } from './alert-actions.js';
import type { FetchLike } from './api.js';

const alert: Alert = {
  id: 'a/1', rule: 'bulk_export', severity: 'high', state: 'acknowledged', summary: '', labels: {}, firstSeen: 0, lastSeen: 0, count: 1,
  ack: { by: 'ana', at: 1, note: 'mine' }, resolved: null, silenced: false,
};

function answering(response: () => Response, seen: { path?: string; init?: RequestInit }[] = []): FetchLike {
  return async (path, init) => {
    seen.push({ path, init });
    return response();
  };
}

describe('alert actions', () => {
  it('acknowledges with a note and reads the alert back', async () => {
    const seen: { path?: string; init?: RequestInit }[] = [];
    const result = await acknowledgeAlert('a/1', 'mine', answering(() => Response.json(alert), seen));
    expect(result).toEqual({ ok: true, value: alert });
    expect(seen[0]?.path).toBe('/api/alerts/a%2F1/ack');
    expect(seen[0]?.init?.body).toBe('{"note":"mine"}');
    expect(readAlertAnswer({ alert })).toEqual(alert);
  });

  it('says "already resolved" for a 409', async () => {
    const conflict = () => Response.json({ error: 'conflict', message: 'alert a/1 is resolved' }, { status: 409 });
    for (const call of [acknowledgeAlert, resolveAlert]) {
      const result = await call('a/1', '', answering(conflict));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.text).toBe('This alert is already resolved.');
    }
  });

  it('reads silences as a list or wrapped, and says when a server does not offer them', async () => {
    const silence = { id: 's1', matchers: { rule: 'x' }, comment: 'why', createdBy: 'ana', createdAt: 0, endsAt: 1 };
    expect(await listSilences(answering(() => Response.json([silence])))).toEqual({ ok: true, value: [silence] });
    expect(await listSilences(answering(() => Response.json({ silences: [silence] })))).toEqual({ ok: true, value: [silence] });
    const missing = await listSilences(answering(() => Response.json({ error: 'not_found', message: 'Route GET:/api/silences not found' }, { status: 404 })));
    expect(missing.ok ? '' : missing.text).toBe('Could not list silences: this server does not offer it yet.');
    const gone = await deleteSilence('s1', answering(() => Response.json({ error: 'not_found', message: 'no' }, { status: 404 })));
    expect(gone.ok ? '' : gone.text).toContain('gone already');
  });
});
