import { describe, expect, it } from 'vitest';
import { apiPath, apiRequest, parseRetryAfter, type FetchLike } from './api.js';

function answering(response: Response, seen: { path?: string; init?: RequestInit } = {}): FetchLike {
  return async (path, init) => {
    seen.path = path;
    seen.init = init;
    return response;
  };
}

describe('apiRequest', () => {
  it('sends JSON and reads JSON back', async () => {
    const seen: { path?: string; init?: RequestInit } = {};
    const result = await apiRequest('POST', '/api/users', { name: 'bob', role: 'manager' }, answering(Response.json({ name: 'bob', password: 'x' }, { status: 201 }), seen));
    expect(result).toEqual({ ok: true, status: 201, data: { name: 'bob', password: 'x' } });
    expect(seen.init?.method).toBe('POST');
    expect(seen.init?.body).toBe('{"name":"bob","role":"manager"}');
    expect((seen.init?.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('treats an empty answer (204) as success with null data', async () => {
    expect(await apiRequest('DELETE', '/api/session', undefined, answering(new Response(null, { status: 204 })))).toEqual({ ok: true, status: 204, data: null });
  });

  it("passes the server's error code and message on", async () => {
    const result = await apiRequest('PUT', '/api/users/x/role', { role: 'admin' }, answering(Response.json({ error: 'not_found', message: 'No user x.' }, { status: 404 })));
    expect(result).toEqual({ ok: false, error: { status: 404, code: 'not_found', message: 'No user x.', retryAfterSeconds: null } });
  });

  it('reads Retry-After on a 429', async () => {
    const response = Response.json({ error: 'rate_limited', message: 'Too many sign-in attempts; wait and try again.' }, { status: 429, headers: { 'Retry-After': '897' } });
    const result = await apiRequest('POST', '/api/session', { user: 'a', password: 'b' }, answering(response));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.retryAfterSeconds).toBe(897);
  });

  it('describes a non-JSON error by its status', async () => {
    const result = await apiRequest('GET', '/api/users', undefined, answering(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })));
    expect(result).toEqual({ ok: false, error: { status: 502, code: 'http_502', message: 'The server answered 502 Bad Gateway.', retryAfterSeconds: null } });
  });

  it('reports an unreachable server without throwing', async () => {
    const result = await apiRequest('GET', '/api/me', undefined, async () => { throw new TypeError('Failed to fetch'); });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.status).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('apiPath', () => {
  it('encodes each segment', () => {
    expect(apiPath('users', 'a/b c', 'role')).toBe('/api/users/a%2Fb%20c/role');
  });
});
