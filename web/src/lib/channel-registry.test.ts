import { describe, expect, it } from 'vitest';
import type { TeamsData } from '../../../shared/teams.js';
import { ChannelRegistry, type AlertsListener, type ChannelListener, type ChannelRefusal } from './channel-registry.js';
import type { AlertMessage } from '../../../shared/protocol.js';

function recorder<D>() {
  const seen: string[] = [];
  const listener: ChannelListener<D> = {
    snapshot: () => seen.push('snapshot'),
    update: () => seen.push('update'),
    refused: (refusal: ChannelRefusal) => seen.push(`refused:${refusal.code}`),
  };
  return { seen, listener };
}

const TEAMS: TeamsData = { windowStart: 0, windowMs: 60_000, teams: [], history: [] };

describe('ChannelRegistry', () => {
  it('asks for a subscribe with the first listener and an unsubscribe with the last', () => {
    const registry = new ChannelRegistry();
    const a = recorder<TeamsData>();
    const b = recorder<TeamsData>();
    expect(registry.add('teams', a.listener)).toBe(true);
    expect(registry.add('teams', b.listener)).toBe(false);
    expect(registry.remove('teams', a.listener)).toBe(false);
    expect(registry.remove('teams', a.listener)).toBe(false);
    expect(registry.remove('teams', b.listener)).toBe(true);
    expect(registry.channels()).toEqual([]);
  });

  it('lists channels in protocol order for a fresh socket', () => {
    const registry = new ChannelRegistry();
    registry.add('audit', recorder<never>().listener);
    registry.add('overview', recorder<never>().listener);
    registry.add('teams', recorder<TeamsData>().listener);
    expect(registry.channels()).toEqual(['overview', 'teams', 'audit']);
  });

  it('routes data and refusals to the listeners of that channel only', () => {
    const registry = new ChannelRegistry();
    const teams = recorder<TeamsData>();
    const audit = recorder<never>();
    registry.add('teams', teams.listener);
    registry.add('audit', audit.listener);
    expect(registry.snapshot('teams', TEAMS)).toBe(true);
    expect(registry.update('teams', TEAMS)).toBe(true);
    expect(registry.refuse('audit', { code: 'unknown_channel', message: 'not yet' })).toBe(true);
    expect(registry.snapshot('collectors', {})).toBe(false);
    expect(teams.seen).toEqual(['snapshot', 'update']);
    expect(audit.seen).toEqual(['refused:unknown_channel']);
  });

  it('hands alert events to the alerts listeners and resumes from their last event id', () => {
    const registry = new ChannelRegistry();
    const events: string[] = [];
    let point: string | null = null;
    const alerts: AlertsListener = {
      snapshot: () => {},
      update: () => {},
      alert: (message: AlertMessage) => {
        events.push(message.id);
        point = message.id;
      },
      resumePoint: () => point,
    };
    expect(registry.alert({ type: 'alert', id: '1-0', alert: {} as AlertMessage['alert'] })).toBe(false);
    registry.add('alerts', alerts);
    registry.add('teams', recorder<TeamsData>().listener);
    expect(registry.resumePoints(['alerts', 'teams'])).toEqual({});
    registry.alert({ type: 'alert', id: '2-0', alert: {} as AlertMessage['alert'] });
    expect(events).toEqual(['2-0']);
    expect(registry.resumePoints(['alerts', 'teams'])).toEqual({ alerts: '2-0' });
    // A second listener without that point needs the full snapshot: no resume then.
    const fresh: AlertsListener = { ...alerts, alert: () => {}, resumePoint: () => null };
    registry.add('alerts', fresh);
    expect(registry.resumePoints(['alerts'])).toEqual({});
  });
});
