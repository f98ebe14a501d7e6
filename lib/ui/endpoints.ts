import { ENDPOINT_HEALTH, type EndpointHealth, type EndpointRow, type EndpointTarget } from '@/lib/types/api';

/** The drill-down's filters, named as `istioctl proxy-config endpoints` flags and the API's query. */
export interface EndpointFilters {
  cluster: string;
  port: string;
  status: string;
  address: string;
}

export const FILTER_KEYS = ['cluster', 'port', 'status', 'address'] as const;

/** The status filter's choices: UNKNOWN (what the proxy cannot tell) last. */
export const ENDPOINT_STATUSES: EndpointHealth[] = [...ENDPOINT_HEALTH.filter((h) => h !== 'UNKNOWN'), 'UNKNOWN'];

export function readEndpointFilters(params: { get(name: string): string | null }): EndpointFilters {
  return {
    cluster: params.get('cluster') ?? '',
    port: params.get('port') ?? '',
    status: params.get('status') ?? '',
    address: params.get('address') ?? '',
  };
}

/** The non-empty filters as a query string (no leading '?'), for the page URL and the API alike. */
export function endpointFilterQuery(f: EndpointFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k].trim()) q.set(k, f[k].trim());
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

/**
 * What an endpoint address is, in words: the pod name, or "cluster1 east-west gateway, network network1".
 * `clusterId` maps the target's cluster (context or ID) to the Istio cluster ID people know from istioctl.
 */
export function targetLabel(t: EndpointTarget, clusterId: (cluster: string) => string = (c) => c): string {
  switch (t.kind) {
    case 'pod':
      return t.name;
    case 'eastwest-gateway':
      return `${clusterId(t.cluster)} east-west gateway${t.network ? `, network ${t.network}` : ''}`;
    case 'pipe':
      return 'local socket';
    case 'local':
      return t.name === 'this pod' ? 'this pod (loopback)' : `${t.name} (this pod)`;
    case 'apiserver':
      return `${clusterId(t.cluster)} Kubernetes API`;
    default:
      return 'unknown';
  }
}

/** Rows grouped by Envoy cluster, groups in first-seen order (the API already sorts as istioctl does). */
export function groupByEnvoyCluster(rows: EndpointRow[]): Array<{ cluster: string; rows: EndpointRow[] }> {
  const groups = new Map<string, EndpointRow[]>();
  for (const r of rows) {
    const g = groups.get(r.cluster);
    if (g) g.push(r);
    else groups.set(r.cluster, [r]);
  }
  return [...groups].map(([cluster, rs]) => ({ cluster, rows: rs }));
}

/** Counts for the health donut: outlier-ejected rows count as FAILED whatever their health says. */
export function healthMix(rows: EndpointRow[]): Array<{ name: string; value: number }> {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = r.outlierCheck === 'FAILED' ? 'OUTLIER FAILED' : r.status;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([name, value]) => ({ name, value }));
}
