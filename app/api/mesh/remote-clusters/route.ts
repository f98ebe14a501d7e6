import { remoteClustersTable } from '@/lib/istio/tables';
import { remoteClustersWithRevision } from '@/server/mesh';
import { meshViewResponse } from '@/server/mesh-view';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/mesh/remote-clusters[?cluster=<context>][&output=table]: `istioctl remote-clusters` per cluster. */
export function GET(request: Request): Promise<Response> {
  return meshViewResponse(request, {
    table: (c) => remoteClustersTable(c.remoteClusters, { withRevision: remoteClustersWithRevision(c) }),
    fields: (c) => ({ rows: c.remoteClusters }),
  });
}
