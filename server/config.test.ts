import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has the documented defaults: embedded mode on 127.0.0.1:8080', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      redisUrl: null, host: '127.0.0.1', port: 8080, publicOrigin: 'http://127.0.0.1:8080', streamPrefix: 'kw:',
      kAnon: 5, tickMs: 250, latenessMs: 10_000, clientBufferBytes: 1024 * 1024, clientLagMs: 10_000, claimIdleMs: 60_000,
    });
    expect(config.allowedOrigins).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['KW_TICK_MS', '-5'],
    ['KW_LATENESS_MS', '1e9'],
    ['REDIS_URL', 'localhost:6379'],
    ['KW_PUBLIC_ORIGIN', 'keywatch.example'],
    ['KW_ALLOWED_ORIGINS', 'https://ok.example, ftp://bad.example'],
    ['KW_STREAM_PREFIX', 'kw prefix with spaces'],
    ['HOST', 'not a host!'],
    ['KW_CLAIM_IDLE_MS', '500'],
    ['KW_CLIENT_LAG_MS', 'soon'],
  ])('stops on a bad %s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });

  it('reads Redis mode and origins', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0', KW_ALLOWED_ORIGINS: 'https://a.example,https://b.example/' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});
