'use client';

/**
 * The one long-lived Cytoscape instance. React renders only the container <div>; data, layout,
 * selection and find results reach the canvas through effects that patch the instance in place
 * (canvas.ts): a refresh that changes labels keeps zoom, pan and positions, and only added or removed
 * elements re-run the layout (from the current positions).
 */
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import type { GraphElement } from '@/lib/graph/elements';
import { flattenForBoxes, LARGE_GRAPH_EDGES, LARGE_GRAPH_NODES, resolveLayout } from '@/lib/graph/layout';
import type { LayoutName } from '@/lib/graph/view-state';
import { applyElements, centerOnNode, createCanvas, exportPng, newCanvasState, runLayout } from './canvas';
import { graphStyle } from './graph-style';
import { emphasize, fitCapped } from './legibility';

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

export function GraphCanvas({
  elements,
  layout,
  selected,
  matches,
  onSelect,
  onDrawn,
  ref,
}: {
  elements: GraphElement[];
  layout: LayoutName;
  selected: string | null;
  /** Node ids found by name: highlighted, the first one centred. */
  matches: string[];
  onSelect(id: string | null): void;
  /** Called once, when the whole graph is on screen (a large mesh's first frame has its boxes only). */
  onDrawn?(): void;
  ref?: Ref<GraphCanvasHandle>;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  /** The instance and what it holds (canvas.ts), shared by the effects below. */
  const canvas = useRef(newCanvasState(layout));
  const onSelectRef = useRef(onSelect);
  const [ready, setReady] = useState(false);

  const nodeCount = useMemo(() => elements.filter((e) => e.group === 'nodes').length, [elements]);
  const edgeCount = elements.length - nodeCount;
  // A large graph (by nodes or by edges) laid out as boxes is drawn flat, boxes first.
  const flat = (nodeCount > LARGE_GRAPH_NODES || edgeCount > LARGE_GRAPH_EDGES) && resolveLayout(layout, nodeCount, edgeCount) === 'boxes';
  const shown = useMemo(() => (flat ? flattenForBoxes(elements) : elements), [elements, flat]);

  useEffect(() => {
    onSelectRef.current = onSelect;
    canvas.current.onDrawn = () => onDrawn?.();
  }, [onSelect, onDrawn]);

  // Create the instance once the first data is there (its size picks the renderer's options).
  const haveData = elements.length > 0;
  useEffect(() => {
    const s = canvas.current;
    if (!haveData || s.cy) return;
    let cancelled = false;
    void import('./cytoscape-setup').then(({ default: cytoscape }) => {
      if (cancelled || !containerRef.current) return;
      const { cy, hook } = createCanvas(cytoscape, containerRef.current, { large: elements.length > LARGE_GRAPH_NODES, flat: s.flat, onSelect: (id) => onSelectRef.current(id) });
      s.hook = hook;
      window.__isthmusTopology = hook;
      s.cy = cy;
      setReady(true);
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once; data flows in through the effect below
  }, [haveData]);

  // Destroy with the component only.
  useEffect(() => {
    const s = canvas.current;
    return () => {
      s.cy?.destroy();
      s.cy = null;
      if (window.__isthmusTopology === s.hook) delete window.__isthmusTopology;
    };
  }, []);

  // Data: patch in place; re-layout only when the set of elements changed.
  useEffect(() => {
    if (ready) applyElements(canvas.current, { elements, shown, flat, layout });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `elements`, `flat` and `layout` come with `shown`
  }, [ready, shown]);

  // A new layout choice lays the graph out afresh.
  useEffect(() => {
    const s = canvas.current;
    if (s.layout === layout) return;
    s.layout = layout;
    runLayout(s, true);
  }, [layout]);

  // Selection from the URL.
  useEffect(() => {
    const cy = canvas.current.cy;
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
    const cy = canvas.current.cy;
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
    const apply = () => canvas.current.cy?.style(graphStyle(query.matches, canvas.current.flat));
    query.addEventListener('change', apply);
    return () => query.removeEventListener('change', apply);
  }, []);

  useImperativeHandle(ref, () => ({
    exportPng() {
      if (canvas.current.cy) exportPng(canvas.current.cy);
    },
    relayout() {
      runLayout(canvas.current, true);
    },
    fit() {
      if (canvas.current.cy) fitCapped(canvas.current.cy);
    },
    centerOn(id) {
      if (canvas.current.cy) centerOnNode(canvas.current.cy, id);
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
