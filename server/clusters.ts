import 'server-only';
import type { ClusterInfo, ClustersResponse, SourceError } from '@/lib/types/api';
import { clusterCache } from './cache/cluster-cache';
import { knownClusterId } from './cluster-id';
import { clusterStatus } from './cluster-status';
import { fanOut } from './fanout';
import { createDeadline, type Deadline } from './k8s/deadline';
import type { KeepPolicy } from './k8s/kept-reading';
import { readJson } from './k8s/list-json';
import type { ClusterHandle, Registry } from './k8s/registry';
import { VersionShape } from './k8s/shapes';
import { clusterSnapshot } from './snapshot';
import { sourceReader } from './sources';

/** The Kubernetes version changes only on an upgrade: once read it is served a minute, then re-read in the background. */
export const VERSION_KEPT: KeepPolicy<VersionRead> = { maxAgeMs: 60_000, failed: (v) => v.error !== null };

export interface VersionRead {
  gitVersion: string | null;
  error: SourceError | null;
}

/** /version now. A failure keeps the version known before: it is the cluster's, and the failure is said. */
async function readVersion(cluster: ClusterHandle, deadline: Deadline): Promise<VersionRead> {
  const reader = sourceReader(cluster);
  const version = await reader.kube('version', readJson(cluster, '/version', deadline, VersionShape));
  const error = reader.errors[0] ?? null;
  return { gitVersion: version?.gitVersion ?? cluster.state.kubernetesVersion.peek()?.gitVersion ?? null, error };
}

/**
 * The Kubernetes version from the cluster's state (server/k8s/kept-reading.ts); until known it is read
 * now, under the request's deadline, and a background re-read gets a deadline of its own. Reachability
 * is not asked of /version: the watch-fed cache says it.
 */
function kubernetesVersion(registry: Registry) {
  return (cluster: ClusterHandle, deadline: Deadline) =>
    cluster.state.kubernetesVersion.get(VERSION_KEPT, (background) => readVersion(cluster, background ? createDeadline(registry.config.deadlineMs) : deadline));
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
    // Every kind: the answer shows each cluster's watch state, synced only once the Istio kinds are too.
    Promise.all(registry.clusters.map((c) => clusterSnapshot(c, deadline, 'all'))),
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
