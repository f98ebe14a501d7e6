import { describe, expect, it } from 'vitest';
import type { TopologyEdge } from '../types/api';
import { buildTopology, clusterPart } from './build';
import { edgeId } from './edge-id';
import { clustersLevel, fittingLevel, levelSizes, topologyAtLevel, TOPOLOGY_LEVELS } from './levels';
import { largeSnapshots, seedSnapshots } from './seed-snapshots';

describe('topology levels', () => {
  it('workloads without a scope is the workload graph itself; the seed fits and opens there', () => {
    const full = buildTopology(seedSnapshots());
    expect(topologyAtLevel(full, { level: 'workloads' })).toBe(full);
    expect(fittingLevel(levelSizes(full, {}))).toBe('workloads');
  });

  it('clusters: cluster and gateway nodes, cross-cluster edges counted once per pair and kind', () => {
    const full = buildTopology(seedSnapshots());
    const t = topologyAtLevel(full, { level: 'clusters' });
    expect(new Set(t.nodes.map((n) => n.kind))).toEqual(new Set(['cluster', 'gateway']));
    expect(t.nodes.filter((n) => n.kind === 'gateway').every((n) => n.parent === `cluster:${n.cluster}`)).toBe(true);
    const ids = new Set(t.nodes.map((n) => n.id));
    expect(t.edges.every((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)).toBe(true);
    const c1 = t.nodes.find((n) => n.id === 'cluster:cluster1-admin@cluster1')!;
    const workloads = full.nodes.filter((n) => n.kind === 'workload' && n.cluster === c1.cluster);
    expect(c1.counts).toMatchObject({ workloads: workloads.length, pods: workloads.reduce((a, w) => a + (w.pods ?? 0), 0) });
    expect(t.edges.reduce((a, e) => a + (e.count ?? 1), 0)).toBeLessThanOrEqual(full.edges.length);
  });

  it('clustersLevel (counted per pair of clusters, no edge built) is the clusters level of the built graph', () => {
    const inOrder = (t: { edges: TopologyEdge[] }) => ({ ...t, edges: [...t.edges].sort((a, b) => (edgeId(a) < edgeId(b) ? -1 : 1)) });
    const [c1, c2] = seedSnapshots();
    const sameNetwork = [c1, { ...c2, network: c1.network, gateways: c2.gateways.map((g) => ({ ...g, network: c1.network })) }];
    const cases = {
      seed: seedSnapshots(),
      'east-west gateway pending (unroutable)': seedSnapshots({ cluster1EastWestPending: true }),
      'one network (cross-cluster)': sameNetwork,
      'a cluster down': [c1, { ...c2, reachable: false, namespaces: [], services: [], pods: [], gateways: [] }],
      fleet: largeSnapshots(12, 4, 3, 2),
      // Two networks of three clusters, one without a gateway address and one missing some Services.
      'shared networks': largeSnapshots(6, 3, 2, 2).map((s, i) => {
        const network = i < 3 ? 'netA' : 'netB';
        const gateways = i === 5 ? [] : s.gateways.map((g) => ({ ...g, network }));
        return { ...s, network, gateways, services: i === 4 ? s.services.slice(3) : s.services };
      }),
      none: [],
    };
    for (const [name, snapshots] of Object.entries(cases)) {
      const expected = topologyAtLevel(buildTopology(snapshots), { level: 'clusters' });
      expect(inOrder(clustersLevel(snapshots.map(clusterPart))), name).toEqual(inOrder(expected));
      if (name !== 'none' && name !== 'a cluster down') expect(expected.edges.length, name).toBeGreaterThan(0);
    }
  });

  it('at fleet size no level carries an edge per service × remote cluster, and the default level fits 2,000 nodes', () => {
    const full = buildTopology(largeSnapshots(20, 10, 5, 2));
    const perServiceRemote = full.edges.length;
    for (const level of ['clusters', 'namespaces'] as const) {
      const t = topologyAtLevel(full, { level });
      expect(t.edges.length, level).toBeLessThan(perServiceRemote / 10);
      expect(t.edges.length, level).toBeLessThanOrEqual(20 * 20 * 4 + t.nodes.length * 4);
    }
    // Even the workloads level draws cross-cluster edges from the client cluster at this size.
    const workloads = topologyAtLevel(full, { level: 'workloads' });
    expect(workloads.nodes.length).toBe(full.nodes.length);
    expect(workloads.edges.length).toBeLessThan(perServiceRemote / 4);
    const level = fittingLevel(levelSizes(full, {}));
    expect(topologyAtLevel(full, { level }).nodes.length).toBeLessThanOrEqual(2000);
    expect(level).not.toBe('workloads');
    // One cluster in detail: the others collapse to one node each, crossing edges per namespace.
    const one = topologyAtLevel(full, { level: 'workloads', cluster: full.nodes[0].cluster });
    expect(one.nodes.filter((n) => n.outside).length).toBe(19);
    expect(one.edges.length).toBeLessThan(10 * 19 * 4 + one.nodes.length * 4);
  });

  it('levelSizes counts what each level draws, from the nodes alone', () => {
    for (const snapshots of [seedSnapshots(), largeSnapshots(6, 3, 2, 2)]) {
      const full = buildTopology(snapshots);
      const cluster = full.nodes[1].cluster;
      for (const scope of [{}, { cluster }, { namespace: 'ns1' }, { cluster, namespace: 'default' }]) {
        const sizes = levelSizes(full, scope);
        for (const level of TOPOLOGY_LEVELS) expect(sizes[level], `${level} ${JSON.stringify(scope)}`).toBe(topologyAtLevel(full, { ...scope, level }).nodes.length);
      }
    }
  });

  it('every level and scope names each edge once by what it joins (the wire carries no edge id)', () => {
    const full = buildTopology(largeSnapshots(20, 10, 5, 2));
    const cluster = full.nodes[0].cluster;
    for (const scope of [{}, { cluster }, { namespace: 'ns1' }])
      for (const level of TOPOLOGY_LEVELS) {
        const { edges } = topologyAtLevel(full, { ...scope, level });
        expect(new Set(edges.map(edgeId)).size, `${level} ${JSON.stringify(scope)}`).toBe(edges.length);
      }
  });
});
