import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { buildTopology, clusterPart } from '@/lib/topology/build';
import * as levels from '@/lib/topology/levels';
import { largeSnapshots } from '@/lib/topology/seed-snapshots';
import { ClusterState } from './k8s/cluster-state';
import type { ClusterHandle, Registry } from './k8s/registry';
import { clusterTopology, KeptPart, keptClustersLevel, keptLevelSizes } from './topology-part';

vi.mock('@/lib/topology/levels', async (importOriginal) => {
  const original = await importOriginal<typeof levels>();
  return { ...original, clusterPairEdge: vi.fn(original.clusterPairEdge) };
});

const byId = (edges: { source: string; target: string; kind: string }[]) => [...edges].sort((a, b) => (`${a.source}>${a.target}>${a.kind}` < `${b.source}>${b.target}>${b.kind}` ? -1 : 1));

describe('kept parts of the topology', () => {
  it('a change in one cluster works out that cluster again, not the others, and answers as a build from scratch', () => {
    const snapshots = largeSnapshots(8, 3, 2, 2);
    const kept = snapshots.map((s) => new KeptPart(s, clusterPart(s)));
    keptClustersLevel(kept);
    const pairEdge = vi.mocked(levels.clusterPairEdge);
    expect(pairEdge).toHaveBeenCalledTimes(8 * 7);

    pairEdge.mockClear();
    const changed = { ...snapshots[3], pods: snapshots[3].pods.slice(2), services: snapshots[3].services.slice(1) };
    snapshots[3] = changed;
    kept[3] = new KeptPart(changed, clusterPart(changed));
    const incremental = keptClustersLevel(kept);
    expect(pairEdge).toHaveBeenCalledTimes(2 * 7); // its edges to and from the 7 others
    const cold = levels.topologyAtLevel(buildTopology(snapshots), { level: 'clusters' });
    expect({ ...incremental, edges: byId(incremental.edges) }).toEqual({ ...cold, edges: byId(cold.edges) });
    expect(keptLevelSizes(kept)).toEqual(levels.levelSizes(buildTopology(snapshots), {}));
  });

  it('a snapshot rebuilt with the same lists (only a watch state moved) keeps the cluster\'s part', () => {
    const cluster: ClusterHandle = {
      name: 'c',
      server: '',
      generation: 1,
      kc: new KubeConfig(),
      state: new ClusterState(),
      // An unusable entry: its cache watches nothing, so the test needs no API server.
      configError: { kind: 'config', message: 'c: not served', source: 'the kubeconfig' },
    };
    const registry = { clusters: [cluster], get: () => cluster } as unknown as Registry;
    const [snapshot] = largeSnapshots(1, 2, 2, 2);
    const topology = clusterTopology(cluster, registry);
    const first = topology.of(snapshot);
    expect(topology.of({ ...snapshot, watch: { state: 'reconnecting', syncedAt: null, lastEventAt: null, error: null } })).toBe(first);
    expect(topology.of({ ...snapshot, pods: [...snapshot.pods] })).not.toBe(first);
    cluster.state.close();
    expect(cluster.state.topology).toBeNull();
  });
});
