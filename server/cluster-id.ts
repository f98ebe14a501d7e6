import 'server-only';
import type { Deadline } from './k8s/deadline';
import { clusterCache } from './cache/cluster-cache';
import { clusterIdFromIstiods, meshFacts } from './k8s/convert';
import type { ClusterHandle, Registry } from './k8s/registry';
import { fanOut } from './fanout';

/**
 * Context name → Istio cluster ID ("cluster1-admin@cluster1" → "cluster1"). Learnt from istiod's
 * CLUSTER_ID env, else the first row of its clusterz, else the injector values; kept on the cluster's
 * handle state (it changes only when Istio is reinstalled).
 */
export function rememberClusterId(cluster: ClusterHandle, id: string): void {
  cluster.state.clusterId = id;
}

export function knownClusterId(cluster: ClusterHandle): string | null {
  return cluster.state.clusterId;
}

/** The cluster ID, from istiod pods (and the injector ConfigMap if needed) in the watch-fed cache when not known yet. Null when Istio is not found. */
export async function resolveClusterId(cluster: ClusterHandle, deadline: Deadline): Promise<string | null> {
  const known = knownClusterId(cluster);
  if (known) return known;
  const cache = clusterCache(cluster);
  await cache.ready(deadline);
  const pods = cache.istiodPods();
  let id = pods.ok ? clusterIdFromIstiods(pods.items) : null;
  if (!id) {
    const cms = cache.configMaps();
    id = cms.ok ? meshFacts(cms.items).clusterId : null;
  }
  if (id) rememberClusterId(cluster, id);
  return id;
}

/**
 * The configured cluster a URL or parameter names: its kubeconfig context, else the cluster whose Istio
 * cluster ID it is (istioctl output, alerts and people name clusters by ID). A context name wins over an
 * equal ID of another cluster. IDs not learnt yet are read from every cluster at once, each under the
 * deadline; a cluster that cannot be read then simply does not match. Null when nothing matches.
 */
export async function clusterByName(registry: Registry, name: string): Promise<ClusterHandle | null> {
  const byContext = registry.get(name);
  if (byContext) return byContext;
  const known = registry.clusters.find((c) => knownClusterId(c) === name);
  if (known) return known;
  const { deadlineMs, cacheMs } = registry.config;
  const unknown = registry.clusters.filter((c) => knownClusterId(c) === null);
  const results = await fanOut(unknown, 'cluster-id', resolveClusterId, { deadlineMs, cacheMs, source: 'the Istio cluster ID' });
  const matched = results.find((r) => r.ok && r.data === name);
  return matched ? (registry.get(matched.cluster) ?? null) : null;
}
