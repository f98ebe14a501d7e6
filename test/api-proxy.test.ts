/** proxy.ts: the Host allow-list (DNS rebinding) and the read-only API. */
import { afterEach, describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server';
import { checkRequest, proxy } from '@/proxy';

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
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(checkRequest(method, '/api/mesh', '127.0.0.1:3000')?.status).toBe(405);
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
});
