import { text } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /healthz: the process is alive and serving (the liveness probe; docs/api.md). */
export function GET(): Response {
  return text('ok\n');
}
