import type { TopologyNode } from '../types/api';

/**
 * What a topology node is called. Services and workloads, most of a fleet's nodes, carry no `label` on
 * the wire: a service is called by its name, a workload by its app and version ("reviews v2").
 */
export function nodeName(node: TopologyNode): string {
  if (node.label !== undefined) return node.label;
  if (node.kind === 'workload') return `${node.app} ${node.version}`;
  return node.name ?? node.id;
}
