import { describe, expect, it } from 'vitest';
import { channelsFor, ROLES } from '../../../shared/channels.js';
import { mayOpen, parseHash, rolesFor, visibleViews } from './routes.js';

const access = (role: (typeof ROLES)[number]) => ({ role, channels: channelsFor(role) });
const labels = (role: (typeof ROLES)[number]) => visibleViews(access(role)).map((view) => view.label);

describe('parseHash', () => {
  it('maps hashes to views, Overview by default', () => {
    expect(parseHash('')).toEqual({ kind: 'view', view: 'overview' });
    expect(parseHash('#/')).toEqual({ kind: 'view', view: 'overview' });
    expect(parseHash('#/teams')).toEqual({ kind: 'view', view: 'teams' });
    expect(parseHash('#/Audit/')).toEqual({ kind: 'view', view: 'audit' });
    expect(parseHash('#/nope')).toEqual({ kind: 'unknown', path: 'nope' });
  });
});

describe('who sees which view', () => {
  it('follows the channel table, with Users for admins only', () => {
    expect(labels('admin')).toEqual(['Overview', 'Teams', 'Collectors', 'Users', 'Audit']);
    expect(labels('security')).toEqual(['Overview', 'Teams', 'Collectors', 'Audit']);
    expect(labels('oncall')).toEqual(['Overview', 'Teams', 'Collectors']);
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
  });
});
