import 'server-only';
import type { ClusterMesh } from '@/lib/types/api';
import { statusOnly } from './cluster-status';
import { json, revisionParam, text, wantsTable, withRegistry } from './http';
import { getMesh, istioctlRevision, selectClusters, tablesText } from './mesh';

/**
 * One istioctl command's view of /api/mesh: its table for a cluster, and the fields its JSON carries,
 * each limited to the istiods of one revision (null: every revision).
 */
export interface MeshView {
  table(c: ClusterMesh, revision: string | null): string;
  fields(c: ClusterMesh, revision: string | null): Record<string, unknown>;
}

/**
 * GET handler body shared by the views of the mesh: `?cluster=<context>` reads that cluster alone,
 * `?revision=` keeps one istiod revision, `?output=table` answers istioctl's text (without `revision`,
 * the revisions that cluster's istioctl asks: see istioctlRevision), otherwise JSON per cluster with
 * every revision.
 */
export function meshViewResponse(request: Request, view: MeshView): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    const table = wantsTable(url);
    const revision = revisionParam(url);
    const mesh = await getMesh(registry, await selectClusters(registry, url.searchParams.get('cluster')));
    if (table) return text(tablesText(mesh.clusters, (c) => view.table(c, istioctlRevision(c, revision))));
    return json({
      clusters: mesh.clusters.map((c) => ({ ...statusOnly(c), ...view.fields(c, revision) })),
      generatedAt: mesh.generatedAt,
    });
  });
}
