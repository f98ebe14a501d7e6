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
import { byCluster, nodeOrder, type ClusterPart, type Topology } from './build';

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

/** One cluster's nodes at the clusters level: its node, with the counts of what it stands for, and its gateways. */
export function clusterLevelNodes(part: ClusterPart): TopologyNode[] {
  const shown: TopologyNode[] = [];
  const counts = { services: 0, workloads: 0, pods: 0, readyPods: 0 };
  for (const n of part.nodes) {
    if (n.kind === 'cluster') shown.push({ ...n });
    else if (n.kind === 'gateway') shown.push({ ...n, parent: part.clusterNodeId });
    else if (n.kind === 'service') counts.services++;
    else if (n.kind === 'workload') {
      counts.workloads++;
      counts.pods += n.pods ?? 0;
      counts.readyPods += n.readyPods ?? 0;
    }
  }
  const node = shown.find((n) => n.kind === 'cluster');
  if (node && counts.services + counts.workloads > 0) node.counts = counts;
  return shown;
}

/**
 * The clusters level's edge from one cluster to another, or null: every edge of the workload graph from
 * `from`'s Services to what they reach in `to`, counted. The kind follows from the two clusters alone
 * (a shared network, else `to`'s east-west gateway, else unroutable), so a pair has one edge at most.
 */
export function clusterPairEdge(from: ClusterPart, to: ClusterPart): TopologyEdge | null {
  const kind: TopologyEdge['kind'] = to.network === from.network ? 'cross-cluster' : to.eastWest ? 'east-west' : 'unroutable';
  let count = 0;
  for (const [hostname, here] of to.services) {
    if (here.workloads.length === 0 || !from.services.has(hostname)) continue;
    // Through the gateway, each Service dials the gateway once; otherwise each workload.
    count += kind === 'east-west' ? 1 : here.workloads.length;
  }
  if (count === 0) return null;
  if (kind === 'east-west') return { source: from.clusterNodeId, target: to.eastWest!.id, kind, count, address: to.eastWest!.dial };
  return { source: from.clusterNodeId, target: to.clusterNodeId, kind, count };
}

/**
 * Each east-west gateway's edge into its own cluster: the workloads it forwards to, counted once each
 * (a workload some Service of another network reaches through it).
 */
function gatewayEdges(ordered: ClusterPart[]): TopologyEdge[] {
  // Per hostname, the network of the clusters that define it, or null for several.
  const networks = new Map<string, { network: string | null } | null>();
  for (const part of ordered) {
    for (const hostname of part.services.keys()) {
      const known = networks.get(hostname);
      if (known === undefined) networks.set(hostname, { network: part.network });
      else if (known && known.network !== part.network) networks.set(hostname, null);
    }
  }
  const edges: TopologyEdge[] = [];
  for (const part of ordered) {
    if (!part.eastWest) continue;
    const reached = new Set<string>();
    for (const [hostname, here] of part.services) {
      const defined = networks.get(hostname);
      if (defined && defined.network === part.network) continue; // no client on another network
      for (const wl of here.workloads) reached.add(wl);
    }
    if (reached.size) edges.push({ source: part.eastWest.id, target: part.clusterNodeId, kind: 'east-west', count: reached.size });
  }
  return edges;
}

/**
 * The clusters level of the whole graph from the clusters' parts (lib/topology/build.ts clusterPart),
 * without building or visiting the workload graph's edges (half a million at 50 clusters): each pair of
 * clusters counted at once (pairEdge), each gateway's workloads, each cluster's nodes (nodesOf). The
 * same answer as topologyAtLevel(buildTopology(...), { level: 'clusters' }) but for the order of its
 * edges (levels.test.ts). pairEdge and nodesOf see one or two clusters, so a caller may keep their
 * answers between builds: then a change in one cluster costs its own pairs and nodes.
 */
export function clustersLevel(parts: ClusterPart[], pairEdge = clusterPairEdge, nodesOf = clusterLevelNodes): Topology {
  const ordered = byCluster(parts);
  const nodes = ordered.flatMap(nodesOf).sort(nodeOrder);
  const edges: TopologyEdge[] = [];
  for (const from of ordered) {
    for (const to of ordered) {
      const e = to === from ? null : pairEdge(from, to);
      if (e) edges.push(e);
    }
  }
  edges.push(...gatewayEdges(ordered));
  return { nodes, edges, services: [] };
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
