import { proxyStatusTable } from '@/lib/istio/tables';
import { json, text, wantsTable, withRegistry } from '@/server/http';
import { getMesh, proxyStatusFormat, selectClusters, tablesText } from '@/server/mesh';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/mesh/proxy-status[?cluster=<context>][&output=table]: `istioctl proxy-status` per cluster, the
 * table in the layout of the istioctl matching the cluster's istiod version.
 */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    const table = wantsTable(url);
    const mesh = await getMesh(registry, selectClusters(registry, url.searchParams.get('cluster')));
    const clusters = mesh.clusters;
    if (table) return text(tablesText(clusters, (c) => proxyStatusTable(c.proxySync?.proxies ?? [], proxyStatusFormat(c))));
    return json({
      clusters: clusters.map((c) => ({ cluster: c.cluster, clusterId: c.clusterId, ok: c.ok, error: c.error, errors: c.errors, proxySync: c.proxySync })),
      generatedAt: mesh.generatedAt,
    });
  });
}
