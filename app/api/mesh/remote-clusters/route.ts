import { remoteClustersTable } from '@/lib/istio/tables';
import { istiodRevisions, ofRevision, remoteClustersWithRevision } from '@/server/mesh';
import { meshViewResponse } from '@/server/mesh-view';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/mesh/remote-clusters[?cluster=<context>][&revision=<rev>][&output=table]: `istioctl remote-clusters` per cluster. */
export function GET(request: Request): Promise<Response> {
  return meshViewResponse(request, {
    table: (c, revision) => remoteClustersTable(ofRevision(c.remoteClusters, revision), { withRevision: remoteClustersWithRevision(c) }),
    fields: (c, revision) => ({ revisions: istiodRevisions(c), rows: ofRevision(c.remoteClusters, revision) }),
  });
}
