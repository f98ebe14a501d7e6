import { sessionCookie } from '@/server/auth/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** POST /auth/signout: clears the session cookie (there is no server-side session to end). */
export function POST(): Response {
  return new Response(null, { status: 303, headers: { Location: '/signin', 'Cache-Control': 'no-store', 'Set-Cookie': sessionCookie('', 0) } });
}
