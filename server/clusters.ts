import 'server-only';
import type { ClusterInfo, ClustersResponse } from '@/lib/types/api';
import { clusterCache } from './cache/cluster-cache';
import { knownClusterId } from './cluster-id';
import { fanOut } from './fanout';
import { createDeadline, type Deadline } from './k8s/deadline';
import { readJson } from './k8s/list-json';
import type { ClusterHandle, Registry } from './k8s/registry';
import { VersionShape } from './k8s/shapes';
import { clusterSnapshot } from './snapshot';
import { sourceReader } from './sources';

async function readVersion(cluster: ClusterHandle, deadline: Deadline) {
  const reader = sourceReader(cluster);
  const version = await reader.kube('version', readJson(cluster, '/version', deadline, VersionShape));
  return { gitVersion: version?.gitVersion ?? null, error: reader.errors[0] ?? null };
}

/**
 * Every configured cluster: reachability and Istio cluster ID from its watch-fed cache (the lists prove
 * the credentials work), the Kubernetes version from /version, and the cache's watch state.
 */
export async function getClusters(registry: Registry): Promise<ClustersResponse> {
  const { deadlineMs, cacheMs } = registry.config;
  const deadline = createDeadline(deadlineMs);
  const [versions, snapshots] = await Promise.all([
    fanOut(registry.clusters, 'version', readVersion, { deadlineMs, cacheMs, source: 'the API server' }),
    Promise.all(registry.clusters.map((c) => clusterSnapshot(c, deadline))),
  ]);
  return {
    clusters: registry.clusters.map((c, i): ClusterInfo => {
      const version = versions[i];
      const snapshot = snapshots[i];
      // /version failing says why first (the smallest read); then the cache's reason.
      const error = (version.ok ? version.data.error : version.error) ?? snapshot.errors[0] ?? null;
      return {
        name: c.name,
        clusterId: snapshot.clusterId ?? knownClusterId(c),
        server: c.server,
        reachable: snapshot.reachable && version.ok,
        kubernetesVersion: version.ok ? version.data.gitVersion : null,
        error,
        fetchedAt: new Date().toISOString(),
        watch: clusterCache(c).watch(),
      };
    }),
    demo: registry.demo,
    generatedAt: new Date().toISOString(),
  };
}
