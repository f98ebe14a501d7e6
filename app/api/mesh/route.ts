import { getMesh, selectClusters } from '@/server/mesh';
import { json, withRegistry } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/mesh[?cluster=<context>]: istiod, remote clusters, gateways and proxy sync per cluster (docs/api.md). */
export function GET(request?: Request): Promise<Response> {
  const cluster = request ? new URL(request.url).searchParams.get('cluster') : null;
  return withRegistry(async (registry) => json(await getMesh(registry, await selectClusters(registry, cluster))));
}
