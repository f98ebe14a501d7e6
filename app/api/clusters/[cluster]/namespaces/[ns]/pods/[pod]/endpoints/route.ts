import { endpointsTable } from '@/lib/istio/tables';
import { getEndpoints } from '@/server/endpoints';
import { BadRequest, configuredCluster, json, text, validNamespace, validPodName, wantsTable, withRegistry } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const STATUSES = ['healthy', 'unhealthy', 'draining', 'timeout', 'degraded', 'unknown'];

/**
 * istioctl's flags from the query. An unknown `status` matches no endpoint: istioctl then prints the
 * header alone, and so does `?output=table`; the JSON answer stays strict (400).
 */
function filterFrom(url: URL, table: boolean) {
  const p = url.searchParams;
  const cluster = p.get('cluster') || undefined;
  const address = p.get('address') || undefined;
  const status = p.get('status') || undefined;
  const portText = p.get('port') || undefined;
  if (cluster && cluster.length > 512) throw new BadRequest('cluster filter too long');
  if (address && (address.length > 253 || /\s/.test(address))) throw new BadRequest('invalid address filter');
  if (status && status.length > 64) throw new BadRequest('status filter too long');
  if (status && !table && !STATUSES.includes(status.toLowerCase())) throw new BadRequest(`status must be one of ${STATUSES.join(', ')}`);
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new BadRequest(`invalid port "${portText.slice(0, 20)}"`);
  }
  return { cluster, address, status, port };
}

/** GET /api/clusters/{cluster}/namespaces/{ns}/pods/{pod}/endpoints[?cluster=&port=&status=&address=&output=table] */
export function GET(request: Request, { params }: { params: Promise<{ cluster: string; ns: string; pod: string }> }): Promise<Response> {
  return withRegistry(async (registry) => {
    const raw = await params;
    const url = new URL(request.url);
    const cluster = await configuredCluster(registry, raw.cluster);
    const namespace = validNamespace(raw.ns);
    const pod = validPodName(raw.pod);
    const table = wantsTable(url);
    const result = await getEndpoints(registry, cluster, namespace, pod, filterFrom(url, table));
    return table ? text(endpointsTable(result.rows)) : json(result);
  });
}
