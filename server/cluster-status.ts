import 'server-only';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import type { ClusterStatus, SourceError } from '@/lib/types/api';
import { knownClusterId } from './cluster-id';
import type { ClusterResult } from './fanout';
import type { ClusterHandle } from './k8s/registry';

/**
 * The result envelope (lib/types/api.ts ClusterStatus), built here and nowhere else: every route says
 * what each cluster gave it in this one shape.
 */
export function clusterStatus(cluster: ClusterHandle, ok: boolean, errors: SourceError[], clusterId: string | null = knownClusterId(cluster)): ClusterStatus {
  return { cluster: cluster.name, clusterId, ok, errors, fetchedAt: new Date().toISOString() };
}

/** A fan-out result as the envelope: a failed read is the cluster not ok, its error the reason. */
export function fanOutStatus<T>(cluster: ClusterHandle, result: ClusterResult<T>): ClusterStatus {
  return result.ok ? clusterStatus(cluster, true, []) : clusterStatus(cluster, false, [result.error]);
}

/**
 * A watch-fed cache snapshot as the envelope: a cluster that cannot be read, or whose cache is still
 * syncing (its lists empty), is not ok; a kind failing while the others are served is an error of an ok
 * cluster.
 */
export function snapshotStatus(cluster: ClusterHandle, snapshot: ClusterSnapshot): ClusterStatus {
  const ok = snapshot.reachable && !snapshot.syncing;
  return clusterStatus(cluster, ok, [...snapshot.errors], snapshot.clusterId ?? knownClusterId(cluster));
}

/** The envelope alone of a route's per-cluster entry (a view that answers fewer of its fields). */
export function statusOnly({ cluster, clusterId, ok, errors, fetchedAt }: ClusterStatus): ClusterStatus {
  return { cluster, clusterId, ok, errors, fetchedAt };
}
