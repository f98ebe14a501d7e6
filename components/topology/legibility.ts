/**
 * What keeps the topology readable whatever its size (issue 8): no label is drawn smaller than
 * MIN_LABEL_PX on screen (smaller ones are hidden, and shown at a readable size on hover or selection),
 * cluster names grow as the view zooms out so the boxes stay named, cluster boxes never overlap, and a
 * fit never blows a few boxes up to huge text.
 */
import type { Core, NodeSingular } from 'cytoscape';
import type { Bounds } from '@/lib/graph/layout';

/** On-screen size (px) below which a label is not drawn (cytoscape's min-zoomed-font-size). */
export const MIN_LABEL_PX = 10;
/** A fit never zooms in past this. */
export const MAX_FIT_ZOOM = 1;
/** Space between cluster boxes when they have to be moved apart. */
const CLUSTER_GAP = 80;
/** Emphasised nodes (hovered, selected, found) print their label at this size on screen. */
const EMPHASIS_PX = 13;

/** Fits the graph with `padding`, never zooming in past MAX_FIT_ZOOM. */
export function fitCapped(cy: Core, padding = 30): void {
  cy.fit(undefined, padding);
  if (cy.zoom() > MAX_FIT_ZOOM) {
    cy.zoom(MAX_FIT_ZOOM);
    cy.center();
  }
}

/** Cluster names stay readable at any zoom: their font grows as the view zooms out (bounded). */
export function scaleLabels(cy: Core): void {
  const zoom = cy.zoom();
  cy.batch(() => {
    cy.nodes('.cluster').style('font-size', Math.min(400, Math.max(14, (MIN_LABEL_PX + 4) / zoom)));
    cy.nodes('.emphasis').style('font-size', Math.max(11, EMPHASIS_PX / zoom));
  });
}

/** Shows a node's label at a readable size (hover, selection, find), whatever the zoom. */
export function emphasize(node: NodeSingular, on: boolean): void {
  if (node.hasClass('cluster')) return;
  if (on) {
    node.addClass('emphasis');
    node.style('font-size', Math.max(11, EMPHASIS_PX / node.cy().zoom()));
  } else {
    node.removeClass('emphasis');
    node.removeStyle('font-size');
  }
}

const overlaps = (a: Bounds, b: Bounds) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/**
 * Moves cluster boxes apart when the layout left any two overlapping (force layouts do, with compound
 * nodes): the clusters are packed in rows, each keeping its own inner layout, in their current reading
 * order. A layout that already separates them is left alone.
 */
export function separateClusters(cy: Core): void {
  const clusters = cy.nodes('.cluster').filter((n) => n.isParent() || n.isChildless());
  const boxes = clusters.map((c) => ({ c: c as NodeSingular, bb: c.boundingBox({ includeLabels: true }) as Bounds & { w: number; h: number } }));
  const anyOverlap = boxes.some((a, i) => boxes.some((b, j) => j > i && overlaps(a.bb, b.bb)));
  if (!anyOverlap) return;
  boxes.sort((a, b) => a.bb.y1 - b.bb.y1 || a.bb.x1 - b.bb.x1);
  const area = boxes.reduce((sum, b) => sum + (b.bb.w + CLUSTER_GAP) * (b.bb.h + CLUSTER_GAP), 0);
  // Rows about as wide as a 16:9 screen holding all of them.
  const rowWidth = Math.max(Math.max(...boxes.map((b) => b.bb.w)), Math.sqrt(area * (16 / 9)));
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  cy.batch(() => {
    for (const { c, bb } of boxes) {
      if (x > 0 && x + bb.w > rowWidth) {
        x = 0;
        y += rowHeight + CLUSTER_GAP;
        rowHeight = 0;
      }
      const dx = x - bb.x1;
      const dy = y - bb.y1;
      const movable = c.isParent() ? c.descendants().filter((n) => n.isChildless()) : c;
      movable.positions((n) => {
        const at = (n as NodeSingular).position();
        return { x: at.x + dx, y: at.y + dy };
      });
      x += bb.w + CLUSTER_GAP;
      rowHeight = Math.max(rowHeight, bb.h);
    }
  });
}

/** For tests: cluster boxes and every node label's on-screen size, in rendered (screen) pixels. */
export function legibilityReport(cy: Core) {
  const zoom = cy.zoom();
  return {
    zoom,
    clusters: cy.nodes('.cluster').map((c) => ({ id: c.id(), ...c.renderedBoundingBox({ includeLabels: false }) })),
    labels: cy
      .elements()
      .filter((e) => !!e.data('label'))
      .map((e) => {
        // pstyle (the computed style) is public in cytoscape but missing from its type definitions.
        const style = (name: string) => (e as unknown as { pstyle(n: string): { pfValue: number } }).pstyle(name).pfValue;
        const px = style('font-size') * zoom;
        const min = style('min-zoomed-font-size');
        return { id: e.id(), px, shown: px >= min && e.visible() };
      }),
  };
}
