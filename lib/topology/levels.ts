/**
 * Topology levels: the workload graph (lib/topology/build.ts) aggregated on the server, so no response
 * carries one edge per service × remote cluster (50 clusters: half a million edges).
 *  - workloads: every service, workload and gateway (today's graph); with a cluster= / namespace=
 *    scope, what lies outside it collapses into its cluster's node and the edges that cross the scope
 *    are lifted to their namespace, one per (namespace, remote cluster, kind) with a count;
 *  - namespaces: clusters, namespaces and gateways; edges inside a cluster between namespaces, edges
 *    between clusters from the client cluster to the remote gateway (or cluster);
 *  - clusters: clusters and their gateways; edges between clusters with counts.
 * Pure: tests and the server call it alike.
 */
import type { TopologyEdge, TopologyLevel, TopologyNode } from '../types/api';
import type { PreparedTopology, Topology } from './build';

export interface TopologyScope {
  level: TopologyLevel;
  /** Only this cluster (context name) in detail. */
  cluster?: string | null;
  /** Only this namespace in detail (of every cluster, or of `cluster`). */
  namespace?: string | null;
}

export const TOPOLOGY_LEVELS: readonly TopologyLevel[] = ['workloads', 'namespaces', 'clusters'];

/** The most detailed level a browser draws well: "about 2,000 nodes". */
export const MAX_DRAWN_NODES = 2000;

/**
 * Past this many workload-level edges (a fleet: every service in every cluster), the workloads level
 * too draws cross-cluster edges from the client's cluster node, one per remote node and kind, with a
 * count: 50 clusters would otherwise answer half a million service × remote cluster edges.
 */
export const MAX_DETAILED_EDGES = 20_000;

const clusterId = (c: string) => `cluster:${c}`;
const nsId = (c: string, ns: string) => `ns:${c}:${ns}`;

function inScope(n: TopologyNode, scope: TopologyScope): boolean {
  if (scope.cluster && n.cluster !== scope.cluster) return false;
  if (scope.namespace && n.kind !== 'cluster' && n.namespace !== scope.namespace) return false;
  return true;
}

/** The node that stands for `n` at the level (itself when it is drawn). */
function representative(n: TopologyNode, scope: TopologyScope): string {
  if (!inScope(n, scope)) return clusterId(n.cluster);
  if (n.kind === 'cluster' || n.kind === 'gateway') return n.id;
  if (scope.level === 'clusters') return clusterId(n.cluster);
  if (n.kind === 'namespace' || scope.level === 'namespaces') return n.namespace ? nsId(n.cluster, n.namespace) : clusterId(n.cluster);
  return n.id;
}

/**
 * One node of the full graph as the level sees it, worked out once per node: the edge pass (half a
 * million edges at fleet size) then only looks these up instead of building id strings per edge.
 */
interface Placed {
  node: TopologyNode;
  inScope: boolean;
  /** representative() */
  rep: string;
  /** Its cluster's node id. */
  clusterRep: string;
  /** Its namespace's node id, when it has a namespace. */
  nsRep: string | null;
}

/** Every node of the full graph placed at the level, by id. */
function placeNodes(full: Pick<Topology, 'nodes'>, scope: TopologyScope): Map<string, Placed> {
  const clusterIds = new Map<string, string>();
  const placed = new Map<string, Placed>();
  for (const node of full.nodes) {
    let clusterRep = clusterIds.get(node.cluster);
    if (clusterRep === undefined) clusterIds.set(node.cluster, (clusterRep = clusterId(node.cluster)));
    const rep = representative(node, scope);
    placed.set(node.id, { node, inScope: inScope(node, scope), rep: rep === clusterRep ? clusterRep : rep, clusterRep, nsRep: node.namespace ? nsId(node.cluster, node.namespace) : null });
  }
  return placed;
}

/** An edge that leaves the scope or the cluster starts from a coarser node, so it is counted, not repeated. */
function liftedSource(s: Placed, t: Placed, level: TopologyLevel, fleet: boolean): string {
  const kind = s.node.kind;
  if (kind === 'gateway' || kind === 'cluster') return s.rep;
  const crossCluster = s.node.cluster !== t.node.cluster;
  if (fleet && crossCluster) return s.clusterRep;
  if (level === 'workloads' && s.inScope && !t.inScope && s.nsRep) return s.nsRep;
  if (level === 'namespaces' && crossCluster) return s.clusterRep;
  return s.rep;
}

/** Nodes drawn at each level for a scope, from the nodes alone (no edge pass): picks the level before drawing it. */
export function levelSizes(full: Pick<Topology, 'nodes'>, scope: Omit<TopologyScope, 'level'>): Record<TopologyLevel, number> {
  const sizes = { workloads: 0, namespaces: 0, clusters: 0 };
  for (const level of TOPOLOGY_LEVELS) {
    const atLevel = { ...scope, level };
    for (const n of full.nodes) if (representative(n, atLevel) === n.id) sizes[level]++;
  }
  return sizes;
}

/** The nodes a level draws (with the counts of what they stand for), and every node of the graph placed at the level. */
function levelNodes(full: Pick<Topology, 'nodes'>, scope: TopologyScope): { placed: Map<string, Placed>; nodes: Map<string, TopologyNode> } {
  const placed = placeNodes(full, scope);
  const nodes = new Map<string, TopologyNode>();
  const counts = new Map<string, NonNullable<TopologyNode['counts']>>();
  for (const { node: n, rep, inScope: drawnInDetail } of placed.values()) {
    if (rep === n.id) {
      const shown: TopologyNode = { ...n };
      if (n.kind === 'gateway' && scope.level === 'clusters') shown.parent = clusterId(n.cluster);
      if (!drawnInDetail && n.kind === 'cluster') shown.outside = true;
      nodes.set(n.id, shown);
    }
    if (n.kind !== 'service' && n.kind !== 'workload') continue;
    const c = counts.get(rep) ?? { services: 0, workloads: 0, pods: 0, readyPods: 0 };
    if (n.kind === 'service') c.services++;
    else {
      c.workloads++;
      c.pods += n.pods ?? 0;
      c.readyPods += n.readyPods ?? 0;
    }
    counts.set(rep, c);
  }
  for (const [id, c] of counts) {
    const n = nodes.get(id);
    if (n && (n.kind === 'cluster' || n.kind === 'namespace')) n.counts = c;
  }
  return { placed, nodes };
}

/**
 * Counts edges into `lifted` (by source, then target, then kind), the first of each pair and kind
 * appended to `edges`: what every level does with an edge whose ends it draws coarser.
 */
function countLifted(lifted: Map<string, Map<string, TopologyEdge[]>>, edges: TopologyEdge[], source: string, target: string, kind: TopologyEdge['kind'], address: string | undefined): TopologyEdge | null {
  let byTarget = lifted.get(source);
  if (!byTarget) lifted.set(source, (byTarget = new Map()));
  let parallel = byTarget.get(target);
  if (!parallel) byTarget.set(target, (parallel = []));
  const known = parallel.find((k) => k.kind === kind);
  if (known) {
    known.count = (known.count ?? 1) + 1;
    if (known.address !== address) delete known.address;
    return null;
  }
  const edge: TopologyEdge = { source, target, kind, count: 1 };
  if (address) edge.address = address;
  parallel.push(edge);
  edges.push(edge);
  return edge;
}

/**
 * The clusters level of the whole graph straight from the edge pass (PreparedTopology.forEachEdge):
 * each edge counted into its cluster (or gateway) pair as it is found, none built. The same answer as
 * topologyAtLevel(buildTopology(...), { level: 'clusters' }) (levels.test.ts), at a fraction of the
 * cost: at 50 clusters the default view no longer builds and walks half a million edges.
 */
export function clustersLevel(prepared: PreparedTopology): Topology {
  const { nodes } = levelNodes(prepared, { level: 'clusters' });
  const edges: TopologyEdge[] = [];
  const lifted = new Map<string, Map<string, TopologyEdge[]>>();
  prepared.forEachEdge((source, target, kind, address, from, to, gatewayEnd) => {
    const s = gatewayEnd === 'source' ? source : from.clusterNodeId;
    const t = gatewayEnd === 'target' ? target : to.clusterNodeId;
    if (s !== t) countLifted(lifted, edges, s, t, kind, address);
  });
  return { nodes: [...nodes.values()], edges, services: [] };
}

export function topologyAtLevel(full: Topology, scope: TopologyScope): Topology {
  const fleet = full.edges.length > MAX_DETAILED_EDGES;
  if (scope.level === 'workloads' && !scope.cluster && !scope.namespace && !fleet) return full;
  const { placed, nodes } = levelNodes(full, scope);
  const edges: TopologyEdge[] = [];
  // Lifted edges by source, then target, then kind: no id string is built per workload-level edge.
  const lifted = new Map<string, Map<string, TopologyEdge[]>>();
  for (const e of full.edges) {
    const s = placed.get(e.source);
    const t = placed.get(e.target);
    if (!s || !t) continue;
    const source = liftedSource(s, t, scope.level, fleet);
    const target = t.rep;
    if (source === target) continue;
    if (source === e.source && target === e.target) {
      edges.push(e);
      continue;
    }
    if (!countLifted(lifted, edges, source, target, e.kind, e.address)) continue;
    // A lifted source that is not drawn yet (a namespace of the scope) is drawn.
    if (!nodes.has(source)) nodes.set(source, placed.get(source)?.node ?? { id: source, kind: 'namespace', parent: s.clusterRep, label: s.node.namespace ?? source, cluster: s.node.cluster });
  }
  return {
    nodes: [...nodes.values()],
    edges,
    services: scope.level === 'workloads' ? full.services.filter((svc) => !scope.namespace || svc.namespace === scope.namespace) : [],
  };
}

/** The most detailed level whose graph fits MAX_DRAWN_NODES (clusters always fits the page), chosen by its node counts (levelSizes). */
export function fittingLevel(sizes: Record<TopologyLevel, number>, max = MAX_DRAWN_NODES): TopologyLevel {
  return TOPOLOGY_LEVELS.find((level) => sizes[level] <= max) ?? 'clusters';
}
