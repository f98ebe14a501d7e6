import 'server-only';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import { buildTopology } from '@/lib/topology/build';
import type { TopologyResponse } from '@/lib/types/api';
import type { Registry } from './k8s/registry';
import { getSnapshots } from './snapshot';

/**
 * The last topology built, with the snapshot objects it came from: while the snapshots are served from
 * the cache (the same objects), the graph and its JSON are not rebuilt. At 50,000 pods building and
 * serializing take hundreds of ms each.
 */
let last: { snapshots: ClusterSnapshot[]; topology: TopologyResponse; json: string | null } | null = null;

const sameSnapshots = (a: ClusterSnapshot[], b: ClusterSnapshot[]) => a.length === b.length && a.every((s, i) => s === b[i]);

async function current(registry: Registry) {
  const snapshots = await getSnapshots(registry);
  if (!last || !sameSnapshots(last.snapshots, snapshots)) {
    last = { snapshots, topology: { ...buildTopology(snapshots), generatedAt: new Date().toISOString() }, json: null };
  }
  return last;
}

/** The cross-cluster graph: every cluster's snapshot through the pure builder in lib/topology. */
export async function getTopology(registry: Registry): Promise<TopologyResponse> {
  return (await current(registry)).topology;
}

/** getTopology as a JSON string (what the route sends), serialized once per graph. */
export async function getTopologyJson(registry: Registry): Promise<string> {
  const entry = await current(registry);
  entry.json ??= JSON.stringify(entry.topology);
  return entry.json;
}
