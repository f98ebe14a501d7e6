import 'server-only';
import { listed } from '@/lib/mesh/snapshot';
import { workloadOf } from '@/lib/mesh/workload';
import type { PodsResponse } from '@/lib/types/api';
import type { ClusterHandle, Registry } from './k8s/registry';
import { snapshotStatus } from './cluster-status';
import { getSnapshots } from './snapshot';

/** Pods for the pod picker, from the cluster's (cached) snapshot; optionally one namespace. */
export async function getPods(registry: Registry, cluster: ClusterHandle, namespace: string | null): Promise<PodsResponse> {
  const [snapshot] = await getSnapshots(registry, [cluster]);
  const status = snapshotStatus(cluster, snapshot);
  const pods = snapshot.pods
    .filter((p) => namespace === null || p.namespace === namespace)
    .map((p) => ({
      name: p.name,
      namespace: p.namespace,
      ip: p.ip,
      phase: p.phase,
      ready: p.ready,
      hasSidecar: p.hasSidecar,
      workload: workloadOf(cluster.name, p),
    }))
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    cluster: cluster.name,
    namespaces: snapshot.namespaces,
    pods,
    // The pod list is this route's data: without it the cluster gave nothing.
    clusters: [{ ...status, ok: status.ok && listed(snapshot, 'pods') }],
    fetchedAt: new Date().toISOString(),
  };
}
