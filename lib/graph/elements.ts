/**
 * TopologyResponse → Cytoscape element definitions, after the view's filters.
 * Pure and browser-safe: plain objects in the shape cytoscape's `cy.add()` accepts, so the
 * component only moves data into the canvas and tests need no DOM.
 */
import { trafficHealth, trafficLabel, type EdgeTraffic } from '../traffic/edges';
import type { TopologyEdge, TopologyNode, TopologyResponse } from '../types/api';
import { edgeId } from '../topology/edge-id';
import { nodeName } from '../topology/node-name';

/** What the view shows; empty `clusters` / `namespaces` mean "all". */
export interface GraphFilter {
  clusters: string[];
  namespaces: string[];
  hiddenNamespaces: string[];
  /** Only the services with endpoints in several clusters, and the paths between clusters. */
  crossOnly?: boolean;
}

export const NO_FILTER: GraphFilter = { clusters: [], namespaces: [], hiddenNamespaces: [] };

/** Edges that leave their cluster. */
const CROSS_KINDS: ReadonlySet<TopologyEdge['kind']> = new Set(['cross-cluster', 'east-west', 'unroutable']);

export interface NodeData {
  id: string;
  parent?: string;
  /** What the canvas prints (may hold a line break). */
  label: string;
  kind: TopologyNode['kind'];
  cluster: string;
  namespace?: string;
  /** Size of a box drawn as a plain node (flattenForBoxes). */
  w?: number;
  h?: number;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  kind: TopologyEdge['kind'];
  /** The dialled address, printed on cross-network hops, and the traffic when known. */
  label: string;
}

/** Traffic to draw on the edges (lib/traffic/edges.ts), and whether edges without any are left out. */
export interface EdgeTrafficView {
  byEdge: ReadonlyMap<string, EdgeTraffic>;
  hideIdle: boolean;
}

export type GraphElement =
  | { group: 'nodes'; data: NodeData; classes: string; position?: { x: number; y: number } }
  | { group: 'edges'; data: EdgeData; classes: string };

/** The nodes and edges left after the filter, with the parent each node gets in the canvas. */
export function filterTopology(topology: Pick<TopologyResponse, 'nodes' | 'edges'>, filter: GraphFilter) {
  const clusterShown = (c: string) => filter.clusters.length === 0 || filter.clusters.includes(c);
  const namespaceShown = (ns: string) =>
    !filter.hiddenNamespaces.includes(ns) && (filter.namespaces.length === 0 || filter.namespaces.includes(ns));

  let nodes: Array<{ node: TopologyNode; parent: string | null }> = [];
  for (const node of topology.nodes) {
    if (!clusterShown(node.cluster)) continue;
    if (node.kind === 'cluster' || node.namespace === undefined || namespaceShown(node.namespace)) {
      nodes.push({ node, parent: node.parent });
    } else if (node.kind === 'gateway') {
      // Gateways carry the cross-cluster paths: hiding istio-system must not cut them, so they move
      // up into their cluster's box.
      nodes.push({ node, parent: `cluster:${node.cluster}` });
    }
  }
  let kept = new Set(nodes.map((n) => n.node.id));
  for (const n of nodes) if (n.parent !== null && !kept.has(n.parent)) n.parent = null;
  // An empty namespace box (kube-node-lease, a namespace without services or pods) is only clutter.
  const parents = new Set(nodes.map((n) => n.parent));
  nodes = nodes.filter((n) => n.node.kind !== 'namespace' || parents.has(n.node.id));
  kept = new Set(nodes.map((n) => n.node.id));
  const edges = topology.edges.filter((e) => kept.has(e.source) && kept.has(e.target));
  return filter.crossOnly ? crossClusterOnly(nodes, edges) : { nodes, edges };
}

/**
 * The cross-cluster view: services that reach another cluster (with their local workloads too, so
 * both sides show), the east-west gateways and workloads they reach, the boxes around them, and every
 * cluster box (an unreachable one still shows).
 */
function crossClusterOnly(nodes: Array<{ node: TopologyNode; parent: string | null }>, edges: TopologyEdge[]) {
  const services = new Set(edges.filter((e) => CROSS_KINDS.has(e.kind) && e.source.startsWith('svc:')).map((e) => e.source));
  const keptEdges = edges.filter((e) => CROSS_KINDS.has(e.kind) || services.has(e.source));
  const ids = new Set(keptEdges.flatMap((e) => [e.source, e.target]));
  const parentOf = new Map(nodes.map((n) => [n.node.id, n.parent]));
  for (const id of [...ids]) for (let p = parentOf.get(id) ?? null; p !== null && !ids.has(p); p = parentOf.get(p) ?? null) ids.add(p);
  for (const n of nodes) if (n.node.kind === 'cluster') ids.add(n.node.id);
  return { nodes: nodes.filter((n) => ids.has(n.node.id)), edges: keptEdges };
}

export function nodeLabel(node: TopologyNode): string {
  switch (node.kind) {
    case 'cluster': {
      const id = node.clusterId ?? node.cluster;
      const parts = [id, node.network ? `network ${node.network}` : null, node.reachable === false ? 'unreachable' : null];
      return parts.filter(Boolean).join(' · ');
    }
    case 'workload':
      return `${nodeName(node)}\n${node.readyPods ?? 0}/${node.pods ?? 0} ready`;
    case 'gateway': {
      const where = node.pending ? 'external IP pending' : (node.addresses ?? []).join(', ');
      return `${nodeName(node)}\n${where}`;
    }
    default:
      return nodeName(node);
  }
}

export function nodeClasses(node: TopologyNode): string {
  const classes: string[] = [node.kind];
  if (node.kind === 'gateway') {
    classes.push(node.role ?? 'other');
    if (node.pending) classes.push('pending');
  }
  if (node.kind === 'workload' && (node.readyPods ?? 0) < (node.pods ?? 0)) classes.push('not-ready');
  if (node.kind === 'cluster' && node.reachable === false) classes.push('unreachable');
  return classes.join(' ');
}

/**
 * @param findings the worst mesh-check severity per node id (lib/checks/view topologyMarks): such nodes
 *   get a `finding-<severity>` class and say so in their label (colour is never the only signal).
 */
export function toElements(
  topology: Pick<TopologyResponse, 'nodes' | 'edges'>,
  filter: GraphFilter = NO_FILTER,
  traffic: EdgeTrafficView | null = null,
  findings: ReadonlyMap<string, string> | null = null,
): GraphElement[] {
  const { nodes, edges } = filterTopology(topology, filter);
  const elements: GraphElement[] = nodes.map(({ node, parent }) => {
    const finding = findings?.get(node.id);
    return {
      group: 'nodes',
      data: {
        id: node.id,
        ...(parent ? { parent } : {}),
        label: finding ? `${nodeLabel(node)}\n⚑ ${finding} finding` : nodeLabel(node),
        kind: node.kind,
        cluster: node.cluster,
        ...(node.namespace !== undefined ? { namespace: node.namespace } : {}),
      },
      classes: finding ? `${nodeClasses(node)} finding-${finding}` : nodeClasses(node),
    };
  });
  for (const e of edges) {
    const id = edgeId(e);
    const t = traffic?.byEdge.get(id);
    const health = traffic ? trafficHealth(t) : null;
    if (health === 'idle' && traffic?.hideIdle) continue;
    const label = [e.address, t && t.rps > 0 ? trafficLabel(t) : null].filter(Boolean).join('\n');
    elements.push({
      group: 'edges',
      data: { id, source: e.source, target: e.target, kind: e.kind, label },
      classes: health ? `${e.kind} traffic-${health}` : e.kind,
    });
  }
  return elements;
}

/** Every namespace name in the topology, sorted, for the filter and hide lists. */
export function namespaceNames(topology: Pick<TopologyResponse, 'nodes'>): string[] {
  const names = new Set<string>();
  for (const n of topology.nodes) if (n.kind === 'namespace' && n.namespace) names.add(n.namespace);
  return [...names].sort();
}

/** Every cluster (context name) in the topology, in the response's order. */
export function clusterNames(topology: Pick<TopologyResponse, 'nodes'>): string[] {
  return topology.nodes.filter((n) => n.kind === 'cluster').map((n) => n.cluster);
}
