import 'server-only';
import type { ClusterInfo, ClustersResponse } from '@/lib/types/api';
import { knownClusterId, resolveClusterId } from './cluster-id';
import { fanOut } from './fanout';
import type { Deadline } from './k8s/deadline';
import { readJson } from './k8s/list-json';
import type { ClusterHandle, Registry } from './k8s/registry';
import { VersionShape } from './k8s/shapes';
import { sourceReader } from './sources';

async function readClusterInfo(cluster: ClusterHandle, deadline: Deadline): Promise<ClusterInfo> {
  const reader = sourceReader(cluster);
  const [version, clusterId] = await Promise.all([
    reader.kube('version', readJson(cluster, '/version', deadline, VersionShape)),
    // /version answers without credentials; the cluster-ID read also proves the credentials work.
    reader.kube('istiod pods', resolveClusterId(cluster, deadline)),
  ]);
  return {
    name: cluster.name,
    clusterId,
    server: cluster.server,
    reachable: true,
    kubernetesVersion: version?.gitVersion ?? null,
    error: reader.errors[0] ?? null,
    fetchedAt: new Date().toISOString(),
  };
}

export async function getClusters(registry: Registry): Promise<ClustersResponse> {
  const { deadlineMs, cacheMs } = registry.config;
  const results = await fanOut(registry.clusters, 'clusters', readClusterInfo, { deadlineMs, cacheMs, source: 'the API server' });
  return {
    clusters: results.map((r, i) => {
      if (r.ok) return r.data;
      const c = registry.clusters[i];
      return { name: c.name, clusterId: knownClusterId(c), server: c.server, reachable: false, kubernetesVersion: null, error: r.error, fetchedAt: new Date().toISOString() };
    }),
    demo: registry.demo,
    generatedAt: new Date().toISOString(),
  };
}
