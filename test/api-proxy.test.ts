/** proxy.ts: the Host allow-list (DNS rebinding), read-only methods, cross-site refusal, path encoding, security headers. */
import { afterEach, describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server';
import { checkRequest, proxy } from '@/proxy';
import { expectSecurityHeaders } from './security-headers';

const saved = { hosts: process.env.ISTHMUS_ALLOWED_HOSTS, port: process.env.PORT };
afterEach(() => {
  process.env.ISTHMUS_ALLOWED_HOSTS = saved.hosts;
  process.env.PORT = saved.port;
  if (saved.hosts === undefined) delete process.env.ISTHMUS_ALLOWED_HOSTS;
  if (saved.port === undefined) delete process.env.PORT;
});

describe('proxy', () => {
  it('accepts 127.0.0.1 and localhost on the server port by default, nothing else', () => {
    delete process.env.ISTHMUS_ALLOWED_HOSTS;
    process.env.PORT = '3123';
    expect(checkRequest('GET', '/api/mesh', '127.0.0.1:3123')).toBeNull();
    expect(checkRequest('GET', '/', 'LOCALHOST:3123')).toBeNull();
    expect(checkRequest('GET', '/api/mesh', '[::1]:3123')).toBeNull();
    expect(checkRequest('GET', '/api/mesh', 'evil.example:3123')?.status).toBe(421);
    expect(checkRequest('GET', '/api/mesh', '127.0.0.1:80')?.status).toBe(421);
    expect(checkRequest('GET', '/api/mesh', null)?.status).toBe(421);
  });

  it('uses ISTHMUS_ALLOWED_HOSTS when set', () => {
    process.env.ISTHMUS_ALLOWED_HOSTS = 'dash.internal:8443, 127.0.0.1:3000';
    expect(checkRequest('GET', '/api/topology', 'dash.internal:8443')).toBeNull();
    expect(checkRequest('GET', '/api/topology', 'localhost:3000')?.status).toBe(421);
  });

  it('refuses anything but GET and HEAD on the API with 405', async () => {
    process.env.ISTHMUS_ALLOWED_HOSTS = '127.0.0.1:3000';
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']) expect(checkRequest(method, '/api/mesh', '127.0.0.1:3000')?.status).toBe(405);
    expect(checkRequest('HEAD', '/api/mesh', '127.0.0.1:3000')).toBeNull();
    const res = proxy(new NextRequest('http://127.0.0.1:3000/api/mesh', { method: 'DELETE', headers: { host: '127.0.0.1:3000' } }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const rebound = proxy(new NextRequest('http://attacker.example/api/mesh', { headers: { host: 'attacker.example' } }));
    expect(rebound.status).toBe(421);
    expect(await rebound.json()).toMatchObject({ error: { kind: 'host-not-allowed' } });
  });

  it('answers the probes under any Host (the kubelet uses the pod IP), GET and HEAD only', () => {
    process.env.ISTHMUS_ALLOWED_HOSTS = '127.0.0.1:3000';
    expect(checkRequest('GET', '/healthz', '10.1.2.3:3000')).toBeNull();
    expect(checkRequest('HEAD', '/readyz', null)).toBeNull();
    expect(checkRequest('POST', '/readyz', '10.1.2.3:3000')?.status).toBe(421);
    expect(checkRequest('GET', '/healthz/x', '10.1.2.3:3000')?.status).toBe(421);
  });

  it('refuses API calls a page on another site or port made the browser send', () => {
    process.env.ISTHMUS_ALLOWED_HOSTS = '127.0.0.1:3000';
    const host = '127.0.0.1:3000';
    const api = (source: { secFetchSite?: string | null; origin?: string | null }) => checkRequest('GET', '/api/clusters/c/namespaces/default/pods/p/endpoints', host, source)?.status ?? 200;
    expect(api({ secFetchSite: 'cross-site' })).toBe(403);
    expect(api({ secFetchSite: 'same-site', origin: 'http://127.0.0.1:8080' })).toBe(403);
    expect(api({ origin: 'http://evil.example' })).toBe(403);
    expect(api({ origin: 'null' })).toBe(403);
    expect(api({ secFetchSite: 'same-origin', origin: 'http://127.0.0.1:3000' })).toBe(200);
    expect(api({ secFetchSite: 'none' })).toBe(200);
    expect(api({})).toBe(200); // curl, scripts
    // Pages may be linked to from anywhere.
    expect(checkRequest('GET', '/topology', host, { secFetchSite: 'cross-site' })).toBeNull();
  });

  it('answers 400 for a malformed %-encoding instead of a 500', async () => {
    process.env.ISTHMUS_ALLOWED_HOSTS = '127.0.0.1:3000';
    expect(checkRequest('GET', '/api/clusters/%E0%A4%A/pods', '127.0.0.1:3000')?.status).toBe(400);
    expect(checkRequest('GET', '/api/clusters/cluster1-admin%40cluster1/pods', '127.0.0.1:3000')).toBeNull();
    const res = proxy(new NextRequest('http://127.0.0.1:3000/api/clusters/%E0%A4%A/pods', { headers: { host: '127.0.0.1:3000' } }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { kind: 'invalid', message: 'the path has a malformed %-encoding' } });
  });

  it('puts the security headers on pages, API answers and refusals, with a fresh nonce each time', () => {
    process.env.ISTHMUS_ALLOWED_HOSTS = '127.0.0.1:3000';
    const page = proxy(new NextRequest('http://127.0.0.1:3000/topology', { headers: { host: '127.0.0.1:3000' } }));
    const again = proxy(new NextRequest('http://127.0.0.1:3000/topology', { headers: { host: '127.0.0.1:3000' } }));
    const api = proxy(new NextRequest('http://127.0.0.1:3000/api/mesh', { headers: { host: '127.0.0.1:3000' } }));
    const refused = proxy(new NextRequest('http://127.0.0.1:3000/api/mesh', { method: 'DELETE', headers: { host: '127.0.0.1:3000' } }));
    for (const res of [page, api, refused]) expectSecurityHeaders(res.headers);
    const nonce = (h: Headers) => /'nonce-([^']+)'/.exec(h.get('content-security-policy') ?? '')?.[1];
    expect(nonce(page.headers)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonce(again.headers)).not.toBe(nonce(page.headers));
    // Next reads the nonce from the request's CSP header to put it on its scripts.
    expect(page.headers.get('x-middleware-request-content-security-policy')).toBe(page.headers.get('content-security-policy'));
    // API answers get no-store from their route (server/http.ts; test/standalone.test.ts checks every one).
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(api.headers.get('cache-control')).toBeNull();
    expect(page.headers.get('cache-control')).toBeNull();
  });
});
