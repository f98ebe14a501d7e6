/**
 * Who is asking, decided in proxy.ts before any route runs:
 *  - token mode: a valid session cookie (server/auth/session.ts);
 *  - proxy mode: X-Forwarded-User / X-Forwarded-Groups from the authenticating proxy (oauth2-proxy
 *    and the like), believed only with the proxy's shared secret in X-Isthmus-Proxy-Secret;
 *  - none: nobody in particular.
 * The answer travels to the route handlers in IDENTITY_HEADER, which proxy.ts always sets itself (a
 * client's own value is dropped).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthConfig, Identity } from './config';
import { decodeSession, SESSION_COOKIE } from './session';

export const IDENTITY_HEADER = 'x-isthmus-identity';
export const PROXY_SECRET_HEADER = 'x-isthmus-proxy-secret';
/** Paths served without sign-in: the probes, and the sign-in page with what it needs. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/signin', '/auth/signin', '/auth/signout', '/icon.svg']);

export interface RequestLike {
  pathname: string;
  header(name: string): string | null;
  cookie(name: string): string | undefined;
}

export type GateResult = { ok: true; identity: Identity | null } | { ok: false; status: 401; reason: string };

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export function gate(config: AuthConfig, req: RequestLike): GateResult {
  if (config.mode === 'none' || OPEN_PATHS.has(req.pathname)) return { ok: true, identity: null };
  if (config.mode === 'token') {
    const identity = decodeSession(req.cookie(SESSION_COOKIE), config.sessionKey!);
    return identity ? { ok: true, identity } : { ok: false, status: 401, reason: 'sign in first' };
  }
  const secret = req.header(PROXY_SECRET_HEADER);
  if (!secret || !sameSecret(secret, config.proxySecret!)) return { ok: false, status: 401, reason: 'requests must come through the authenticating proxy' };
  const user = req.header('x-forwarded-user')?.trim();
  if (!user) return { ok: false, status: 401, reason: 'the authenticating proxy sent no user' };
  const groups = (req.header('x-forwarded-groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  return { ok: true, identity: { user, groups } };
}

export function encodeIdentity(identity: Identity): string {
  return Buffer.from(JSON.stringify(identity)).toString('base64url');
}

export function decodeIdentity(value: string | null | undefined): Identity | null {
  if (!value) return null;
  try {
    const o = JSON.parse(Buffer.from(value, 'base64url').toString()) as Identity;
    return typeof o.user === 'string' && Array.isArray(o.groups) ? { user: o.user, groups: o.groups.map(String) } : null;
  } catch {
    return null;
  }
}
