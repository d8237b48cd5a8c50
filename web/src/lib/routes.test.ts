import { describe, expect, it } from 'vitest';
import { channelsFor, ROLES } from '../../../shared/channels.js';
import { hrefOf, mayOpen, parseHash, rolesFor, visibleViews } from './routes.js';

const access = (role: (typeof ROLES)[number]) => ({ role, channels: channelsFor(role) });
const labels = (role: (typeof ROLES)[number]) => visibleViews(access(role)).map((view) => view.label);

describe('parseHash', () => {
  it('maps hashes to views, Overview by default', () => {
    expect(parseHash('')).toEqual({ kind: 'view', view: 'overview', params: {} });
    expect(parseHash('#/')).toEqual({ kind: 'view', view: 'overview', params: {} });
    expect(parseHash('#/teams')).toEqual({ kind: 'view', view: 'teams', params: {} });
    expect(parseHash('#/Audit/')).toEqual({ kind: 'view', view: 'audit', params: {} });
    expect(parseHash('#/nope')).toEqual({ kind: 'unknown', path: 'nope' });
  });

  it('reads params after ?, leaving their case alone', () => {
    expect(parseHash('#/alerts?severity=critical&q=Team%3DOps')).toEqual({ kind: 'view', view: 'alerts', params: { severity: 'critical', q: 'Team=Ops' } });
    expect(parseHash('#/pipeline?')).toEqual({ kind: 'view', view: 'pipeline', params: {} });
  });

  it('writes links with their params, empty ones left out', () => {
    expect(hrefOf('alerts')).toBe('#/alerts');
    expect(hrefOf('alerts', { severity: 'high', q: '' })).toBe('#/alerts?severity=high');
    expect(parseHash(hrefOf('alerts', { q: 'a&b=c' }))).toEqual({ kind: 'view', view: 'alerts', params: { q: 'a&b=c' } });
  });
});

describe('who sees which view', () => {
  it('follows the channel table, with Users for admins only', () => {
    expect(labels('admin')).toEqual(['Overview', 'Alerts', 'Teams', 'Collectors', 'Pipeline', 'Users', 'Audit']);
    expect(labels('security')).toEqual(['Overview', 'Alerts', 'Teams', 'Collectors', 'Pipeline', 'Audit']);
    expect(labels('oncall')).toEqual(['Overview', 'Alerts', 'Teams', 'Collectors', 'Pipeline']);
    expect(labels('manager')).toEqual(['Overview', 'Teams']);
  });

  it('trusts the channels the server offers over the role', () => {
    expect(mayOpen('audit', { role: 'security', channels: ['overview', 'teams'] })).toBe(false);
    expect(mayOpen('users', { role: 'admin', channels: [] })).toBe(true);
    expect(mayOpen('users', { role: 'security', channels: channelsFor('admin') })).toBe(false);
  });

  it('names the roles a view needs', () => {
    expect(rolesFor('audit')).toEqual(['admin', 'security']);
    expect(rolesFor('users')).toEqual(['admin']);
    expect(rolesFor('pipeline')).toEqual(['admin', 'security', 'oncall']);
    expect(rolesFor('alerts')).toEqual(['admin', 'security', 'oncall']);
  });
});
