import type { PodSummary, TopologyNode } from '../types/api';

/** Pods of a workload node: same namespace and app label, and the same version when the pod has one. */
export function podsOfWorkload(pods: readonly PodSummary[], node: Pick<TopologyNode, 'namespace' | 'app' | 'version'>): PodSummary[] {
  return pods.filter((p) => p.namespace === node.namespace && p.app === node.app && (p.version === null || p.version === node.version));
}
