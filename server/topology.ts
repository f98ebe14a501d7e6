import 'server-only';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import { buildFromParts, type Topology } from '@/lib/topology/build';
import { fittingLevel, topologyAtLevel, type TopologyScope } from '@/lib/topology/levels';
import type { ClusterStatus, TopologyLevel, TopologyResponse } from '@/lib/types/api';
import { snapshotStatus } from './cluster-status';
import type { Registry } from './k8s/registry';
import { getSnapshots } from './snapshot';
import { clusterTopology, keptClustersLevel, keptLevelSizes, type KeptPart } from './topology-part';

/** What /api/topology is asked: a level (none: the most detailed that fits) and an optional scope. */
export type TopologyQuery = Omit<TopologyScope, 'level'> & { level: TopologyLevel | null };

interface View {
  response: Omit<TopologyResponse, 'generatedAt' | 'clusters'>;
  /**
   * The JSON's UTF-8 bytes up to its closing brace, serialized and encoded on first send and only kept so
   * (13 MB at 50 clusters' workloads took 10 ms per request to encode; the string is not kept beside
   * them). Each answer ends them with the clusters' statuses and its own generatedAt.
   */
  bytes: Uint8Array<ArrayBuffer> | null;
}

/**
 * The last graph answered: every cluster's kept part (server/topology-part.ts), the graph with every
 * edge (built on first need: the default view of a fleet, the clusters level, is counted from the parts
 * without it), and every view of it asked since (level and scope): while the parts are the same
 * (no object changed), nothing is rebuilt or serialized again. At 50,000 pods building every edge takes
 * hundreds of ms.
 */
interface Graph {
  kept: KeptPart[];
  full: Topology | null;
  views: Map<string, View>;
  sizes: Map<string, Record<TopologyLevel, number>>;
}

/**
 * The clusters' statuses of the last snapshots, apart from the graph: a snapshot also changes when only
 * a cluster's state does (an Istio kind synced, a watch reconnected), and the graph then stays as it was.
 */
interface Statuses {
  snapshots: ClusterSnapshot[];
  clusters: ClusterStatus[];
  /** `,"clusters":[…]`, encoded on first send. */
  bytes: Uint8Array<ArrayBuffer> | null;
}

let last: Graph | null = null;
let lastStatuses: Statuses | null = null;

const same = <T>(a: T[], b: T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The graph with every edge (buildTopology's), built once per set of parts. */
function fullGraph(graph: Graph): Topology {
  graph.full ??= buildFromParts(graph.kept.map((k) => k.part));
  return graph.full;
}

async function view(registry: Registry, query: TopologyQuery): Promise<{ entry: View; statuses: Statuses }> {
  const snapshots = await getSnapshots(registry);
  if (!lastStatuses || !same(lastStatuses.snapshots, snapshots)) {
    lastStatuses = { snapshots, clusters: registry.clusters.map((c, i) => snapshotStatus(c, snapshots[i])), bytes: null };
  }
  const statuses = lastStatuses;
  const kept = registry.clusters.map((c, i) => clusterTopology(c, registry).of(snapshots[i]));
  if (!last || !same(last.kept, kept)) last = { kept, full: null, views: new Map(), sizes: new Map() };
  const graph = last;
  const scope = { cluster: query.cluster ?? null, namespace: query.namespace ?? null };
  const scopeKey = JSON.stringify([scope.cluster, scope.namespace]);
  let sizes = graph.sizes.get(scopeKey);
  if (!sizes) graph.sizes.set(scopeKey, (sizes = keptLevelSizes(graph.kept, scope)));
  // No level asked: the most detailed that fits, the same view (and bytes) as asking for it by name.
  const level = query.level ?? fittingLevel(sizes);
  const key = JSON.stringify([level, scope.cluster, scope.namespace]);
  let entry = graph.views.get(key);
  if (!entry) {
    const whole = level === 'clusters' && !scope.cluster && !scope.namespace;
    const topology = whole ? keptClustersLevel(graph.kept) : topologyAtLevel(fullGraph(graph), { ...scope, level });
    entry = { response: { level, levelSizes: sizes, ...topology }, bytes: null };
    graph.views.set(key, entry);
  }
  return { entry, statuses };
}

/*
 * generatedAt is the answer's own time, not the graph's: a graph kept because the watch-fed caches hold
 * the same snapshots is the clusters' state now, and a page told it was built minutes ago would call a
 * quiet mesh stale.
 */

/** The cross-cluster graph at a level: every cluster's snapshot through the pure builders in lib/topology. */
export async function getTopology(registry: Registry, query: TopologyQuery = { level: 'workloads' }): Promise<TopologyResponse> {
  const { entry, statuses } = await view(registry, query);
  return { ...entry.response, clusters: statuses.clusters, generatedAt: new Date().toISOString() };
}

/** getTopology as JSON in UTF-8 bytes (what the route sends): the view's kept bytes, the clusters' statuses, then this answer's generatedAt. */
export async function getTopologyBytes(registry: Registry, query: TopologyQuery = { level: 'workloads' }): Promise<Uint8Array<ArrayBuffer>[]> {
  const { entry, statuses } = await view(registry, query);
  if (!entry.bytes) {
    const json = new TextEncoder().encode(JSON.stringify(entry.response));
    entry.bytes = json.slice(0, json.byteLength - 1); // without the closing brace
  }
  statuses.bytes ??= new TextEncoder().encode(`,"clusters":${JSON.stringify(statuses.clusters)}`);
  return [entry.bytes, statuses.bytes, new TextEncoder().encode(`,"generatedAt":${JSON.stringify(new Date().toISOString())}}`)];
}
