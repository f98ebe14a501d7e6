import 'server-only';
import { buildTopology } from '@/lib/topology/build';
import type { TopologyResponse } from '@/lib/types/api';
import type { Registry } from './k8s/registry';
import { getSnapshots } from './snapshot';

/** The cross-cluster graph: every cluster's snapshot through the pure builder in lib/topology. */
export async function getTopology(registry: Registry): Promise<TopologyResponse> {
  const snapshots = await getSnapshots(registry);
  return { ...buildTopology(snapshots), generatedAt: new Date().toISOString() };
}
