import { NextResponse, type NextRequest } from 'next/server';
import { AuthConfigError, loadAuthConfig } from './server/auth/config';
import { encodeIdentity, gate, IDENTITY_HEADER } from './server/auth/gate';

/**
 * Security baseline in front of every route (Next 16 "proxy", formerly middleware):
 *  - DNS rebinding: a request whose Host is not one we serve under is refused (421), so a hostile page
 *    that re-points its own name at 127.0.0.1 cannot read the API.
 *  - The API is read-only: anything but GET/HEAD on /api is 405.
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

/** The decision, separate from Next for tests: null = let it through. */
export function checkRequest(method: string, pathname: string, host: string | null): { status: number; message: string } | null {
  if (PROBES.has(pathname) && (method === 'GET' || method === 'HEAD')) return null;
  if (!host || !allowedHosts().has(host.trim().toLowerCase())) {
    return { status: 421, message: 'this server does not answer for that host name' };
  }
  if (pathname.startsWith('/api/') || pathname === '/api') {
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, message: 'the Isthmus API is read-only: GET only' };
  }
  return null;
}

/** Sign-in: let the request through with who is asking, or answer 401 / send the browser to /signin. */
function authenticate(request: NextRequest): NextResponse {
  const pathname = request.nextUrl.pathname;
  const isApi = pathname === '/api' || pathname.startsWith('/api/');
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
    if (config.mode === 'token' && !isApi && request.method === 'GET') {
      const signin = new URL('/signin', request.nextUrl);
      signin.searchParams.set('next', pathname + request.nextUrl.search);
      return NextResponse.redirect(signin, 303);
    }
    return NextResponse.json({ error: { kind: 'unauthenticated', message: result.reason } }, { status: 401, headers: { 'Cache-Control': 'no-store' } });
  }
  const forwarded = new Headers(request.headers);
  forwarded.delete(IDENTITY_HEADER);
  if (result.identity) forwarded.set(IDENTITY_HEADER, encodeIdentity(result.identity));
  return NextResponse.next({ request: { headers: forwarded } });
}

export function proxy(request: NextRequest): NextResponse {
  const refusal = checkRequest(request.method, request.nextUrl.pathname, request.headers.get('host'));
  if (!refusal) return authenticate(request);
  return NextResponse.json(
    { error: { kind: refusal.status === 405 ? 'method-not-allowed' : 'host-not-allowed', message: refusal.message } },
    { status: refusal.status, headers: { 'Cache-Control': 'no-store', ...(refusal.status === 405 ? { Allow: 'GET, HEAD' } : {}) } },
  );
}

export const config = {
  // Everything except Next's own static assets.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
