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
import type { Topology } from './build';

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

/** An edge that leaves the scope or the cluster starts from a coarser node, so it is counted, not repeated. */
function liftedSource(s: TopologyNode, t: TopologyNode, scope: TopologyScope, fleet: boolean): string {
  const rep = representative(s, scope);
  if (s.kind === 'gateway' || s.kind === 'cluster') return rep;
  if (fleet && s.cluster !== t.cluster) return clusterId(s.cluster);
  const crossesScope = inScope(s, scope) && !inScope(t, scope);
  if (scope.level === 'workloads' && crossesScope && s.namespace) return nsId(s.cluster, s.namespace);
  if (scope.level === 'namespaces' && s.cluster !== t.cluster) return clusterId(s.cluster);
  return rep;
}

export function topologyAtLevel(full: Topology, scope: TopologyScope): Topology {
  const fleet = full.edges.length > MAX_DETAILED_EDGES;
  if (scope.level === 'workloads' && !scope.cluster && !scope.namespace && !fleet) return full;
  const byId = new Map(full.nodes.map((n) => [n.id, n]));
  const nodes = new Map<string, TopologyNode>();
  const counts = new Map<string, NonNullable<TopologyNode['counts']>>();
  for (const n of full.nodes) {
    const rep = representative(n, scope);
    if (rep === n.id) {
      const shown: TopologyNode = { ...n };
      if (n.kind === 'gateway' && scope.level === 'clusters') shown.parent = clusterId(n.cluster);
      if (!inScope(n, scope) && n.kind === 'cluster') shown.outside = true;
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
    if (n && n.id !== id) continue;
    if (n && (n.kind === 'cluster' || n.kind === 'namespace')) n.counts = c;
  }

  const edges = new Map<string, TopologyEdge>();
  for (const e of full.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const source = liftedSource(s, t, scope, fleet);
    const target = representative(t, scope);
    if (source === target) continue;
    if (source === e.source && target === e.target) {
      edges.set(e.id, e);
      continue;
    }
    const id = `${source}->${target}:${e.kind}`;
    const known = edges.get(id);
    if (known) {
      known.count = (known.count ?? 1) + 1;
      if (known.address !== e.address) delete known.address;
    } else {
      const lifted: TopologyEdge = { id, source, target, kind: e.kind, count: 1 };
      if (e.address) lifted.address = e.address;
      edges.set(id, lifted);
      // A lifted source that is not drawn yet (a namespace of the scope) is drawn.
      if (!nodes.has(source)) nodes.set(source, byId.get(source) ?? { id: source, kind: 'namespace', parent: clusterId(s.cluster), label: s.namespace ?? source, cluster: s.cluster });
    }
  }
  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    services: scope.level === 'workloads' ? full.services.filter((svc) => !scope.namespace || svc.namespace === scope.namespace) : [],
  };
}

/** The most detailed level whose graph fits MAX_DRAWN_NODES (clusters always fits the page). */
export function fittingLevel(full: Topology, scope: Omit<TopologyScope, 'level'>, max = MAX_DRAWN_NODES): { level: TopologyLevel; topology: Topology } {
  for (const level of TOPOLOGY_LEVELS) {
    const topology = topologyAtLevel(full, { ...scope, level });
    if (topology.nodes.length <= max || level === 'clusters') return { level, topology };
  }
  throw new Error('unreachable: the clusters level always fits');
}
