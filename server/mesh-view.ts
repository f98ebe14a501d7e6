import 'server-only';
import type { ClusterMesh } from '@/lib/types/api';
import { json, text, wantsTable, withRegistry } from './http';
import { getMesh, selectClusters, tablesText } from './mesh';

/** One istioctl command's view of /api/mesh: its table for a cluster, and the fields its JSON carries. */
export interface MeshView {
  table(c: ClusterMesh): string;
  fields(c: ClusterMesh): Record<string, unknown>;
}

/**
 * GET handler body shared by the views of the mesh: `?cluster=<context>` reads that cluster alone,
 * `?output=table` answers istioctl's text, otherwise JSON per cluster.
 */
export function meshViewResponse(request: Request, view: MeshView): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    const mesh = await getMesh(registry, selectClusters(registry, url.searchParams.get('cluster')));
    if (wantsTable(url)) return text(tablesText(mesh.clusters, view.table));
    return json({
      clusters: mesh.clusters.map((c) => ({ cluster: c.cluster, clusterId: c.clusterId, ok: c.ok, error: c.error, errors: c.errors, ...view.fields(c) })),
      generatedAt: mesh.generatedAt,
    });
  });
}
