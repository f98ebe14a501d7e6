import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthConfigError, exposureProblem, isLoopback, loadAuthConfig, parseTokensCsv, tokenDigest, type AuthConfig } from './config';
import { decodeIdentity, encodeIdentity, gate, PROXY_SECRET_HEADER } from './gate';
import { decodeSession, encodeSession, SESSION_COOKIE, sessionCookie } from './session';

const key = Buffer.from('k'.repeat(48));
const alice = { user: 'alice', groups: ['devs'] };

describe('session cookies', () => {
  it('round-trip, and refuse a changed payload, another key, expiry and junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const cookie = encodeSession(alice, key, now);
    expect(decodeSession(cookie, key, now + 1000)).toEqual(alice);
    const [payload, mac] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'admin', g: ['system:masters'], exp: 9e9 })).toString('base64url');
    expect(decodeSession(`${forged}.${mac}`, key, now)).toBeNull();
    expect(decodeSession(`${payload}.${mac}x`, key, now)).toBeNull();
    expect(decodeSession(cookie, Buffer.from('z'.repeat(48)), now)).toBeNull();
    expect(decodeSession(cookie, key, now + 13 * 3600 * 1000)).toBeNull();
    expect(decodeSession('a.b.c', key, now)).toBeNull();
    expect(decodeSession(undefined, key, now)).toBeNull();
  });

  it('is HttpOnly, Secure and SameSite=Strict', () => {
    expect(sessionCookie('v')).toBe(`${SESSION_COOKIE}=v; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=Strict`);
  });
});

describe('tokens file', () => {
  it('reads kube-apiserver static token CSV', () => {
    const tokens = parseTokensCsv('# people\ntok1,alice,1,"devs,viewers"\ntok2,bob,2\n', 'f');
    expect(tokens.get(tokenDigest('tok1'))).toEqual({ user: 'alice', groups: ['devs', 'viewers'] });
    expect(tokens.get(tokenDigest('tok2'))).toEqual({ user: 'bob', groups: [] });
    expect(() => parseTokensCsv('justatoken\n', 'f')).toThrow(/f:1/);
  });
});

const request = (pathname: string, headers: Record<string, string> = {}, cookies: Record<string, string> = {}) => ({
  pathname,
  header: (n: string) => headers[n.toLowerCase()] ?? null,
  cookie: (n: string) => cookies[n],
});

describe('gate', () => {
  const proxy: AuthConfig = { mode: 'proxy', impersonate: true, insecureNoAuth: false, tokens: new Map(), sessionKey: null, proxySecret: 's'.repeat(20) };
  const token: AuthConfig = { ...proxy, mode: 'token', proxySecret: null, sessionKey: key };

  it('proxy mode believes the user and groups only with the shared secret', () => {
    const headers = { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'devs, sre' };
    expect(gate(proxy, request('/api/mesh', headers))).toMatchObject({ ok: false, status: 401 });
    expect(gate(proxy, request('/api/mesh', { ...headers, [PROXY_SECRET_HEADER]: 'wrong' }))).toMatchObject({ ok: false, status: 401 });
    expect(gate(proxy, request('/api/mesh', { ...headers, [PROXY_SECRET_HEADER]: 's'.repeat(20) }))).toEqual({ ok: true, identity: { user: 'alice', groups: ['devs', 'sre'] } });
    expect(gate(proxy, request('/api/mesh', { [PROXY_SECRET_HEADER]: 's'.repeat(20) }))).toMatchObject({ ok: false });
    expect(gate(proxy, request('/healthz'))).toEqual({ ok: true, identity: null });
  });

  it('token mode wants a valid session cookie', () => {
    expect(gate(token, request('/'))).toMatchObject({ ok: false, status: 401 });
    expect(gate(token, request('/', {}, { [SESSION_COOKIE]: encodeSession(alice, key) }))).toEqual({ ok: true, identity: alice });
    expect(gate(token, request('/signin'))).toEqual({ ok: true, identity: null });
  });

  it('passes the identity on in one header', () => {
    expect(decodeIdentity(encodeIdentity(alice))).toEqual(alice);
    expect(decodeIdentity('garbage')).toBeNull();
  });
});

describe('exposure', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-auth-'));
  const file = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));

  it('refuses a non-loopback address without sign-in, unless --insecure-no-auth', () => {
    expect(['127.0.0.1', '127.3.4.5', '::1', '[::1]', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.1.2.3', '::', 'isthmus.example'].some(isLoopback)).toBe(false);
    expect(exposureProblem('127.0.0.1', {})).toBeNull();
    expect(exposureProblem('0.0.0.0', {})).toMatch(/without sign-in/);
    expect(exposureProblem('0.0.0.0', { ISTHMUS_INSECURE_NO_AUTH: '1' })).toBeNull();
    expect(exposureProblem('0.0.0.0', { ISTHMUS_AUTH: 'proxy', ISTHMUS_PROXY_SECRET_FILE: file('secret', 'x'.repeat(24)) })).toBeNull();
  });

  it('refuses settings that cannot work', () => {
    expect(exposureProblem('127.0.0.1', { ISTHMUS_AUTH: 'token' })).toMatch(/ISTHMUS_AUTH_TOKENS_FILE/);
    expect(exposureProblem('127.0.0.1', { ISTHMUS_AUTH: 'token', ISTHMUS_AUTH_TOKENS_FILE: file('t', 'a,b,c\n'), ISTHMUS_SESSION_KEY_FILE: file('k', 'short') })).toMatch(/at least 32/);
    expect(exposureProblem('127.0.0.1', { ISTHMUS_IMPERSONATE: '1' })).toMatch(/--impersonate needs/);
    expect(() => loadAuthConfig({ ISTHMUS_AUTH: 'ldap' })).toThrow(AuthConfigError);
  });
});
