import { loadAuthConfig, tokenDigest } from '@/server/auth/config';
import { encodeSession, sessionCookie } from '@/server/auth/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const MAX_TOKEN = 4096;

function redirect(to: string, cookie?: string): Response {
  // A relative Location: the browser resolves it against the address it used (proxies, port-forwards).
  return new Response(null, { status: 303, headers: { Location: to, 'Cache-Control': 'no-store', ...(cookie ? { 'Set-Cookie': cookie } : {}) } });
}

function safeNext(next: FormDataEntryValue | null): string {
  const n = typeof next === 'string' ? next : '/';
  return n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') ? n : '/';
}

/** POST /auth/signin (the sign-in form): a valid token sets the session cookie (docs/deploy.md). */
export async function POST(request: Request): Promise<Response> {
  const config = loadAuthConfig();
  if (config.mode !== 'token') return new Response('sign-in by token is not enabled\n', { status: 404 });
  // Another site's form must not sign a browser in (login CSRF): the form is ours when Origin is our Host.
  const origin = request.headers.get('origin');
  if (origin && origin !== 'null' && new URL(origin).host !== request.headers.get('host')) return new Response('cross-site sign-in refused\n', { status: 403 });
  const form = await request.formData();
  const token = form.get('token');
  const next = safeNext(form.get('next'));
  const identity = typeof token === 'string' && token.length <= MAX_TOKEN ? config.tokens.get(tokenDigest(token.trim())) : undefined;
  if (!identity) return redirect(`/signin?error=1&next=${encodeURIComponent(next)}`);
  return redirect(next, sessionCookie(encodeSession(identity, config.sessionKey!)));
}
