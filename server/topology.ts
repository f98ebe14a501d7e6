import 'server-only';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import { buildTopology, type Topology } from '@/lib/topology/build';
import { fittingLevel, topologyAtLevel, TOPOLOGY_LEVELS, type TopologyScope } from '@/lib/topology/levels';
import type { ClusterStatus, TopologyLevel, TopologyResponse } from '@/lib/types/api';
import { snapshotStatus } from './cluster-status';
import type { Registry } from './k8s/registry';
import { getSnapshots } from './snapshot';

/** What /api/topology is asked: a level (none: the most detailed that fits) and an optional scope. */
export type TopologyQuery = Omit<TopologyScope, 'level'> & { level: TopologyLevel | null };

/**
 * The last workload graph built, with the snapshot objects it came from, and every view of it asked
 * since (level and scope → JSON): while the caches hold the same snapshots (nothing changed), nothing is
 * rebuilt or serialized again. At 50,000 pods building and serializing take hundreds of ms each.
 */
let last: { snapshots: ClusterSnapshot[]; full: Topology; clusters: ClusterStatus[]; generatedAt: string; views: Map<string, { response: TopologyResponse; json: string | null }> } | null = null;

const sameSnapshots = (a: ClusterSnapshot[], b: ClusterSnapshot[]) => a.length === b.length && a.every((s, i) => s === b[i]);

async function view(registry: Registry, query: TopologyQuery) {
  const snapshots = await getSnapshots(registry);
  if (!last || !sameSnapshots(last.snapshots, snapshots)) {
    const clusters = registry.clusters.map((c, i) => snapshotStatus(c, snapshots[i]));
    last = { snapshots, full: buildTopology(snapshots), clusters, generatedAt: new Date().toISOString(), views: new Map() };
  }
  const key = JSON.stringify([query.level, query.cluster ?? null, query.namespace ?? null]);
  let entry = last.views.get(key);
  if (!entry) {
    const scope = { cluster: query.cluster ?? null, namespace: query.namespace ?? null };
    const { level, topology } = query.level ? { level: query.level, topology: topologyAtLevel(last.full, { ...scope, level: query.level }) } : fittingLevel(last.full, scope);
    const levelSizes = Object.fromEntries(TOPOLOGY_LEVELS.map((l) => [l, l === level ? topology.nodes.length : topologyAtLevel(last!.full, { ...scope, level: l }).nodes.length]));
    entry = { response: { level, levelSizes, ...topology, clusters: last.clusters, generatedAt: last.generatedAt }, json: null };
    last.views.set(key, entry);
  }
  return entry;
}

/** The cross-cluster graph at a level: every cluster's snapshot through the pure builders in lib/topology. */
export async function getTopology(registry: Registry, query: TopologyQuery = { level: 'workloads' }): Promise<TopologyResponse> {
  return (await view(registry, query)).response;
}

/** getTopology as a JSON string (what the route sends), serialized once per graph and view. */
export async function getTopologyJson(registry: Registry, query: TopologyQuery = { level: 'workloads' }): Promise<string> {
  const entry = await view(registry, query);
  entry.json ??= JSON.stringify(entry.response);
  return entry.json;
}
