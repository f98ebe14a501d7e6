import { json, withRegistry } from '@/server/http';
import type { ContextsResponse } from '@/lib/types/api';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/contexts: the configured context names, without contacting any cluster (docs/api.md). */
export function GET(): Promise<Response> {
  return withRegistry(async (registry) => json({ contexts: registry.clusters.map((c) => c.name), demo: registry.demo } satisfies ContextsResponse));
}
