import 'server-only';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import { clusterCache } from './cache/cluster-cache';
import { knownClusterId, rememberClusterId } from './cluster-id';
import { createDeadline, type Deadline } from './k8s/deadline';
import type { ClusterHandle, Registry } from './k8s/registry';

/**
 * One cluster as plain data for topology and target resolution (namespaces, services, pods, gateways),
 * served from the cluster's watch-fed cache. Before the cache has synced the kinds the snapshot is built
 * from (`all`: every kind, for a caller that shows the watch state), the call waits, up to the deadline;
 * then the cluster is answered as `syncing` (its watch state says so, its lists are empty).
 */
export async function clusterSnapshot(cluster: ClusterHandle, deadline: Deadline, kinds: 'graph' | 'all' = 'graph'): Promise<ClusterSnapshot> {
  const cache = clusterCache(cluster);
  await cache.ready(deadline, kinds);
  return snapshotNow(cluster);
}

/** The snapshot as the cache holds it right now, without waiting. */
export function snapshotNow(cluster: ClusterHandle): ClusterSnapshot {
  const snapshot = clusterCache(cluster).snapshot(knownClusterId(cluster));
  if (snapshot.clusterId) rememberClusterId(cluster, snapshot.clusterId);
  return snapshot;
}

/**
 * Snapshots of every cluster, or of the given ones, each waiting for its own cache only: a cluster
 * that is slow to sync never holds back another's answer past the one deadline.
 */
export function getSnapshots(registry: Registry, clusters: ClusterHandle[] = registry.clusters): Promise<ClusterSnapshot[]> {
  const deadline = createDeadline(registry.config.deadlineMs);
  return Promise.all(clusters.map((c) => clusterSnapshot(c, deadline)));
}
