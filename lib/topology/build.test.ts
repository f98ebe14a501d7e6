import { describe, expect, it } from 'vitest';
import type { TopologyEdge } from '../types/api';
import { buildTopology } from './build';
import { edgeId } from './edge-id';
import { nodeName } from './node-name';
import { C1, C2, largeSnapshots, seedSnapshots } from './seed-snapshots';

const EW1 = `gw:${C1}:istio-system:istio-eastwestgateway`;
const EW2 = `gw:${C2}:istio-system:istio-eastwestgateway`;
const edgeOf = (edges: TopologyEdge[], source: string, target: string) => edges.find((e) => e.source === source && e.target === target);

describe('buildTopology on the seed mesh', () => {
  const topology = buildTopology(seedSnapshots());
  const node = (id: string) => topology.nodes.find((n) => n.id === id);

  it('routes cluster2\'s productpage through cluster1\'s east-west gateway', () => {
    const toGateway = edgeOf(topology.edges, `svc:${C2}:default:productpage`, EW1);
    expect(toGateway).toEqual({ source: `svc:${C2}:default:productpage`, target: EW1, kind: 'east-west', address: '172.40.143.182:15443' });
    expect(edgeId(toGateway!)).toBe(`svc:${C2}:default:productpage->${EW1}`);
    expect(edgeOf(topology.edges, EW1, `wl:${C1}:default:productpage:v1`)?.kind).toBe('east-west');
    expect(edgeOf(topology.edges, `svc:${C2}:default:productpage`, `wl:${C1}:default:productpage:v1`)).toBeUndefined();
  });

  it('draws local edges and both directions of a service split across networks', () => {
    const reviews = topology.edges.filter((e) => e.source === `svc:${C1}:default:reviews`).map((e) => [e.target, e.kind]).sort();
    expect(reviews).toEqual([
      [EW2, 'east-west'],
      [`wl:${C1}:default:reviews:v1`, 'local'],
      [`wl:${C1}:default:reviews:v2`, 'local'],
    ]);
    expect(edgeOf(topology.edges, `svc:${C2}:default:reviews`, EW1)?.address).toBe('172.40.143.182:15443');
    expect(edgeOf(topology.edges, EW2, `wl:${C2}:default:reviews:v3`)?.kind).toBe('east-west');
    expect(edgeOf(topology.edges, `svc:${C1}:sample:helloworld`, EW2)?.address).toBe('172.40.143.192:15443');
  });

  it('groups pods into workloads by app and version, and leaves out gateway and finished pods', () => {
    const reviews = node(`wl:${C1}:default:reviews:v1`);
    expect(reviews).toMatchObject({ kind: 'workload', parent: `ns:${C1}:default`, app: 'reviews', version: 'v1', pods: 1, readyPods: 1 });
    // The wire leaves out what a workload is called: its app and version say it.
    expect(reviews).not.toHaveProperty('label');
    expect(nodeName(reviews!)).toBe('reviews v1');
    expect(node(`wl:${C2}:default:loki:unversioned`)).toMatchObject({ pods: 1, readyPods: 0 });
    expect(node(`wl:${C1}:kube-system:coredns:unversioned`)).toBeDefined();
    expect(node(`wl:${C1}:default:db-migrate:unversioned`)).toBeUndefined();
    expect(topology.nodes.filter((n) => n.kind === 'workload' && n.app === 'istio-eastwestgateway')).toEqual([]);
    expect(node(`wl:${C1}:istio-system:istiod:unversioned`)).toBeDefined();
  });

  it('has cluster, namespace, gateway and service nodes with their parents', () => {
    expect(node(`cluster:${C1}`)).toMatchObject({ parent: null, label: 'cluster1', clusterId: 'cluster1', network: 'network1', reachable: true });
    expect(node(`ns:${C2}:sample`)).toMatchObject({ parent: `cluster:${C2}` });
    expect(node(EW1)).toMatchObject({ kind: 'gateway', role: 'eastwest', addresses: ['172.40.143.182'], pending: false, parent: `ns:${C1}:istio-system` });
    expect(node(`svc:${C1}:istio-system:istio-eastwestgateway`)).toBeUndefined();
    expect(node(`svc:${C1}:istio-system:istiod`)).toMatchObject({ kind: 'service', hostname: 'istiod.istio-system.svc.cluster.local' });
    expect(node(`svc:${C2}:default:ratings`)).toMatchObject({ hostname: 'ratings.default.svc.cluster.local', ports: ['9080/TCP'] });
  });

  it('lists one logical service per hostname with per-cluster endpoint counts', () => {
    const reviews = topology.services.find((s) => s.hostname === 'reviews.default.svc.cluster.local');
    expect(reviews?.clusters.map((c) => [c.cluster, c.readyEndpoints, c.notReadyEndpoints])).toEqual([
      [C1, 2, 0],
      [C2, 1, 0],
    ]);
    expect(new Set(topology.services.map((s) => s.hostname)).size).toBe(topology.services.length);
  });

  it('is deterministic and free of duplicate ids', () => {
    const reversed = buildTopology(seedSnapshots().reverse());
    expect(reversed).toEqual(topology);
    expect(new Set(topology.edges.map(edgeId)).size).toBe(topology.edges.length);
    expect(new Set(topology.nodes.map((n) => n.id)).size).toBe(topology.nodes.length);
    const ids = new Set(topology.nodes.map((n) => n.id));
    for (const e of topology.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    for (const n of topology.nodes) if (n.parent) expect(ids.has(n.parent)).toBe(true);
  });
});

describe('buildTopology when a network has no gateway address, shares a network, or is down', () => {
  it('marks edges to a network whose east-west gateway is pending as unroutable', () => {
    const topology = buildTopology(seedSnapshots({ cluster1EastWestPending: true }));
    expect(edgeOf(topology.edges, `svc:${C2}:default:productpage`, `wl:${C1}:default:productpage:v1`)?.kind).toBe('unroutable');
    expect(topology.edges.some((e) => e.source === EW1 || e.target === EW1)).toBe(false);
    expect(topology.nodes.find((n) => n.id === EW1)).toMatchObject({ pending: true, addresses: [] });
    // The other direction still goes through cluster2's gateway.
    expect(edgeOf(topology.edges, `svc:${C1}:default:reviews`, EW2)?.kind).toBe('east-west');
  });

  it('draws cross-cluster edges to pod IPs on a shared network', () => {
    const [c1, c2] = seedSnapshots();
    const topology = buildTopology([c1, { ...c2, network: 'network1', gateways: c2.gateways.map((g) => ({ ...g, network: 'network1' })) }]);
    expect(edgeOf(topology.edges, `svc:${C1}:default:reviews`, `wl:${C2}:default:reviews:v3`)?.kind).toBe('cross-cluster');
    expect(topology.edges.some((e) => e.kind === 'east-west' || e.kind === 'unroutable')).toBe(false);
  });

  it('keeps an unreachable cluster as a node', () => {
    const [c1] = seedSnapshots();
    const down = {
      cluster: C2,
      clusterId: null,
      network: null,
      reachable: false,
      namespaces: [],
      services: [],
      pods: [],
      gateways: [],
      errors: [{ kind: 'unreachable' as const, message: 'connection refused', source: 'pods' }],
    };
    const topology = buildTopology([c1, down]);
    expect(topology.nodes.find((n) => n.id === `cluster:${C2}`)).toMatchObject({ reachable: false, label: C2 });
    expect(topology.edges.every((e) => !e.source.includes(C2) && !e.target.includes(C2))).toBe(true);
  });

  it('handles no clusters and selector-less services', () => {
    expect(buildTopology([])).toEqual({ nodes: [], edges: [], services: [] });
    const [c1] = seedSnapshots();
    const topology = buildTopology([{ ...c1, services: c1.services.map((s) => ({ ...s, selector: null })) }]);
    expect(topology.edges).toEqual([]);
    expect(topology.services.length).toBeGreaterThan(0);
  });
});


describe('buildTopology at scale', () => {
  it('builds 50 clusters × 1,000 pods (every service in every cluster, one network each)', () => {
    const snapshots = largeSnapshots(50, 10, 10, 10);
    expect(snapshots.reduce((n, s) => n + s.pods.length, 0)).toBe(50_000);
    buildTopology(snapshots.slice(0, 2)); // warm the JIT
    const started = performance.now();
    const topology = buildTopology(snapshots);
    const ms = performance.now() - started;
    console.log(`buildTopology 50 clusters / 50,000 pods: ${ms.toFixed(0)} ms, ${topology.nodes.length} nodes, ${topology.edges.length} edges`);
    // 5,000 services × 49 remote gateways, plus local and gateway → workload edges.
    expect(topology.edges.length).toBe(50 * 100 * 49 + 50 * 100 * 2 + 50 * 100 * 2);
    expect(ms).toBeLessThan(5_000);
  });
});
