import { describe, expect, it } from 'vitest';
import { SharedIdentities } from './shared-identities.js';
import type { ClientIdentity } from './client-connection.js';

const token = (name: string, role: ClientIdentity['role'] = 'oncall'): ClientIdentity => ({ user: `token:${name}`, role, credential: { kind: 'token', name } });
const session = (key: string, expiresAt = 1000): ClientIdentity => ({ user: 'alice', role: 'security', credential: { kind: 'session', key, expiresAt } });

describe('SharedIdentities', () => {
  it('gives connections with an equal identity one object, and drops it with the last', () => {
    const shared = new SharedIdentities();
    const first = shared.share(token('wall'));
    const second = shared.share(token('wall'));
    expect(second).toBe(first);
    expect(shared.size).toBe(1);
    shared.release(first);
    expect(shared.size).toBe(1);
    shared.release(second);
    expect(shared.size).toBe(0);
  });

  it('never shares between identities that differ in anything', () => {
    const shared = new SharedIdentities();
    const identities = [token('wall'), token('wall', 'admin'), token('other'), session('k1'), session('k2'), session('k1', 2000)];
    const objects = identities.map((identity) => shared.share(identity));
    expect(new Set(objects).size).toBe(identities.length);
    objects.forEach((object, index) => expect(object).toEqual(identities[index]));
  });

  it('ignores a release of an object it did not hand out', () => {
    const shared = new SharedIdentities();
    const kept = shared.share(token('wall'));
    shared.release(token('wall'));
    expect(shared.size).toBe(1);
    expect(shared.share(token('wall'))).toBe(kept);
  });
});
