/**
 * Session cookies that need no server-side store, so any replica serves any request: the identity and
 * an expiry, signed with HMAC-SHA256 under the shared session key. HttpOnly, Secure, SameSite=Strict.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity } from './config';

export const SESSION_COOKIE = 'isthmus_session';
export const SESSION_SECONDS = 12 * 60 * 60;

function sign(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function encodeSession(identity: Identity, key: Buffer, nowMs = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ u: identity.user, g: identity.groups, exp: Math.floor(nowMs / 1000) + SESSION_SECONDS })).toString('base64url');
  return `${payload}.${sign(payload, key)}`;
}

/** The identity of a valid, unexpired cookie; null for anything else. */
export function decodeSession(cookie: string | undefined, key: Buffer, nowMs = Date.now()): Identity | null {
  if (!cookie) return null;
  const [payload, mac, extra] = cookie.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const expected = Buffer.from(sign(payload, key));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const o = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { u?: unknown; g?: unknown; exp?: unknown };
    if (typeof o.u !== 'string' || !Array.isArray(o.g) || !o.g.every((g) => typeof g === 'string') || typeof o.exp !== 'number') return null;
    if (o.exp * 1000 <= nowMs) return null;
    return { user: o.u, groups: o.g as string[] };
  } catch {
    return null;
  }
}

/** The Set-Cookie value for a session (Max-Age 0 clears it). */
export function sessionCookie(value: string, maxAgeSeconds = SESSION_SECONDS): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}
