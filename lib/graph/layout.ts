/**
 * Layout choices for the canvas. fcose suits nested boxes for small and medium meshes; beyond a few
 * hundred nodes a force layout on 2 cores costs seconds, so `auto` switches to `boxes`: a
 * deterministic, linear-time shelf packing of leaves inside namespaces inside clusters, applied
 * through cytoscape's `preset` layout.
 */
import { compareStrings } from '../format/compare';
import type { GraphElement } from './elements';
import type { LayoutName } from './view-state';

/** Above this many nodes `auto` picks the linear-time boxes layout. */
export const LARGE_GRAPH_NODES = 400;
/**
 * Above this many edges too: fcose's cost grows with the edges, and a few nodes with thousands of
 * edges (50 clusters' gateways, every pair of clusters linked) take it seconds to lay out.
 */
export const LARGE_GRAPH_EDGES = 1000;

export type ConcreteLayout = Exclude<LayoutName, 'auto'>;

export function resolveLayout(name: LayoutName, nodeCount: number, edgeCount = 0): ConcreteLayout {
  if (name !== 'auto') return name;
  return nodeCount > LARGE_GRAPH_NODES || edgeCount > LARGE_GRAPH_EDGES ? 'boxes' : 'fcose';
}

export interface Position {
  x: number;
  y: number;
}

/** Cytoscape layout options (plain data plus, for boxes, precomputed positions). */
export function layoutOptions(
  name: ConcreteLayout,
  elements: readonly GraphElement[],
  opts: { randomize: boolean },
): Record<string, unknown> {
  const nodeCount = elements.filter((e) => e.group === 'nodes').length;
  const common = { animate: false, fit: true, padding: 30 };
  switch (name) {
    case 'boxes':
      return { ...common, name: 'preset', positions: boxesPositions(elements) };
    case 'fcose':
      return {
        ...common,
        name: 'fcose',
        // fcose only keeps current positions as a starting point with quality 'proof'.
        quality: opts.randomize ? (nodeCount > LARGE_GRAPH_NODES ? 'draft' : 'default') : 'proof',
        randomize: opts.randomize,
        nodeDimensionsIncludeLabels: true,
        packComponents: true,
        nodeRepulsion: 4500,
        // Short edges inside a namespace, long ones across clusters: keeps boxes compact.
        idealEdgeLength: 60,
        edgeElasticity: 0.45,
        nestingFactor: 0.1,
        gravity: 0.4,
        gravityCompound: 1.5,
        gravityRangeCompound: 1.0,
        numIter: 2500,
        tile: true,
        tilingPaddingVertical: 20,
        tilingPaddingHorizontal: 20,
      };
    case 'breadthfirst':
      return { ...common, name, directed: true, spacingFactor: 1.1 };
    case 'cose':
      return { ...common, name, randomize: opts.randomize, nodeDimensionsIncludeLabels: true };
    default:
      return { ...common, name };
  }
}

/* ------------------------------------------------------------------ boxes */

const LEAF_W = 170;
const LEAF_H = 80;
/** Room a compound box takes around its children (padding plus its label on top). */
const BOX_PAD = 24;
const BOX_LABEL = 28;
const GAP = 30;

interface Rect {
  id: string;
  w: number;
  h: number;
  /** Child rectangles with offsets from this rectangle's top-left corner. */
  children: Array<{ rect: Rect; dx: number; dy: number }>;
  leaf: boolean;
}

/** Shelf-packs rectangles into rows about as wide as they are tall; returns offsets and the size. */
function pack(rects: Rect[]): { placed: Array<{ rect: Rect; dx: number; dy: number }>; w: number; h: number } {
  const area = rects.reduce((sum, r) => sum + (r.w + GAP) * (r.h + GAP), 0);
  const widest = rects.reduce((m, r) => Math.max(m, r.w), 0);
  const rowWidth = Math.max(widest, Math.sqrt(area) * 1.3);
  const placed: Array<{ rect: Rect; dx: number; dy: number }> = [];
  let x = 0;
  let y = 0;
  let rowH = 0;
  let w = 0;
  for (const r of rects) {
    if (x > 0 && x + r.w > rowWidth) {
      y += rowH + GAP;
      x = 0;
      rowH = 0;
    }
    placed.push({ rect: r, dx: x, dy: y });
    x += r.w + GAP;
    rowH = Math.max(rowH, r.h);
    w = Math.max(w, x - GAP);
  }
  return { placed, w, h: y + rowH };
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Positions (centres) of every leaf node and the rectangle of every box (a node with children),
 * boxes nested by their `parent`. Deterministic: children are placed boxes first, then by id.
 */
export function boxesGeometry(elements: readonly GraphElement[]): { positions: Record<string, Position>; boxes: Record<string, Box> } {
  const childrenOf = new Map<string | undefined, string[]>();
  for (const el of elements) {
    if (el.group !== 'nodes') continue;
    const list = childrenOf.get(el.data.parent) ?? [];
    list.push(el.data.id);
    childrenOf.set(el.data.parent, list);
  }
  // Byte order, not localeCompare: the first localeCompare sets up the locale's collator (~40 ms of a
  // fleet's first paint, before anything is drawn), and ids are machine names.
  const byPlacement = (a: Rect, b: Rect) => Number(a.leaf) - Number(b.leaf) || compareStrings(a.id, b.id);
  const build = (id: string): Rect => {
    const kids = childrenOf.get(id);
    if (!kids) return { id, w: LEAF_W, h: LEAF_H, children: [], leaf: true };
    const { placed, w, h } = pack(kids.map(build).sort(byPlacement));
    return { id, w: w + 2 * BOX_PAD, h: h + 2 * BOX_PAD + BOX_LABEL, children: placed, leaf: false };
  };
  const top = pack((childrenOf.get(undefined) ?? []).map(build).sort(byPlacement));

  const positions: Record<string, Position> = {};
  const boxes: Record<string, Box> = {};
  const place = (rect: Rect, left: number, topY: number) => {
    if (rect.leaf) {
      positions[rect.id] = { x: left + rect.w / 2, y: topY + rect.h / 2 };
      return;
    }
    // The label sits above the box's content, inside the rectangle.
    boxes[rect.id] = { x: left + rect.w / 2, y: topY + (rect.h + BOX_LABEL) / 2, w: rect.w, h: rect.h - BOX_LABEL };
    for (const c of rect.children) place(c.rect, left + BOX_PAD + c.dx, topY + BOX_PAD + BOX_LABEL + c.dy);
  };
  for (const p of top.placed) place(p.rect, p.dx, p.dy);
  return { positions, boxes };
}

/** Leaf positions of the boxes layout, for cytoscape's preset layout over compound nodes. */
export function boxesPositions(elements: readonly GraphElement[]): Record<string, Position> {
  return boxesGeometry(elements).positions;
}

/**
 * The boxes layout drawn without compound nodes, for large meshes: cytoscape re-dirties every
 * ancestor and descendant on each style change of a compound graph, which costs seconds at a few
 * thousand nodes. Here clusters and namespaces become plain nodes sized to their rectangle and drawn
 * underneath, leaves lose their parent, and every node carries its position.
 */
export function flattenForBoxes(elements: readonly GraphElement[]): GraphElement[] {
  const { positions, boxes } = boxesGeometry(elements);
  const nodes = elements.flatMap((el): GraphElement[] => {
    if (el.group === 'edges') return [];
    const { parent: _parent, ...data } = el.data;
    const box = boxes[el.data.id];
    if (box) return [{ group: 'nodes', data: { ...data, w: box.w, h: box.h }, classes: `${el.classes} box`, position: { x: box.x, y: box.y } }];
    return [{ group: 'nodes', data, classes: el.classes, position: positions[el.data.id] }];
  });
  return [...nodes, ...aggregateRemoteEdges(elements)];
}

/**
 * Edges of a large mesh, summarised: nobody reads thousands of parallel cross-network lines, and
 * each costs the canvas style and drawing time. Local edges stay; remote hops are merged into one
 * edge per pair of ends (and kind and address), where a gateway end stays itself and any other end
 * becomes its namespace box; the label says how many paths the edge stands for.
 */
export function aggregateRemoteEdges(elements: readonly GraphElement[]): GraphElement[] {
  const boxOf = new Map<string, string>();
  for (const el of elements) if (el.group === 'nodes') boxOf.set(el.data.id, el.data.kind === 'gateway' ? el.data.id : (el.data.parent ?? el.data.id));
  const merged = new Map<string, { el: GraphElement & { group: 'edges' }; count: number }>();
  const out: GraphElement[] = [];
  for (const el of elements) {
    if (el.group !== 'edges') continue;
    if (el.data.kind === 'local') {
      out.push(el);
      continue;
    }
    const source = boxOf.get(el.data.source) ?? el.data.source;
    const target = boxOf.get(el.data.target) ?? el.data.target;
    const key = `${source}->${target}|${el.data.kind}|${el.data.label}`;
    const m = merged.get(key);
    if (m) m.count += 1;
    else merged.set(key, { el: { group: 'edges', data: { ...el.data, id: `agg:${key}`, source, target }, classes: el.classes }, count: 1 });
  }
  for (const { el, count } of merged.values()) {
    const label = count > 1 ? `${count} paths${el.data.label ? ` via ${el.data.label}` : ''}` : el.data.label;
    out.push({ ...el, data: { ...el.data, label } });
  }
  return out;
}

/* ------------------------------------------------------------- viewport */

/** A rectangle of the graph's coordinates. */
export interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The rectangle around positioned nodes (boxes by their w/h, leaves by the boxes layout's cell), or null for none. */
export function nodeBounds(nodes: Iterable<{ position: Position; w?: number; h?: number }>): Bounds | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const n of nodes) {
    const w = n.w ?? LEAF_W;
    const h = n.h ?? LEAF_H;
    x1 = Math.min(x1, n.position.x - w / 2);
    x2 = Math.max(x2, n.position.x + w / 2);
    y1 = Math.min(y1, n.position.y - h / 2);
    y2 = Math.max(y2, n.position.y + h / 2);
  }
  return x1 <= x2 ? { x1, y1, x2, y2 } : null;
}

/**
 * The rectangle around every positioned node of the elements, or null when nothing is positioned. Lets
 * the canvas set its viewport from the precomputed geometry instead of a fit pass, which would make
 * cytoscape measure every element and label first.
 */
export function boundsOf(elements: readonly GraphElement[]): Bounds | null {
  return nodeBounds(elements.flatMap((el) => (el.group === 'nodes' && el.position ? [{ position: el.position, w: el.data.w, h: el.data.h }] : [])));
}

/** Zoom and pan that show `bounds` centred in a width × height canvas with `padding` around (what cy.fit computes). */
export function fitViewport(
  bounds: Bounds,
  size: { width: number; height: number },
  opts: { padding: number; minZoom: number; maxZoom: number },
): { zoom: number; pan: Position } {
  const w = Math.max(bounds.x2 - bounds.x1, 1);
  const h = Math.max(bounds.y2 - bounds.y1, 1);
  const raw = Math.min((size.width - 2 * opts.padding) / w, (size.height - 2 * opts.padding) / h);
  const zoom = Math.min(opts.maxZoom, Math.max(opts.minZoom, raw));
  return { zoom, pan: { x: (size.width - zoom * (bounds.x1 + bounds.x2)) / 2, y: (size.height - zoom * (bounds.y1 + bounds.y2)) / 2 } };
}
