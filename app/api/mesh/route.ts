import { getMesh } from '@/server/mesh';
import { json, withRegistry } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/mesh: istiod, remote clusters, gateways and proxy sync per cluster (docs/api.md). */
export function GET(): Promise<Response> {
  return withRegistry(async (registry) => json(await getMesh(registry)));
}
