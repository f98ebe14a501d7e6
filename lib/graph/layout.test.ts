import { describe, expect, it } from 'vitest';
import { toElements } from './elements';
import { largeTopology, seedLikeTopology } from './fixture';
import { boundsOf, boxesPositions, fitViewport, flattenForBoxes, layoutOptions, resolveLayout } from './layout';

describe('layouts', () => {
  it('auto picks fcose for small meshes and boxes for large ones', () => {
    expect(resolveLayout('auto', 50)).toBe('fcose');
    expect(resolveLayout('auto', 5000)).toBe('boxes');
    expect(resolveLayout('auto', 150, 2500)).toBe('boxes');
    expect(resolveLayout('grid', 5000)).toBe('grid');
  });

  it('fcose keeps positions as the start only with quality proof', () => {
    expect(layoutOptions('fcose', [], { randomize: false })).toMatchObject({ quality: 'proof', randomize: false });
  });

  it('boxes places every leaf, without overlaps, and keeps namespaces together', () => {
    const els = toElements(seedLikeTopology());
    const pos = boxesPositions(els);
    const leaves = els.filter((e) => e.group === 'nodes' && !els.some((c) => c.group === 'nodes' && c.data.parent === e.data.id));
    expect(Object.keys(pos).sort()).toEqual(leaves.map((l) => l.data.id).sort());
    const points = Object.values(pos);
    for (let i = 0; i < points.length; i++)
      for (let j = i + 1; j < points.length; j++)
        expect(Math.abs(points[i].x - points[j].x) >= 170 || Math.abs(points[i].y - points[j].y) >= 80).toBe(true);
    expect(boxesPositions(els)).toEqual(pos);
  });

  it('boxes lays out thousands of nodes quickly', () => {
    const els = toElements(largeTopology(10, 20, 10));
    expect(els.filter((e) => e.group === 'nodes').length).toBeGreaterThan(6000);
    const t = performance.now();
    boxesPositions(els);
    expect(performance.now() - t).toBeLessThan(2000); // generous: measured well under 100 ms
  });
});

describe('flattenForBoxes', () => {
  it('turns boxes into sized plain nodes that enclose their leaves, and keeps edges', () => {
    const els = toElements(seedLikeTopology());
    const flat = flattenForBoxes(els);
    expect(flat.filter((e) => e.group === 'nodes').map((e) => e.data.id)).toEqual(els.filter((e) => e.group === 'nodes').map((e) => e.data.id));
    const nodes = flat.filter((e) => e.group === 'nodes');
    expect(nodes.every((n) => n.group === 'nodes' && n.data.parent === undefined && n.position)).toBe(true);
    const box = (id: string) => nodes.find((n) => n.data.id === id)!;
    const ns = box('ns:cluster2-admin@cluster2:default');
    expect(ns.classes).toBe('namespace box');
    const leaf = box('wl:cluster2-admin@cluster2:default:ratings:v1');
    if (ns.group !== 'nodes' || leaf.group !== 'nodes') throw new Error('nodes expected');
    expect(Math.abs(leaf.position!.x - ns.position!.x)).toBeLessThan(ns.data.w! / 2);
    expect(Math.abs(leaf.position!.y - ns.position!.y)).toBeLessThan(ns.data.h! / 2);
  });

  it('keeps local edges and merges remote hops per source namespace, target and address', () => {
    const els = toElements(seedLikeTopology());
    const edges = flattenForBoxes(els).filter((e) => e.group === 'edges');
    const local = els.filter((e) => e.group === 'edges' && e.data.kind === 'local');
    expect(edges.filter((e) => e.data.kind === 'local')).toEqual(local);
    const ew1 = 'gw:cluster1-admin@cluster1:istio-system:istio-eastwestgateway';
    // cluster2's productpage, details and reviews all reach cluster1 through 172.40.143.182:15443.
    const toEw1 = edges.filter((e) => e.group === 'edges' && e.data.target === ew1);
    expect(toEw1).toHaveLength(1);
    expect(toEw1[0].data).toMatchObject({ source: 'ns:cluster2-admin@cluster2:default', label: '3 paths via 172.40.143.182:15443', kind: 'east-west' });
    // The gateway's hops to the four bookinfo workloads it fronts become one edge to their namespace.
    const fromEw1 = edges.filter((e) => e.group === 'edges' && e.data.source === ew1);
    expect(fromEw1.map((e) => e.data.target)).toEqual(['ns:cluster1-admin@cluster1:default']);
    expect(fromEw1[0].data.label).toBe('4 paths');
  });
});

describe('viewport from the boxes geometry', () => {
  it('bounds every positioned node and centres it like a fit', () => {
    const flat = flattenForBoxes(toElements(largeTopology(2, 3, 4)));
    const b = boundsOf(flat)!;
    for (const el of flat) {
      if (el.group !== 'nodes') continue;
      expect(el.position!.x).toBeGreaterThanOrEqual(b.x1);
      expect(el.position!.x).toBeLessThanOrEqual(b.x2);
    }
    const v = fitViewport(b, { width: 1000, height: 800 }, { padding: 30, minZoom: 0.001, maxZoom: 4 });
    // The rectangle's centre lands on the canvas centre, and it fits inside the padding.
    expect(v.zoom * ((b.x1 + b.x2) / 2) + v.pan.x).toBeCloseTo(500);
    expect(v.zoom * ((b.y1 + b.y2) / 2) + v.pan.y).toBeCloseTo(400);
    expect(v.zoom * (b.x2 - b.x1)).toBeLessThanOrEqual(940 + 1e-6);
    expect(v.zoom * (b.y2 - b.y1)).toBeLessThanOrEqual(740 + 1e-6);
  });

  it('has no bounds without positions and clamps the zoom', () => {
    expect(boundsOf([])).toBeNull();
    expect(fitViewport({ x1: 0, y1: 0, x2: 10, y2: 10 }, { width: 1000, height: 1000 }, { padding: 0, minZoom: 0.1, maxZoom: 4 }).zoom).toBe(4);
  });
});
