/** Every react-query key and API URL in one place, so pages share caches and invalidations. */
const enc = encodeURIComponent;

export const queryKeys = {
  contexts: () => ['contexts'] as const,
  clusters: () => ['clusters'] as const,
  mesh: () => ['mesh'] as const,
  meshOfCluster: (cluster: string) => ['mesh', 'cluster', cluster] as const,
  /** The default view (level chosen by the server, every cluster) is plain ['topology']: what the page preloads. */
  topology: (level = 'auto', scope = '') => (level === 'auto' && !scope ? (['topology'] as const) : (['topology', level, scope] as const)),
  checks: () => ['checks'] as const,
  pods: (cluster: string, namespace: string) => ['pods', cluster, namespace] as const,
  endpoints: (cluster: string, namespace: string, pod: string, filterQuery: string) => ['endpoints', cluster, namespace, pod, filterQuery] as const,
  trace: (from: string, to: string) => ['trace', from, to] as const,
};

export const apiUrls = {
  contexts: () => '/api/contexts',
  events: () => '/api/events',
  clusters: () => '/api/clusters',
  mesh: () => '/api/mesh',
  meshOfCluster: (cluster: string) => `/api/mesh?cluster=${enc(cluster)}`,
  topology: (level = 'auto', scope = '') => {
    const q = new URLSearchParams();
    if (level !== 'auto') q.set('level', level);
    if (scope) q.set('cluster', scope);
    return q.size ? `/api/topology?${q}` : '/api/topology';
  },
  checks: () => '/api/checks',
  pods: (cluster: string, namespace: string) => `/api/clusters/${enc(cluster)}/pods${namespace ? `?namespace=${enc(namespace)}` : ''}`,
  /** `filterQuery` is a query string without '?', e.g. from endpointFilterQuery(). */
  endpoints: (cluster: string, namespace: string, pod: string, filterQuery = '') =>
    `/api/clusters/${enc(cluster)}/namespaces/${enc(namespace)}/pods/${enc(pod)}/endpoints${filterQuery ? `?${filterQuery}` : ''}`,
  trace: (from: string, to: string) => `/api/trace?${new URLSearchParams({ from, to })}`,
  remoteClustersTable: () => '/api/mesh/remote-clusters?output=table',
  proxyStatusTable: () => '/api/mesh/proxy-status?output=table',
};
