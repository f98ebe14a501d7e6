/**
 * The Cytoscape instance's drawing, apart from React: creating it, putting data on it (diffed against
 * what it holds), laying it out or keeping positions, the large mesh's boxes-first paint, and the test
 * hook. GraphCanvas.tsx owns one CanvasState and calls these from its effects.
 */
import type { Core, ElementDefinition } from 'cytoscape';
import type cytoscapeFactory from 'cytoscape';
import { diffElements } from '@/lib/graph/diff';
import { keepPositions, type DrawnNode, type PlacedNode } from '@/lib/graph/placement';
import type { GraphElement } from '@/lib/graph/elements';
import { boundsOf, boxesPositions, fitViewport, layoutOptions, resolveLayout } from '@/lib/graph/layout';
import type { LayoutName } from '@/lib/graph/view-state';
import { CANVAS_BACKGROUND, graphStyle } from './graph-style';
import { emphasize, fitCapped, legibilityReport, MAX_FIT_ZOOM, scaleLabels, separateClusters } from './legibility';

/** Read by e2e tests and bench/ui.ts: the graph's model, never its pixels. */
export interface TopologyTestHook {
  nodes(): string[];
  edges(): string[];
  counts(): { nodes: number; edges: number };
  /** Every edge with its ends, kind, printed address and traffic, and its classes (traffic-ok, -warn, -fail, -idle). */
  edgeData(): Array<{ id: string; source: string; target: string; kind: string; label: string; classes: string }>;
  /** The label the canvas prints for a node, null when absent. */
  nodeLabel(id: string): string | null;
  /** Centre of every node, keyed by id. */
  positions(): Record<string, { x: number; y: number }>;
  viewport(): { zoom: number; pan: { x: number; y: number } };
  /** Cluster boxes and label sizes on screen (legibility.ts). */
  legibility(): ReturnType<typeof legibilityReport>;
  layoutDone: boolean;
  /** Layout name actually run (after `auto` resolved). */
  layoutName: string | null;
  /** Duration of the last layout run. */
  layoutMs: number | null;
  /** performance.now() when the last layout stopped (ms since navigation start). */
  layoutDoneAt: number | null;
  /** performance.now() when the canvas first drew the graph (ms since navigation start). */
  firstPaintMs: number | null;
  /** performance.now() when the canvas first drew every element (large meshes paint their boxes first). */
  fullPaintMs: number | null;
  /** How many layouts ran: a refresh that keeps the graph still does not add one. */
  layoutRuns: number;
}

declare global {
  interface Window {
    __isthmusTopology?: TopologyTestHook;
  }
}

/** What the canvas's effects share: the instance and what it holds. */
export interface CanvasState {
  cy: Core | null;
  hook: TopologyTestHook | null;
  /** What the canvas holds, by id, to diff the next data against. */
  shown: Map<string, GraphElement>;
  /** Each drawn node's box in the graph (the flat drawing's nodes have no parent of their own). */
  parents: Map<string, string | undefined>;
  layout: LayoutName;
  /** Whether the canvas holds the flat large-mesh drawing (flattenForBoxes) rather than compounds. */
  flat: boolean;
  /** Tells the page the whole graph is on screen (a large mesh's leaves and edges too). */
  onDrawn(): void;
}

export function newCanvasState(layout: LayoutName): CanvasState {
  return { cy: null, hook: null, shown: new Map(), parents: new Map(), layout, flat: false, onDrawn: () => {} };
}

const KIND_ORDER: Record<string, number> = { cluster: 0, namespace: 1 };

/** The layouts a changed graph keeps the drawn positions under (the defaults); the others are run again. */
const keepsPositions = (layout: string) => layout === 'fcose' || layout === 'boxes';

/** Every node's centre now, its box in the graph, and a flat box's size (its data w/h). */
function drawnNodes(cy: Core, parents: ReadonlyMap<string, string | undefined>): Map<string, DrawnNode> {
  return new Map(
    cy.nodes().map((n) => [n.id(), { position: { ...n.position() }, parent: parents.get(n.id()), w: n.data('w') as number | undefined, h: n.data('h') as number | undefined }]),
  );
}

const parentsOf = (elements: readonly GraphElement[]) => new Map(elements.flatMap((el) => (el.group === 'nodes' ? [[el.data.id, el.data.parent] as const] : [])));

/** Parents before children, nodes before edges: cytoscape wants referenced ids to exist. */
function insertionOrder(els: GraphElement[]): ElementDefinition[] {
  const rank = (e: GraphElement) => (e.group === 'edges' ? 3 : (KIND_ORDER[e.data.kind] ?? 2));
  return [...els].sort((a, b) => rank(a) - rank(b)) as ElementDefinition[];
}

export function centerOnNode(cy: Core, id: string): void {
  const node = cy.getElementById(id);
  if (node.empty()) return;
  cy.zoom(Math.max(cy.zoom(), 1));
  cy.center(node);
}

/** The header's theme choice (html.dark / html.light), else the OS setting. */
function prefersDark(): boolean {
  if (typeof window === 'undefined') return false;
  const c = document.documentElement.classList;
  return c.contains('dark') || (!c.contains('light') && window.matchMedia('(prefers-color-scheme: dark)').matches);
}


/** The first frame with the graph: the test hook's firstPaintMs. */
function markFirstPaint(hook: TopologyTestHook): void {
  hook.firstPaintMs ??= Math.round(performance.now());
}

/**
 * The first frame with every element: the test hook's fullPaintMs, and the page is told (it asks what
 * marks the graph up only then: at fleet size their answers cost the server seconds, and a page that
 * asked at the boxes-first frame had the browser and the server busy with them while the rest was drawn).
 */
function markFullPaint(s: CanvasState, hook: TopologyTestHook): void {
  if (hook.fullPaintMs !== null) return;
  hook.fullPaintMs = Math.round(performance.now());
  s.onDrawn();
}

/** Runs the current layout over the whole graph (`randomize`: from scratch, else from where nodes are). */
export function runLayout(s: CanvasState, randomize: boolean): void {
  const { cy, hook } = s;
  if (!cy || !hook) return;
  const els = [...s.shown.values()];
  const name = resolveLayout(s.layout, cy.nodes().length, cy.edges().length);
  const started = performance.now();
  hook.layoutDone = false;
  hook.layoutName = s.flat ? 'boxes (flat)' : name;
  // fcose from random positions draws a different picture on every load: it starts from the
  // deterministic boxes layout instead, so the same mesh always looks the same.
  const seedFcose = !s.flat && name === 'fcose' && randomize;
  if (seedFcose) {
    const start = boxesPositions(els);
    cy.batch(() => cy.nodes().forEach((n) => void (start[n.id()] && n.position(start[n.id()]))));
  }
  const options = s.flat
    ? { name: 'preset', animate: false, fit: true, padding: 30, positions: Object.fromEntries(els.flatMap((e) => (e.group === 'nodes' && e.position ? [[e.data.id, e.position]] : []))) }
    : layoutOptions(name, els, { randomize: randomize && !seedFcose });
  const run = cy.layout(options as unknown as Parameters<Core['layout']>[0]);
  run.one('layoutstop', () => {
    if (!s.flat) separateClusters(cy);
    fitCapped(cy);
    scaleLabels(cy);
    hook.layoutMs = Math.round(performance.now() - started);
    hook.layoutDoneAt = Math.round(performance.now());
    hook.layoutRuns += 1;
    hook.layoutDone = true;
  });
  run.run();
}

/**
 * A changed graph (a cluster expanded, a filter lifted, a workload appearing): every node drawn before
 * keeps its position and only the new ones are laid out, beside what was drawn (lib/graph/placement.ts).
 * Compound boxes follow their children; the flat drawing's boxes are nodes of their own.
 */
function placeKeepingPositions(s: CanvasState, cy: Core, drawn: Map<string, DrawnNode>): void {
  const els = [...s.shown.values()];
  const parents = s.parents;
  let next: PlacedNode[];
  if (s.flat) {
    next = els.flatMap((el) => (el.group === 'nodes' && el.position ? [{ id: el.data.id, parent: parents.get(el.data.id), position: el.position, w: el.data.w, h: el.data.h }] : []));
  } else {
    next = Object.entries(boxesPositions(els)).map(([id, position]) => ({ id, parent: parents.get(id), position }));
  }
  const positions = keepPositions(next, drawn);
  cy.batch(() => {
    for (const [id, p] of Object.entries(positions)) cy.getElementById(id).position(p);
  });
  const hook = s.hook;
  if (!hook) return;
  hook.layoutName = 'kept positions';
  hook.layoutRuns += 1;
  hook.layoutDoneAt = Math.round(performance.now());
  hook.layoutDone = true;
}

/**
 * First drawing of a large mesh: every position is precomputed (flattenForBoxes), so no layout runs.
 * The viewport comes from the geometry (a fit pass would measure every element and label first), the
 * cluster and namespace boxes are drawn alone in the first frame, leaves and edges in the next.
 */
function paintBoxesFirst(s: CanvasState, cy: Core, shown: GraphElement[]): void {
  const hook = s.hook;
  if (!hook) return;
  const started = performance.now();
  hook.layoutDone = false;
  hook.layoutName = 'boxes (flat)';
  const isBox = (el: GraphElement) => el.group === 'nodes' && el.data.w !== undefined;
  const boxes = shown.filter(isBox);
  const bounds = boundsOf(boxes.length > 0 ? boxes : shown);
  cy.add(insertionOrder(boxes));
  if (bounds) cy.viewport(fitViewport(bounds, { width: cy.width(), height: cy.height() }, { padding: 30, minZoom: cy.minZoom(), maxZoom: MAX_FIT_ZOOM }));
  scaleLabels(cy);
  s.shown = new Map(shown.map((el) => [el.data.id, el]));
  cy.one('render', () => {
    markFirstPaint(hook);
    // After the boxes are on screen; a refresh in between may already have added some elements.
    window.setTimeout(() => {
      if (cy.destroyed()) return;
      const rest = [...s.shown.values()].filter((el) => cy.getElementById(el.data.id).empty());
      cy.add(insertionOrder(rest));
      hook.layoutMs = Math.round(performance.now() - started);
      hook.layoutDoneAt = Math.round(performance.now());
      hook.layoutRuns += 1;
      hook.layoutDone = true;
      cy.one('render', () => markFullPaint(s, hook));
    }, 0);
  });
}

/**
 * New data on the canvas, patched in place: only changed elements are touched, and a layout runs only
 * when the set of elements changed (a changed graph keeps what was drawn where it was, for the layouts
 * that allow it). `shown` is what to draw (flattenForBoxes' drawing when `flat`), `elements` the graph.
 */
export function applyElements(s: CanvasState, { elements, shown, flat, layout }: { elements: GraphElement[]; shown: GraphElement[]; flat: boolean; layout: LayoutName }): void {
  const cy = s.cy;
  if (!cy) return;
  if (flat !== s.flat) {
    // Switching between the compound and the flat drawing: start over.
    s.flat = flat;
    s.layout = layout;
    cy.elements().remove();
    s.shown = new Map();
    cy.style(graphStyle(prefersDark(), flat));
  }
  const firstLoad = s.shown.size === 0;
  if (firstLoad && flat) {
    s.parents = parentsOf(elements);
    paintBoxesFirst(s, cy, shown);
    return;
  }
  const diff = diffElements(s.shown, shown);
  if (!firstLoad && !diff.structural && diff.updated.length === 0) return;
  // Where everything is before the change: what stays drawn stays there (placeKeepingPositions).
  const drawnBefore = diff.structural && !firstLoad ? drawnNodes(cy, s.parents) : null;
  cy.batch(() => {
    for (const id of diff.removed) cy.getElementById(id).remove();
    for (const el of diff.updated) {
      const target = cy.getElementById(el.data.id);
      target.data(el.data);
      target.classes(el.classes);
    }
    // Removing a compound also removes its descendants and edges: add back whatever is missing.
    const missing = shown.filter((el) => cy.getElementById(el.data.id).empty());
    if (missing.length > 0) cy.add(insertionOrder(missing));
  });
  s.shown = new Map(shown.map((el) => [el.data.id, el]));
  s.parents = parentsOf(elements);
  if (firstLoad) {
    const hook = s.hook;
    cy.one('render', () => {
      if (!hook) return;
      markFirstPaint(hook);
      markFullPaint(s, hook);
    });
    runLayout(s, true);
  } else if (drawnBefore && keepsPositions(resolveLayout(s.layout, cy.nodes().length, cy.edges().length))) placeKeepingPositions(s, cy, drawnBefore);
  else if (diff.structural) runLayout(s, false);
}

/** The instance on `container`, its events wired (taps select, hovers emphasize, zoom scales labels), and its test hook. */
export function createCanvas(cytoscape: typeof cytoscapeFactory, container: HTMLElement, { large, flat, onSelect }: { large: boolean; flat: boolean; onSelect(id: string | null): void }): { cy: Core; hook: TopologyTestHook } {
  const cy = cytoscape({
    container,
    style: graphStyle(prefersDark(), flat),
    pixelRatio: 1,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    motionBlur: false,
    minZoom: 0.02,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: 'single',
  });
  cy.on('tap', 'node', (e) => onSelect(e.target.id()));
  // Labels too small to draw at this zoom show on hover; cluster names follow the zoom.
  cy.on('mouseover', 'node', (e) => emphasize(e.target, true));
  cy.on('mouseout', 'node', (e) => {
    if (!e.target.selected() && !e.target.hasClass('match')) emphasize(e.target, false);
  });
  cy.on('zoom', () => scaleLabels(cy));
  cy.on('tap', (e) => {
    if (e.target === cy) onSelect(null);
  });
  const hook: TopologyTestHook = {
    nodes: () => cy.nodes().map((n) => n.id()),
    edges: () => cy.edges().map((e) => e.id()),
    counts: () => ({ nodes: cy.nodes().length, edges: cy.edges().length }),
    edgeData: () => cy.edges().map((e) => ({ id: e.id(), source: e.data('source'), target: e.data('target'), kind: e.data('kind'), label: e.data('label'), classes: e.classes().join(' ') })),
    nodeLabel: (id) => {
      const n = cy.getElementById(id);
      return n.nonempty() ? (n.data('label') as string) : null;
    },
    positions: () => Object.fromEntries(cy.nodes().map((n) => [n.id(), { ...n.position() }])),
    viewport: () => ({ zoom: cy.zoom(), pan: { ...cy.pan() } }),
    legibility: () => legibilityReport(cy),
    layoutDone: false,
    layoutName: null,
    layoutMs: null,
    layoutDoneAt: null,
    firstPaintMs: null,
    fullPaintMs: null,
    layoutRuns: 0,
  };
  return { cy, hook };
}

/** Downloads the whole graph as a PNG file. */
export function exportPng(cy: Core): void {
  const blob = cy.png({ output: 'blob', full: true, scale: 1, maxWidth: 8000, maxHeight: 8000, bg: prefersDark() ? CANVAS_BACKGROUND.dark : CANVAS_BACKGROUND.light });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `isthmus-topology-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
