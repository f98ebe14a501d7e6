import { describe, expect, it } from 'vitest';
import { keepPositions, PLACEMENT_GAP, type DrawnNode } from './placement';

const drawn = (entries: Array<[string, DrawnNode]>) => new Map(entries);

describe('keepPositions', () => {
  it('keeps every node drawn before where it was, whatever the new layout says', () => {
    const before = drawn([
      ['a', { position: { x: 0, y: 0 } }],
      ['b', { position: { x: 300, y: 50 } }],
    ]);
    const out = keepPositions(
      [
        { id: 'a', position: { x: 1000, y: 1000 } },
        { id: 'b', position: { x: -40, y: 7 } },
      ],
      before,
    );
    expect(out).toEqual({ a: { x: 0, y: 0 }, b: { x: 300, y: 50 } });
  });

  it('moves the new nodes as one block right of what is kept, keeping their arrangement', () => {
    const before = drawn([['kept', { position: { x: 0, y: 0 } }]]);
    const out = keepPositions(
      [
        { id: 'kept', position: { x: 500, y: 500 } },
        { id: 'n1', position: { x: 0, y: 0 } },
        { id: 'n2', position: { x: 200, y: 100 } },
      ],
      before,
    );
    expect(out.kept).toEqual({ x: 0, y: 0 });
    expect(out.n2.x - out.n1.x).toBe(200);
    expect(out.n2.y - out.n1.y).toBe(100);
    // The block's left edge (a leaf is 170 wide) starts the gap right of the kept node's right edge.
    expect(out.n1.x - 85).toBe(85 + PLACEMENT_GAP);
    expect(out.n1.y).toBe(0);
  });

  it('a box whose size changed (its content did) is laid out again; one of the same size stays', () => {
    const before = drawn([
      ['expanded', { position: { x: 0, y: 0 }, w: 200, h: 100 }],
      ['other', { position: { x: 400, y: 0 }, w: 200, h: 100 }],
    ]);
    const out = keepPositions(
      [
        { id: 'expanded', position: { x: 0, y: 0 }, w: 2000, h: 900 },
        { id: 'other', position: { x: 3000, y: 0 }, w: 200, h: 100 },
      ],
      before,
    );
    expect(out.other).toEqual({ x: 400, y: 0 });
    expect(out.expanded.x - 1000).toBe(500 + PLACEMENT_GAP);
  });

  it('a box collapsed into one node (a cluster outside the expanded one) keeps its centre', () => {
    const out = keepPositions([{ id: 'cluster:c2', position: { x: 9000, y: 9000 } }], drawn([['cluster:c2', { position: { x: 10, y: 20 }, w: 400, h: 300 }]]));
    expect(out['cluster:c2']).toEqual({ x: 10, y: 20 });
  });

  it('a node moved into another box (a gateway of the expanded cluster) is laid out with the new ones', () => {
    const out = keepPositions(
      [
        { id: 'gw', parent: 'ns:istio-system', position: { x: 0, y: 0 } },
        { id: 'other', position: { x: 0, y: 0 } },
      ],
      drawn([
        ['gw', { parent: 'cluster:c1', position: { x: 5, y: 5 } }],
        ['other', { position: { x: 100, y: 0 } }],
      ]),
    );
    expect(out.other).toEqual({ x: 100, y: 0 });
    expect(out.gw).not.toEqual({ x: 5, y: 5 });
  });

  it('with nothing drawn before, the layout positions as they are', () => {
    const out = keepPositions([{ id: 'x', position: { x: 3, y: 4 } }], new Map());
    expect(out).toEqual({ x: { x: 3, y: 4 } });
  });
});
