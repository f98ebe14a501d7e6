import { remoteClustersTable } from '@/lib/istio/tables';
import { json, text, wantsTable, withRegistry } from '@/server/http';
import { getMesh, remoteClustersWithRevision, selectClusters, tablesText } from '@/server/mesh';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/mesh/remote-clusters[?cluster=<context>][&output=table]: `istioctl remote-clusters` per cluster. */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    const table = wantsTable(url);
    const mesh = await getMesh(registry, selectClusters(registry, url.searchParams.get('cluster')));
    const clusters = mesh.clusters;
    if (table) return text(tablesText(clusters, (c) => remoteClustersTable(c.remoteClusters, { withRevision: remoteClustersWithRevision(c) })));
    return json({
      clusters: clusters.map((c) => ({ cluster: c.cluster, clusterId: c.clusterId, ok: c.ok, error: c.error, errors: c.errors, rows: c.remoteClusters })),
      generatedAt: mesh.generatedAt,
    });
  });
}
