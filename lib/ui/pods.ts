import type { ClusterStatus, PodSummary } from '@/lib/types/api';

/** Pods with a sidecar first (only they have outbound endpoints), then by namespace and name. */
export function sortPods<T extends PodSummary>(pods: T[]): T[] {
  return [...pods].sort((a, b) => Number(b.hasSidecar) - Number(a.hasSidecar) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

export function podMatches(p: PodSummary, query: string): boolean {
  if (!query) return true;
  const needle = query.toLowerCase();
  return [p.name, p.namespace, p.workload.name, p.workload.version, p.ip ?? ''].some((s) => s.toLowerCase().includes(needle));
}

/**
 * Istio speaks cluster IDs ("cluster1"), our URLs context names ("cluster1-admin@cluster1").
 * Given either, returns both (the input stands in for a missing half). A context name wins over an
 * equal cluster ID of another cluster, as on the server.
 */
export function resolveCluster(nameOrId: string, clusters: Array<Pick<ClusterStatus, 'cluster' | 'clusterId'>>): { context: string; id: string } {
  const byContext = clusters.find((c) => c.cluster === nameOrId);
  if (byContext) return { context: byContext.cluster, id: byContext.clusterId ?? byContext.cluster };
  const byId = clusters.find((c) => c.clusterId === nameOrId);
  if (byId) return { context: byId.cluster, id: nameOrId };
  return { context: nameOrId, id: nameOrId };
}

/** istioctl names a proxy "<pod>.<namespace>" (a namespace has no dot, a pod name may): split at the last dot. */
export function proxyPod(name: string): { pod: string; namespace: string } | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return null;
  return { pod: name.slice(0, dot), namespace: name.slice(dot + 1) };
}
