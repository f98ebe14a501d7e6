import { getClusters } from '@/server/clusters';
import { json, withRegistry } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/clusters: every configured cluster with reachability and Kubernetes version (docs/api.md). */
export function GET(): Promise<Response> {
  return withRegistry(async (registry) => json(await getClusters(registry)));
}
