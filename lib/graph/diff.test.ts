import { describe, expect, it } from 'vitest';
import { diffElements } from './diff';
import { toElements, type GraphElement } from './elements';
import { seedLikeTopology } from './fixture';

const byId = (els: GraphElement[]) => new Map(els.map((e) => [e.data.id, e]));
const RATINGS = 'wl:cluster2-admin@cluster2:default:ratings:v1';

describe('diffElements', () => {
  it('finds nothing to do for the same data', () => {
    const els = toElements(seedLikeTopology());
    expect(diffElements(byId(els), toElements(seedLikeTopology()))).toEqual({ added: [], removed: [], updated: [], structural: false });
  });

  it('updates in place when only pod counts change', () => {
    const next = seedLikeTopology();
    next.nodes.find((n) => n.id === RATINGS)!.pods = 3;
    const d = diffElements(byId(toElements(seedLikeTopology())), toElements(next));
    expect(d.structural).toBe(false);
    expect(d.updated.map((e) => e.data.id)).toEqual([RATINGS]);
  });

  it('reports added and removed ids as structural', () => {
    const next = seedLikeTopology();
    next.nodes = next.nodes.filter((n) => n.id !== RATINGS);
    next.edges = next.edges.filter((e) => e.target !== RATINGS);
    next.nodes.push({ ...seedLikeTopology().nodes.find((n) => n.id === RATINGS)!, id: `${RATINGS}x` });
    const d = diffElements(byId(toElements(seedLikeTopology())), toElements(next));
    expect(d.structural).toBe(true);
    expect(d.added.map((e) => e.data.id)).toEqual([`${RATINGS}x`]);
    expect(d.removed).toContain(RATINGS);
    expect(d.removed.filter((id) => id.includes('->'))).toHaveLength(2);
  });

  it('replaces a node whose parent changed', () => {
    const before = toElements(seedLikeTopology());
    const after = toElements(seedLikeTopology(), { clusters: [], namespaces: [], hiddenNamespaces: ['istio-system'] });
    const d = diffElements(byId(before), after);
    const ew = 'gw:cluster1-admin@cluster1:istio-system:istio-eastwestgateway';
    expect(d.removed).toContain(ew);
    expect(d.added.map((e) => e.data.id)).toContain(ew);
  });
});
