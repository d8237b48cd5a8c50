import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../audit/memory-audit-log.js';
import { AuthService } from './auth-service.js';
import { MemoryAccountStore } from './memory-account-store.js';
import { SignInLimiter } from './sign-in-limiter.js';

function service(): { auth: AuthService; audit: MemoryAuditLog } {
  const audit = new MemoryAuditLog();
  const auth = new AuthService({
    store: new MemoryAccountStore(), audit: (record) => audit.append(record), sessionIdleMs: 60_000, sessionMaxMs: 600_000,
    limiter: new SignInLimiter({ failuresPerUser: 1000, attemptsPerAddress: 1000, windowMs: 60_000 }),
  });
  return { auth, audit };
}

async function medianMs(attempt: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await attempt();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

describe('AuthService', () => {
  it('answers an unknown user and a wrong password alike, in the same time', async () => {
    const { auth } = service();
    await auth.putUser('test', 'dana', 'security', 'the right password');
    expect(await auth.signIn('nobody', 'whatever', '127.0.0.1')).toEqual(await auth.signIn('dana', 'wrong password', '127.0.0.1'));
    // Interleaved, so that load from other tests on the machine hits both alike.
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    for (let run = 0; run < 9; run++) {
      unknownTimes.push(await medianMs(() => auth.signIn('nobody', 'whatever', '127.0.0.1'), 1));
      wrongTimes.push(await medianMs(() => auth.signIn('dana', 'wrong password', '127.0.0.1'), 1));
    }
    const median = (times: number[]): number => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    // Both run one scrypt check: the medians stay within a factor of two of each other.
    expect(median(unknownTimes) / median(wrongTimes)).toBeGreaterThan(0.5);
    expect(median(unknownTimes) / median(wrongTimes)).toBeLessThan(2);
  });

  it('signs in, authenticates the session, and ends it on sign-out', async () => {
    const { auth, audit } = service();
    await auth.putUser('test', 'dana', 'oncall', 'the right password');
    const result = await auth.signIn('dana', 'the right password', '10.0.0.5');
    if (!result.ok) throw new Error('sign-in failed');
    expect(await auth.authenticate({ sessionId: result.sessionId })).toMatchObject({ user: 'dana', role: 'oncall' });
    await auth.signOut(result.identity);
    expect(await auth.authenticate({ sessionId: result.sessionId })).toBeNull();
    const actions = (await audit.list({ limit: 10 })).entries.map((entry) => entry.action);
    expect(actions).toEqual(['sign_out', 'sign_in', 'user_add']);
  });

  it('refuses names that could smuggle content, and an admin removing or demoting themselves', async () => {
    const { auth } = service();
    await expect(auth.putUser('test', 'Robert"); DROP', 'admin', 'long enough password')).rejects.toThrow(/names are/);
    await auth.putUser('test', 'root', 'admin', 'long enough password');
    await expect(auth.removeUser('root', 'root')).rejects.toThrow(/yourself/);
    await expect(auth.setRole('root', 'root', 'manager')).rejects.toThrow(/own role/);
  });

  it('creates tokens that authenticate until revoked, and stores only their hash', async () => {
    const { auth } = service();
    const { token } = await auth.createToken('test', 'ci', 'security', 30);
    expect(token).toMatch(/^kwt_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await auth.store.listTokens())).not.toContain(token);
    expect(await auth.authenticate({ bearer: token })).toMatchObject({ role: 'security', credential: { kind: 'token', name: 'ci' } });
    await auth.revokeToken('test', 'ci');
    expect(await auth.authenticate({ bearer: token })).toBeNull();
  });
});
