import { describe, expect, it } from 'vitest';
import { clusterNames, namespaceNames, NO_FILTER, toElements } from './elements';
import { seedLikeTopology } from './fixture';

const C1 = 'cluster1-admin@cluster1';
const C2 = 'cluster2-admin@cluster2';
const EW1 = `gw:${C1}:istio-system:istio-eastwestgateway`;

const ids = (els: ReturnType<typeof toElements>, group: 'nodes' | 'edges') => els.filter((e) => e.group === group).map((e) => e.data.id);

describe('toElements', () => {
  const topo = seedLikeTopology();

  it('keeps every node and edge with compound parents when nothing is filtered', () => {
    const els = toElements(topo, NO_FILTER);
    expect(ids(els, 'nodes')).toHaveLength(topo.nodes.length);
    expect(ids(els, 'edges')).toHaveLength(topo.edges.length);
    const ns = els.find((e) => e.data.id === `ns:${C1}:default`);
    expect(ns?.group === 'nodes' && ns.data.parent).toBe(`cluster:${C1}`);
  });

  it('marks nodes with mesh-check findings by class and label', () => {
    const els = toElements(topo, NO_FILTER, null, new Map([[EW1, 'error']]));
    const gw = els.find((e) => e.data.id === EW1)!;
    expect(gw.classes).toBe('gateway eastwest finding-error');
    expect(gw.data.label).toMatch(/\n⚑ error finding$/);
    expect(els.filter((e) => e.classes.includes('finding-'))).toHaveLength(1);
  });

  it('labels gateways with their external IP, workloads with ready pods, and marks pending / not ready', () => {
    const pending = structuredClone(topo);
    const gw = pending.nodes.find((n) => n.id === EW1)!;
    gw.addresses = [];
    gw.pending = true;
    const els = toElements(pending);
    const byId = new Map(els.map((e) => [e.data.id, e]));
    expect(byId.get(EW1)?.data).toMatchObject({ label: 'istio-eastwestgateway\nexternal IP pending' });
    expect(byId.get(EW1)?.classes).toBe('gateway eastwest pending');
    expect(byId.get(`gw:${C2}:istio-system:istio-eastwestgateway`)?.data.label).toBe('istio-eastwestgateway\n172.40.143.192');
    expect(byId.get(`wl:${C2}:default:loki:unversioned`)?.classes).toBe('workload not-ready');
    expect(byId.get(`wl:${C1}:default:reviews:v2`)?.data.label).toBe('reviews v2\n1/1 ready');
  });

  it('labels east-west edges with the dialled address and classes them by kind', () => {
    const els = toElements(topo);
    const e = els.find((x) => x.data.id === `svc:${C2}:default:productpage->${EW1}`);
    expect(e).toMatchObject({ group: 'edges', classes: 'east-west', data: { label: '172.40.143.182:15443', kind: 'east-west' } });
  });

  it('filters by cluster and drops edges that lose an end', () => {
    const els = toElements(topo, { ...NO_FILTER, clusters: [C1] });
    expect(ids(els, 'nodes').every((id) => id.includes(C1))).toBe(true);
    expect(ids(els, 'edges').some((id) => id.includes(C2))).toBe(false);
    expect(ids(els, 'edges')).toContain(`svc:${C1}:default:productpage->wl:${C1}:default:productpage:v1`);
  });

  it('filters by namespace but keeps gateways, moved into the cluster box, when istio-system is hidden', () => {
    const els = toElements(topo, { ...NO_FILTER, hiddenNamespaces: ['istio-system'] });
    expect(ids(els, 'nodes')).not.toContain(`ns:${C1}:istio-system`);
    expect(ids(els, 'nodes')).not.toContain(`svc:${C1}:istio-system:istiod`);
    const gw = els.find((e) => e.data.id === EW1);
    expect(gw?.group === 'nodes' && gw.data.parent).toBe(`cluster:${C1}`);
    expect(ids(els, 'edges')).toContain(`svc:${C2}:default:productpage->${EW1}`);

    const onlySample = toElements(topo, { ...NO_FILTER, namespaces: ['sample'] });
    expect(ids(onlySample, 'nodes')).toContain(`wl:${C2}:sample:helloworld:v2`);
    expect(ids(onlySample, 'nodes')).not.toContain(`wl:${C2}:default:ratings:v1`);
  });

  it('drops namespace boxes that hold nothing', () => {
    const empty = { id: `ns:${C1}:kube-node-lease`, kind: 'namespace' as const, parent: `cluster:${C1}`, label: 'kube-node-lease', cluster: C1, namespace: 'kube-node-lease' };
    const withEmpty = { ...topo, nodes: [...topo.nodes, empty] };
    expect(ids(toElements(withEmpty), 'nodes')).not.toContain(empty.id);
    expect(ids(toElements(withEmpty), 'nodes')).toContain(`ns:${C1}:default`);
  });

  it('lists clusters and namespaces', () => {
    expect(clusterNames(topo)).toEqual([C1, C2]);
    expect(namespaceNames(topo)).toEqual(['default', 'istio-system', 'sample']);
  });
});

describe('the cross-cluster only view', () => {
  it('keeps the services that reach another cluster, the paths and the boxes around them, and drops the rest', () => {
    const topo = seedLikeTopology();
    const els = toElements(topo, { ...NO_FILTER, crossOnly: true });
    const edges = els.filter((e) => e.group === 'edges');
    const nodes = new Set(ids(els, 'nodes'));
    expect(edges.some((e) => e.group === 'edges' && e.data.kind !== 'local')).toBe(true);
    // Every local edge kept starts at a service that also reaches another cluster.
    const crossSources = new Set(edges.flatMap((e) => (e.group === 'edges' && e.data.kind !== 'local' ? [e.data.source] : [])));
    for (const e of edges) if (e.group === 'edges' && e.data.kind === 'local') expect(crossSources.has(e.data.source)).toBe(true);
    // Every node is on a kept edge, or a box holding one, or a cluster.
    for (const e of els) {
      if (e.group !== 'nodes') continue;
      if (e.data.kind === 'cluster') continue;
      const onEdge = edges.some((x) => x.group === 'edges' && (x.data.source === e.data.id || x.data.target === e.data.id));
      const holds = els.some((x) => x.group === 'nodes' && x.data.parent === e.data.id);
      expect(onEdge || holds, e.data.id).toBe(true);
    }
    expect(nodes.size).toBeLessThan(topo.nodes.length);
    for (const c of clusterNames(topo)) expect(nodes.has(`cluster:${c}`)).toBe(true);
  });
});
