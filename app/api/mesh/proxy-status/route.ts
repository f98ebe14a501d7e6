import { proxyStatusTable } from '@/lib/istio/tables';
import { proxyStatusFormat } from '@/server/mesh';
import { meshViewResponse } from '@/server/mesh-view';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/mesh/proxy-status[?cluster=<context>][&output=table]: `istioctl proxy-status` per cluster, the
 * table in the layout of the istioctl matching the cluster's istiod version.
 */
export function GET(request: Request): Promise<Response> {
  return meshViewResponse(request, {
    table: (c) => proxyStatusTable(c.proxySync?.proxies ?? [], proxyStatusFormat(c)),
    fields: (c) => ({ proxySync: c.proxySync }),
  });
}
