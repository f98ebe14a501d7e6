import { readiness } from '@/server/health';
import { text } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /readyz: 200 once the configuration is loaded, else 503 (the readiness probe; docs/api.md). The
 * reason goes to the log, not the body: the probe answers without sign-in.
 */
export function GET(): Response {
  const state = readiness();
  if (state.ready) return text('ok\n');
  console.error(`isthmus: not ready: ${state.reason}`);
  return text('not ready: the configuration is not loaded (see the server log)\n', 503);
}
