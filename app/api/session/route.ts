import { loadAuthConfig } from '@/server/auth/config';
import { requestIdentity } from '@/server/auth/viewer';
import { json } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/session: the sign-in mode and who is signed in (docs/api.md). */
export async function GET(): Promise<Response> {
  const { mode, impersonate } = loadAuthConfig();
  const identity = await requestIdentity();
  return json({ auth: mode, impersonate, user: identity?.user ?? null, groups: identity?.groups ?? [] });
}
