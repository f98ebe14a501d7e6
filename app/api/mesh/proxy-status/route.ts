import { proxySync } from '@/lib/istio/syncz';
import { proxyStatusTable } from '@/lib/istio/tables';
import { istiodRevisions, ofRevision, proxyStatusFormat } from '@/server/mesh';
import { meshViewResponse } from '@/server/mesh-view';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/mesh/proxy-status[?cluster=<context>][&revision=<rev>][&output=table]: `istioctl proxy-status`
 * per cluster, the table in the layout of the istioctl matching the cluster's istiod version. JSON has
 * every revision's proxies, grouped by revision.
 */
export function GET(request: Request): Promise<Response> {
  return meshViewResponse(request, {
    table: (c, revision) => proxyStatusTable(ofRevision(c.proxySync?.proxies ?? [], revision), proxyStatusFormat(c)),
    fields: (c, revision) => ({
      revisions: istiodRevisions(c),
      proxySync: c.proxySync && proxySync(ofRevision(c.proxySync.proxies, revision)),
    }),
  });
}

