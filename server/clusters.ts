import 'server-only';
import type { ClusterInfo, ClustersResponse, SourceError } from '@/lib/types/api';
import { clusterCache } from './cache/cluster-cache';
import { knownClusterId } from './cluster-id';
import { clusterStatus } from './cluster-status';
import { fanOut } from './fanout';
import { createDeadline, type Deadline } from './k8s/deadline';
import { readJson } from './k8s/list-json';
import type { ClusterHandle, Registry } from './k8s/registry';
import { VersionShape } from './k8s/shapes';
import { clusterSnapshot } from './snapshot';
import { sourceReader } from './sources';

/** How long a learnt Kubernetes version is served before /version is read again, in the background. */
export const VERSION_MAX_AGE_MS = 60_000;

/** /version now; a version read without error is kept on the cluster's state. */
async function readVersion(cluster: ClusterHandle, deadline: Deadline) {
  const reader = sourceReader(cluster);
  const version = await reader.kube('version', readJson(cluster, '/version', deadline, VersionShape));
  const gitVersion = version?.gitVersion ?? null;
  const error = reader.errors[0] ?? null;
  if (!error) cluster.state.kubernetesVersion = { gitVersion, readAt: Date.now() };
  return { gitVersion, error };
}

/**
 * The Kubernetes version changes only on an upgrade: once known it is answered from the cluster's state
 * (never waiting), and re-read in the background when older than VERSION_MAX_AGE_MS. Until known, it is
 * read now, under the deadline. Reachability is not asked of /version: the watch-fed cache says it.
 */
function kubernetesVersion(registry: Registry) {
  const { deadlineMs, cacheMs } = registry.config;
  return async (cluster: ClusterHandle, deadline: Deadline) => {
    const known = cluster.state.kubernetesVersion;
    if (!known) return readVersion(cluster, deadline);
    // Single-flight by the fan-out's result cache; its failure is only a version not renewed.
    if (Date.now() - known.readAt > VERSION_MAX_AGE_MS) void fanOut([cluster], 'version-refresh', readVersion, { deadlineMs, cacheMs, source: 'the API server' });
    return { gitVersion: known.gitVersion, error: null };
  };
}

/**
 * Every configured cluster: reachability and Istio cluster ID from its watch-fed cache (the lists prove
 * the credentials work), the Kubernetes version (read from /version until known, then kept), and the
 * cache's watch state.
 */
export async function getClusters(registry: Registry): Promise<ClustersResponse> {
  const { deadlineMs, cacheMs } = registry.config;
  const deadline = createDeadline(deadlineMs);
  const [versions, snapshots] = await Promise.all([
    fanOut(registry.clusters, 'version', kubernetesVersion(registry), { deadlineMs, cacheMs, source: 'the API server' }),
    Promise.all(registry.clusters.map((c) => clusterSnapshot(c, deadline))),
  ]);
  return {
    clusters: registry.clusters.map((c, i): ClusterInfo => {
      const version = versions[i];
      const snapshot = snapshots[i];
      // /version failing says why first (the smallest read); then the cache's reasons, unless the same.
      const versionError = version.ok ? version.data.error : version.error;
      const same = (e: SourceError) => versionError !== null && e.kind === versionError.kind && e.message === versionError.message;
      const errors = [...(versionError ? [versionError] : []), ...snapshot.errors.filter((e) => !same(e))];
      return {
        ...clusterStatus(c, snapshot.reachable && version.ok, errors, snapshot.clusterId ?? knownClusterId(c)),
        server: c.server,
        kubernetesVersion: version.ok ? version.data.gitVersion : null,
        watch: clusterCache(c).watch(),
      };
    }),
    demo: registry.demo,
    generatedAt: new Date().toISOString(),
  };
}
