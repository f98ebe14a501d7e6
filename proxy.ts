import { NextResponse, type NextRequest } from 'next/server';
import { fromElsewhere, isApi, newNonce, securityHeaders, wellEncoded } from '@/lib/security-headers';
import { AuthConfigError, loadAuthConfig } from './server/auth/config';
import { encodeIdentity, gate, IDENTITY_HEADER } from './server/auth/gate';

/**
 * Security baseline in front of every route (Next 16 "proxy", formerly middleware):
 *  - DNS rebinding: a request whose Host is not one we serve under is refused (421), so a hostile page
 *    that re-points its own name at 127.0.0.1 cannot read the API.
 *  - The API is read-only: anything but GET/HEAD on /api is 405 (TRACE, TRACK and CONNECT never reach
 *    Next: server/refuse-methods.ts answers them).
 *  - A page on another site or port cannot make the browser call the API (403): its GETs would start
 *    port-forwards and reads in the user's name.
 *  - A path with a malformed %-sequence is 400, not Next's 500.
 *  - Every answer carries the security headers of lib/security-headers.ts, with a per-request CSP nonce.
 *  - The probes (/healthz, /readyz) answer under any Host: the kubelet calls them by pod IP, and they
 *    reveal nothing.
 *  - Sign-in (server/auth/gate.ts): who is asking, passed on to the routes in one header this proxy
 *    always sets itself; without a signed-in user, pages go to /signin and the API answers 401.
 */

const PROBES = new Set(['/healthz', '/readyz']);

function allowedHosts(): Set<string> {
  const configured = process.env.ISTHMUS_ALLOWED_HOSTS;
  if (configured && configured.trim()) return new Set(configured.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
  const port = process.env.PORT || '3000';
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export interface Refusal {
  status: number;
  kind: string;
  message: string;
}

/** Where a request comes from, as the browser says it (absent for curl and scripts). */
export interface RequestSource {
  secFetchSite?: string | null;
  origin?: string | null;
}

/** The decision, separate from Next for tests: null = let it through. */
export function checkRequest(method: string, pathname: string, host: string | null, source: RequestSource = {}): Refusal | null {
  const readOnly = method === 'GET' || method === 'HEAD';
  if (PROBES.has(pathname) && readOnly) return null;
  if (!host || !allowedHosts().has(host.trim().toLowerCase())) {
    return { status: 421, kind: 'host-not-allowed', message: 'this server does not answer for that host name' };
  }
  if (isApi(pathname) && !readOnly) return { status: 405, kind: 'method-not-allowed', message: 'the Isthmus API is read-only: GET only' };
  if (!wellEncoded(pathname)) return { status: 400, kind: 'invalid', message: 'the path has a malformed %-encoding' };
  if (isApi(pathname) && fromElsewhere(source.secFetchSite ?? null, source.origin ?? null, host)) {
    return { status: 403, kind: 'cross-site', message: 'the Isthmus API answers only its own pages' };
  }
  return null;
}

/** Sign-in: let the request through with who is asking, or answer 401 / send the browser to /signin. */
function authenticate(request: NextRequest, contentSecurityPolicy: string): NextResponse {
  const pathname = request.nextUrl.pathname;
  let config: ReturnType<typeof loadAuthConfig>;
  try {
    config = loadAuthConfig();
  } catch (e) {
    if (!(e instanceof AuthConfigError)) throw e;
    return NextResponse.json({ error: { kind: 'config', message: `sign-in is misconfigured: ${e.message}` } }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
  const result = gate(config, { pathname, header: (n) => request.headers.get(n), cookie: (n) => request.cookies.get(n)?.value });
  if (!result.ok) {
    // A page without a session goes to the sign-in page (token mode); behind a proxy there is none to offer.
    if (config.mode === 'token' && !isApi(pathname) && request.method === 'GET') {
      const signin = new URL('/signin', request.nextUrl);
      signin.searchParams.set('next', pathname + request.nextUrl.search);
      return NextResponse.redirect(signin, 303);
    }
    return NextResponse.json({ error: { kind: 'unauthenticated', message: result.reason } }, { status: 401, headers: { 'Cache-Control': 'no-store' } });
  }
  const forwarded = new Headers(request.headers);
  forwarded.delete(IDENTITY_HEADER);
  if (result.identity) forwarded.set(IDENTITY_HEADER, encodeIdentity(result.identity));
  // Next reads the nonce from the request's CSP header and puts it on the scripts it renders.
  forwarded.set('Content-Security-Policy', contentSecurityPolicy);
  return NextResponse.next({ request: { headers: forwarded } });
}

export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;
  const headers = securityHeaders(newNonce());
  const refusal = checkRequest(request.method, pathname, request.headers.get('host'), {
    secFetchSite: request.headers.get('sec-fetch-site'),
    origin: request.headers.get('origin'),
  });
  const response = refusal
    ? NextResponse.json(
        { error: { kind: refusal.kind, message: refusal.message } },
        { status: refusal.status, headers: { 'Cache-Control': 'no-store', ...(refusal.status === 405 ? { Allow: 'GET, HEAD' } : {}) } },
      )
    : authenticate(request, headers['Content-Security-Policy']);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything except Next's own static assets.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
