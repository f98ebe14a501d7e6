import 'server-only';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import type { SourceError } from '@/lib/types/api';
import { knownClusterId, rememberClusterId } from './cluster-id';
import { fanOut } from './fanout';
import type { Deadline } from './k8s/deadline';
import { listJson } from './k8s/list-json';
import { clusterIdFromIstiods, clusterNetwork, gatewayServices, ISTIO_NAMESPACE, podSnapshot, serviceSnapshot } from './k8s/convert';
import type { ClusterHandle, Registry } from './k8s/registry';
import { NamespaceShape, PodShape, ServiceShape } from './k8s/shapes';
import { sourceReader } from './sources';

/**
 * One cluster as plain data for topology and target resolution: namespaces, services and pods, one
 * cluster-wide list each (three calls per cluster, paged for very large clusters).
 */
export async function readClusterSnapshot(cluster: ClusterHandle, deadline: Deadline): Promise<ClusterSnapshot> {
  const reader = sourceReader(cluster);
  const [namespaces, services, pods] = await Promise.all([
    reader.kube('namespaces', listJson(cluster, '/api/v1/namespaces', deadline, NamespaceShape)),
    reader.kube('services', listJson(cluster, '/api/v1/services', deadline, ServiceShape)),
    reader.kube('pods', listJson(cluster, '/api/v1/pods', deadline, PodShape)),
  ]);
  const gateways = gatewayServices(services?.items ?? []);
  const istioNamespace = namespaces?.items.find((n) => n.metadata?.name === ISTIO_NAMESPACE);
  const clusterId = clusterIdFromIstiods((pods?.items ?? []).filter((p) => p.metadata?.namespace === ISTIO_NAMESPACE)) ?? knownClusterId(cluster);
  if (clusterId) rememberClusterId(cluster, clusterId);
  return {
    cluster: cluster.name,
    clusterId,
    network: clusterNetwork(istioNamespace?.metadata?.labels, gateways),
    reachable: true,
    namespaces: (namespaces?.items ?? []).map((n) => n.metadata?.name ?? '').filter(Boolean).sort(),
    services: (services?.items ?? []).map(serviceSnapshot),
    pods: (pods?.items ?? []).map(podSnapshot),
    gateways,
    errors: reader.errors,
  };
}

export function unreachableSnapshot(cluster: ClusterHandle, error: SourceError): ClusterSnapshot {
  return { cluster: cluster.name, clusterId: knownClusterId(cluster), network: null, reachable: false, namespaces: [], services: [], pods: [], gateways: [], errors: [error] };
}

/**
 * Snapshots of every cluster, or of the given ones (cached briefly per cluster and shared by topology,
 * pods and endpoint resolution): a one-cluster page never waits for the others.
 */
export async function getSnapshots(registry: Registry, clusters: ClusterHandle[] = registry.clusters): Promise<ClusterSnapshot[]> {
  const { deadlineMs, cacheMs } = registry.config;
  const results = await fanOut(clusters, 'snapshot', readClusterSnapshot, { deadlineMs, cacheMs, source: 'the cluster inventory' });
  return results.map((r, i) => (r.ok ? r.data : unreachableSnapshot(clusters[i], r.error)));
}
