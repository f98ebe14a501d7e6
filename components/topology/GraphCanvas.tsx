'use client';

/**
 * The one long-lived Cytoscape instance. React renders only the container <div>; data, layout,
 * selection and find results reach the canvas through effects that patch the instance in place:
 * a refresh that changes labels keeps zoom, pan and positions, and only added or removed elements
 * re-run the layout (from the current positions).
 */
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import type { Core, ElementDefinition } from 'cytoscape';
import { diffElements } from '@/lib/graph/diff';
import { keepPositions, type DrawnNode, type PlacedNode } from '@/lib/graph/placement';
import type { GraphElement } from '@/lib/graph/elements';
import { boundsOf, boxesPositions, fitViewport, flattenForBoxes, LARGE_GRAPH_EDGES, LARGE_GRAPH_NODES, layoutOptions, resolveLayout } from '@/lib/graph/layout';
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

export interface GraphCanvasHandle {
  /** Downloads the whole graph as a PNG file. */
  exportPng(): void;
  /** Re-runs the current layout from scratch. */
  relayout(): void;
  /** Zooms and pans so the whole graph is in view. */
  fit(): void;
  /** Centres on one node, zoomed in at least to 1:1 (as find does for its best match). */
  centerOn(id: string): void;
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

function centerOnNode(cy: Core, id: string): void {
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

export function GraphCanvas({
  elements,
  layout,
  selected,
  matches,
  onSelect,
  onPainted,
  ref,
}: {
  elements: GraphElement[];
  layout: LayoutName;
  selected: string | null;
  /** Node ids found by name: highlighted, the first one centred. */
  matches: string[];
  onSelect(id: string | null): void;
  /** Called once, when the graph is first on screen. */
  onPainted?(): void;
  ref?: Ref<GraphCanvasHandle>;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  /** What the canvas holds, by id, to diff the next data against. */
  const shownRef = useRef(new Map<string, GraphElement>());
  /** Each drawn node's box in the graph (the flat drawing's nodes have no parent of their own). */
  const parentsRef = useRef(new Map<string, string | undefined>());
  const hookRef = useRef<TopologyTestHook | null>(null);
  const onSelectRef = useRef(onSelect);
  const onPaintedRef = useRef(onPainted);
  const layoutRef = useRef(layout);
  /** Whether the canvas holds the flat large-mesh drawing (flattenForBoxes) rather than compounds. */
  const flatRef = useRef(false);
  const [ready, setReady] = useState(false);

  const nodeCount = useMemo(() => elements.filter((e) => e.group === 'nodes').length, [elements]);
  const edgeCount = elements.length - nodeCount;
  // A large graph (by nodes or by edges) laid out as boxes is drawn flat, boxes first (paintBoxesFirst).
  const flat = (nodeCount > LARGE_GRAPH_NODES || edgeCount > LARGE_GRAPH_EDGES) && resolveLayout(layout, nodeCount, edgeCount) === 'boxes';
  const shown = useMemo(() => (flat ? flattenForBoxes(elements) : elements), [elements, flat]);

  useEffect(() => {
    onSelectRef.current = onSelect;
    onPaintedRef.current = onPainted;
  }, [onSelect, onPainted]);

  /** The first frame with the graph: the test hook's firstPaintMs, and the page is told. */
  const markFirstPaint = (hook: TopologyTestHook) => {
    if (hook.firstPaintMs !== null) return;
    hook.firstPaintMs = Math.round(performance.now());
    onPaintedRef.current?.();
  };

  const runLayout = (randomize: boolean) => {
    const cy = cyRef.current;
    const hook = hookRef.current;
    if (!cy || !hook) return;
    const els = [...shownRef.current.values()];
    const name = resolveLayout(layoutRef.current, cy.nodes().length, cy.edges().length);
    const started = performance.now();
    hook.layoutDone = false;
    hook.layoutName = flatRef.current ? 'boxes (flat)' : name;
    // fcose from random positions draws a different picture on every load: it starts from the
    // deterministic boxes layout instead, so the same mesh always looks the same.
    const seedFcose = !flatRef.current && name === 'fcose' && randomize;
    if (seedFcose) {
      const start = boxesPositions(els);
      cy.batch(() => cy.nodes().forEach((n) => void (start[n.id()] && n.position(start[n.id()]))));
    }
    const options = flatRef.current
      ? { name: 'preset', animate: false, fit: true, padding: 30, positions: Object.fromEntries(els.flatMap((e) => (e.group === 'nodes' && e.position ? [[e.data.id, e.position]] : []))) }
      : layoutOptions(name, els, { randomize: randomize && !seedFcose });
    const run = cy.layout(options as unknown as Parameters<Core['layout']>[0]);
    run.one('layoutstop', () => {
      if (!flatRef.current) separateClusters(cy);
      fitCapped(cy);
      scaleLabels(cy);
      hook.layoutMs = Math.round(performance.now() - started);
      hook.layoutDoneAt = Math.round(performance.now());
      hook.layoutRuns += 1;
      hook.layoutDone = true;
    });
    run.run();
  };

  /**
   * A changed graph (a cluster expanded, a filter lifted, a workload appearing): every node drawn before
   * keeps its position and only the new ones are laid out, beside what was drawn (lib/graph/placement.ts).
   * Compound boxes follow their children; the flat drawing's boxes are nodes of their own.
   */
  const placeKeepingPositions = (cy: Core, drawn: Map<string, DrawnNode>) => {
    const hook = hookRef.current;
    const els = [...shownRef.current.values()];
    const parents = parentsRef.current;
    let next: PlacedNode[];
    if (flatRef.current) {
      next = els.flatMap((el) => (el.group === 'nodes' && el.position ? [{ id: el.data.id, parent: parents.get(el.data.id), position: el.position, w: el.data.w, h: el.data.h }] : []));
    } else {
      next = Object.entries(boxesPositions(els)).map(([id, position]) => ({ id, parent: parents.get(id), position }));
    }
    const positions = keepPositions(next, drawn);
    cy.batch(() => {
      for (const [id, p] of Object.entries(positions)) cy.getElementById(id).position(p);
    });
    if (!hook) return;
    hook.layoutName = 'kept positions';
    hook.layoutRuns += 1;
    hook.layoutDoneAt = Math.round(performance.now());
    hook.layoutDone = true;
  };

  /**
   * First drawing of a large mesh: every position is precomputed (flattenForBoxes), so no layout runs.
   * The viewport comes from the geometry (a fit pass would measure every element and label first), the
   * cluster and namespace boxes are drawn alone in the first frame, leaves and edges in the next.
   */
  const paintBoxesFirst = (cy: Core) => {
    const hook = hookRef.current;
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
    shownRef.current = new Map(shown.map((el) => [el.data.id, el]));
    cy.one('render', () => {
      markFirstPaint(hook);
      // After the boxes are on screen; a refresh in between may already have added some elements.
      window.setTimeout(() => {
        if (cy.destroyed()) return;
        const rest = [...shownRef.current.values()].filter((el) => cy.getElementById(el.data.id).empty());
        cy.add(insertionOrder(rest));
        hook.layoutMs = Math.round(performance.now() - started);
        hook.layoutDoneAt = Math.round(performance.now());
        hook.layoutRuns += 1;
        hook.layoutDone = true;
        cy.one('render', () => {
          hook.fullPaintMs ??= Math.round(performance.now());
        });
      }, 0);
    });
  };

  // Create the instance once the first data is there (its size picks the renderer's options).
  const haveData = elements.length > 0;
  useEffect(() => {
    if (!haveData || cyRef.current) return;
    let cancelled = false;
    void import('./cytoscape-setup').then(({ default: cytoscape }) => {
      if (cancelled || !containerRef.current) return;
      const large = elements.length > LARGE_GRAPH_NODES;
      const cy = cytoscape({
        container: containerRef.current,
        style: graphStyle(prefersDark(), flatRef.current),
        pixelRatio: 1,
        textureOnViewport: large,
        hideEdgesOnViewport: large,
        motionBlur: false,
        minZoom: 0.02,
        maxZoom: 4,
        boxSelectionEnabled: false,
        selectionType: 'single',
      });
      cy.on('tap', 'node', (e) => onSelectRef.current(e.target.id()));
      // Labels too small to draw at this zoom show on hover; cluster names follow the zoom.
      cy.on('mouseover', 'node', (e) => emphasize(e.target, true));
      cy.on('mouseout', 'node', (e) => {
        if (!e.target.selected() && !e.target.hasClass('match')) emphasize(e.target, false);
      });
      cy.on('zoom', () => scaleLabels(cy));
      cy.on('tap', (e) => {
        if (e.target === cy) onSelectRef.current(null);
      });
      const hook: TopologyTestHook = {
        nodes: () => cy.nodes().map((n) => n.id()),
        edges: () => cy.edges().map((e) => e.id()),
        counts: () => ({ nodes: cy.nodes().length, edges: cy.edges().length }),
        edgeData: () =>
          cy.edges().map((e) => ({ id: e.id(), source: e.data('source'), target: e.data('target'), kind: e.data('kind'), label: e.data('label'), classes: e.classes().join(' ') })),
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
      hookRef.current = hook;
      window.__isthmusTopology = hook;
      cyRef.current = cy;
      setReady(true);
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once; data flows in through the effect below
  }, [haveData]);

  // Destroy with the component only.
  useEffect(
    () => () => {
      cyRef.current?.destroy();
      cyRef.current = null;
      if (window.__isthmusTopology === hookRef.current) delete window.__isthmusTopology;
    },
    [],
  );

  // Data: patch in place; re-layout only when the set of elements changed.
  useEffect(() => {
    const cy = cyRef.current;
    if (!ready || !cy) return;
    if (flat !== flatRef.current) {
      // Switching between the compound and the flat drawing: start over.
      flatRef.current = flat;
      layoutRef.current = layout;
      cy.elements().remove();
      shownRef.current = new Map();
      cy.style(graphStyle(prefersDark(), flat));
    }
    const firstLoad = shownRef.current.size === 0;
    if (firstLoad && flat) {
      parentsRef.current = parentsOf(elements);
      paintBoxesFirst(cy);
      return;
    }
    const diff = diffElements(shownRef.current, shown);
    if (!firstLoad && !diff.structural && diff.updated.length === 0) return;
    // Where everything is before the change: what stays drawn stays there (placeKeepingPositions).
    const drawnBefore = diff.structural && !firstLoad ? drawnNodes(cy, parentsRef.current) : null;
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
    shownRef.current = new Map(shown.map((el) => [el.data.id, el]));
    parentsRef.current = parentsOf(elements);
    if (firstLoad) {
      const hook = hookRef.current;
      cy.one('render', () => {
        if (!hook) return;
        markFirstPaint(hook);
        hook.fullPaintMs ??= hook.firstPaintMs;
      });
    }
    if (firstLoad) runLayout(true);
    else if (drawnBefore && keepsPositions(resolveLayout(layoutRef.current, cy.nodes().length, cy.edges().length))) placeKeepingPositions(cy, drawnBefore);
    else if (diff.structural) runLayout(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runLayout reads refs only; `flat` and `layout` come with `shown`
  }, [ready, shown]);

  // A new layout choice lays the graph out afresh.
  useEffect(() => {
    if (layoutRef.current === layout) return;
    layoutRef.current = layout;
    runLayout(true);
  }, [layout]);

  // Selection from the URL.
  useEffect(() => {
    const cy = cyRef.current;
    if (!ready || !cy) return;
    cy.$(':selected').forEach((n) => {
      n.unselect();
      if (n.isNode() && !n.hasClass('match')) emphasize(n, false);
    });
    if (selected) {
      const node = cy.getElementById(selected);
      node.select();
      if (node.nonempty() && node.isNode()) emphasize(node, true);
    }
  }, [ready, selected, elements]);

  // Find: highlight every match, centre on the best one.
  const matchKey = matches.join('\n');
  useEffect(() => {
    const cy = cyRef.current;
    if (!ready || !cy) return;
    cy.batch(() => {
      cy.nodes('.match').forEach((n) => {
        n.removeClass('match');
        if (!n.selected()) emphasize(n, false);
      });
      for (const id of matches) {
        const n = cy.getElementById(id);
        if (n.empty() || !n.isNode()) continue;
        n.addClass('match');
        emphasize(n, true);
      }
    });
    if (matches.length > 0) centerOnNode(cy, matches[0]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the ids, not the array identity
  }, [ready, matchKey]);

  // Follow the system's dark mode.
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => cyRef.current?.style(graphStyle(query.matches, flatRef.current));
    query.addEventListener('change', apply);
    return () => query.removeEventListener('change', apply);
  }, []);

  useImperativeHandle(ref, () => ({
    exportPng() {
      const cy = cyRef.current;
      if (!cy) return;
      const blob = cy.png({ output: 'blob', full: true, scale: 1, maxWidth: 8000, maxHeight: 8000, bg: prefersDark() ? CANVAS_BACKGROUND.dark : CANVAS_BACKGROUND.light });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `isthmus-topology-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    relayout() {
      runLayout(true);
    },
    fit() {
      if (cyRef.current) fitCapped(cyRef.current);
    },
    centerOn(id) {
      if (cyRef.current) centerOnNode(cyRef.current, id);
    },
  }));

  return (
    <div
      ref={containerRef}
      className="h-full w-full"
      role="img"
      aria-label="Mesh topology graph: clusters, namespaces, services, workloads and gateways"
      data-testid="topology-canvas"
      data-ready={ready ? 'true' : 'false'}
    />
  );
}
