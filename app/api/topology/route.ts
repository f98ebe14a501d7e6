import { jsonText, withRegistry } from '@/server/http';
import { getTopologyJson } from '@/server/topology';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/topology: clusters, namespaces, services, workloads, gateways and their edges (docs/api.md). */
export function GET(): Promise<Response> {
  return withRegistry(async (registry) => jsonText(await getTopologyJson(registry)));
}
