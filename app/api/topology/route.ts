import { TOPOLOGY_LEVELS } from '@/lib/topology/levels';
import type { TopologyLevel } from '@/lib/types/api';
import { BadRequest, configuredCluster, jsonText, validNamespace, withRegistry } from '@/server/http';
import { getTopologyBytes } from '@/server/topology';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/topology[?level=clusters|namespaces|workloads][&cluster=<context>][&namespace=<ns>]: the
 * cross-cluster graph at a level (none: the most detailed that fits about 2,000 nodes), aggregated on
 * the server (docs/api.md).
 */
export function GET(request?: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const p = request ? new URL(request.url).searchParams : new URLSearchParams();
    const level = p.get('level') || null;
    if (level !== null && !(TOPOLOGY_LEVELS as readonly string[]).includes(level)) throw new BadRequest(`level must be one of ${TOPOLOGY_LEVELS.join(', ')}`);
    const cluster = p.get('cluster') ? (await configuredCluster(registry, p.get('cluster')!)).name : null;
    const namespace = p.get('namespace') ? validNamespace(p.get('namespace')!) : null;
    return jsonText(await getTopologyBytes(registry, { level: level as TopologyLevel | null, cluster, namespace }));
  });
}
