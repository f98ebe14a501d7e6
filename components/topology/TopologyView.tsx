'use client';

/**
 * The topology page: filters, find and layout controls around the canvas, with the selected node's
 * details on the side. Every choice lives in the URL (router.replace), so links reproduce the view.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ClusterStatusBanner } from '@/components/ClusterStatusBanner';
import { EmptyState } from '@/components/EmptyState';
import { FreshnessBadge } from '@/components/FreshnessBadge';
import { Skeleton } from '@/components/Skeleton';
import { clusterNames, namespaceNames, toElements } from '@/lib/graph/elements';
import { findNodes } from '@/lib/graph/search';
import { DEFAULT_VIEW, LAYOUT_NAMES, parseViewState, viewStateQuery, type ViewState } from '@/lib/graph/view-state';
import { useChecks, useTopology } from '@/lib/hooks/queries';
import { topologyMarks } from '@/lib/checks/view';
import { useTraffic } from '@/lib/hooks/traffic';
import { edgeTraffic } from '@/lib/traffic/edges';
import { TRAFFIC_WINDOWS, type TrafficWindow } from '@/lib/types/traffic';
import { TrafficStatus } from '@/components/traffic/TrafficStatus';
import { useDraft } from '@/lib/hooks/use-draft';
import { useEarlyTopology } from './early-topology';
import { GraphCanvas, type GraphCanvasHandle } from './GraphCanvas';
import { LevelControl } from './LevelControl';
import { SidePanel } from './SidePanel';
import { FiltersPanel } from './FiltersPanel';
// The canvas and cytoscape are imported statically: they are then among the route's first scripts,
// downloaded beside the topology request instead of after hydration (a dynamic import started only once
// this module ran, ~1.5 s into a fleet's page load, and their 600 KB then queued behind the page's other
// requests). GraphCanvas's own import() of cytoscape-setup resolves at once.
import './cytoscape-setup';

const LAYOUT_LABELS: Record<(typeof LAYOUT_NAMES)[number], string> = {
  auto: 'Auto (fcose, boxes when large)',
  fcose: 'fcose (nested boxes)',
  boxes: 'Boxes (fast grid)',
  breadthfirst: 'Breadth-first',
  grid: 'Grid',
  concentric: 'Concentric',
  cose: 'CoSE',
};

const control =
  'rounded border border-slate-300 bg-white px-1.5 py-0.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-slate-600 dark:bg-slate-900';
const button = `${control} hover:bg-slate-100 dark:hover:bg-slate-800`;

export function TopologyView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const view = useMemo(() => parseViewState(params), [params]);
  useEarlyTopology();
  const topology = useTopology(view.level, view.scope ?? '');
  // Checks and traffic only mark up the graph: asked once all of it is drawn, so at fleet size their work
  // (seconds of the server's time) holds back neither the graph's code and data nor its drawing.
  const [drawn, setDrawn] = useState(false);
  const onDrawn = useCallback(() => setDrawn(true), []);
  const traffic = useTraffic(view.window, drawn);
  const canvas = useRef<GraphCanvasHandle>(null);

  const setView = useCallback(
    (patch: Partial<ViewState>) => {
      const query = viewStateQuery({ ...view, ...patch });
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [view, router, pathname],
  );

  // react-query's structural sharing keeps `nodes` / `edges` identical across equal refreshes.
  const nodes = topology.data?.nodes;
  const edges = topology.data?.edges;
  const filterKey = JSON.stringify([view.clusters, view.namespaces, view.hiddenNamespaces, view.crossOnly]);
  const checks = useChecks(drawn);
  // react-query keeps `findings` the same array while equal (structural sharing): the graph is not rebuilt on every poll.
  const findings = checks.data?.findings;
  const marks = useMemo(() => (findings ? topologyMarks(findings) : null), [findings]);
  const flows = traffic.data?.configured ? traffic.data.flows : null;
  const byEdge = useMemo(() => (nodes && edges && flows ? edgeTraffic({ nodes, edges }, flows) : null), [nodes, edges, flows]);
  const elements = useMemo(
    () => (nodes && edges ? toElements({ nodes, edges }, view, byEdge ? { byEdge, hideIdle: view.hideIdle } : null, marks) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the filter part of the view, by value
    [nodes, edges, filterKey, byEdge, view.hideIdle, marks],
  );
  const allClusters = useMemo(() => (nodes ? clusterNames({ nodes }) : []), [nodes]);
  const allNamespaces = useMemo(() => (nodes ? namespaceNames({ nodes }) : []), [nodes]);

  // Find: typed locally, committed to the URL after a short pause (at once on blur).
  const [findText, setFindText, flushFind, cancelFind] = useDraft(view.find, (find) => setView({ find }), 250);
  const matches = useMemo(() => findNodes(elements, view.find), [elements, view.find]);

  const onSelect = useCallback((id: string | null) => setView({ selected: id }), [setView]);

  // Enter selects the best match (from the typed text: the URL may not have it yet) and centres on it,
  // so its side panel and links are one Tab away without a mouse.
  const selectFirstMatch = () => {
    const first = findNodes(elements, findText)[0];
    if (!first) return;
    // The typed text's pending commit is this one: fired later, from a view that does not have the
    // selection yet, it would put the old `sel` back (typing then Enter within its pause).
    cancelFind();
    setView({ find: findText, selected: first });
    canvas.current?.centerOn(first);
  };

  // A `sel=` for a node the filters leave out is not drawn: no side panel for it (it returns with the node).
  const selected = view.selected && elements.some((e) => e.group === 'nodes' && e.data.id === view.selected) ? view.selected : null;

  // Esc closes the side panel from anywhere on the page (inputs keep Esc for themselves: clearing a search).
  useEffect(() => {
    if (!selected) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key !== 'Escape' || target?.closest('input, select, textarea')) return;
      onSelect(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, onSelect]);

  const nodeCount = elements.filter((e) => e.group === 'nodes').length;
  const edgeCount = elements.length - nodeCount;

  return (
    <main className="flex h-[calc(100vh-4rem)] min-h-[480px] flex-col gap-2 py-1">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-lg font-semibold">Topology</h1>
        <label className="flex items-center gap-1 text-sm">
          <span>Find</span>
          <input
            type="search"
            value={findText}
            onChange={(e) => setFindText(e.target.value)}
            onBlur={flushFind}
            onKeyDown={(e) => {
              if (e.key === 'Enter') selectFirstMatch();
            }}
            aria-describedby="topology-find-hint"
            placeholder="e.g. reviews or 10.244.0.7"
            className={`${control} w-56`}
            data-testid="topology-find"
          />
        </label>
        {view.find && (
          <span className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite" data-testid="find-count">
            {matches.length} {matches.length === 1 ? 'match' : 'matches'}
          </span>
        )}
        <span id="topology-find-hint" className="sr-only">
          Enter selects the first match and opens its details.
        </span>
        <span className="ml-auto flex items-center gap-3 text-xs text-slate-600 dark:text-slate-300">
          <span data-testid="topology-counts" data-nodes={nodeCount} data-edges={edgeCount}>
            {nodeCount} nodes · {edgeCount} edges
          </span>
          <FreshnessBadge fetchedAt={topology.data?.generatedAt} pushed />
        </span>
      </div>

      <ClusterStatusBanner
        clusters={topology.data?.clusters}
        failed={topology.isError ? [{ cluster: 'all clusters', error: { kind: 'bad-response', message: `The topology could not be loaded: ${topology.error.message}`, source: '/api/topology' } }] : []}
      />
      {traffic.data && traffic.data.configured && <TrafficStatus configured hint={null} clusters={traffic.data.clusters} compact />}

      <div className="flex min-h-0 flex-1 gap-2">
        {/* First in the DOM, last on screen: Tab reaches the selected node's links before the filters. */}
        {selected && topology.data && (
          <div className="order-last flex">
            <SidePanel topology={topology.data} selected={selected} onSelect={onSelect} window={view.window} traffic={byEdge} />
          </div>
        )}
        <FiltersPanel
          view={view}
          setView={setView}
          allClusters={allClusters}
          allNamespaces={allNamespaces}
          traffic={traffic.data}
          controlClass={control}
        />

        <section className="flex min-w-0 flex-1 flex-col overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950" aria-label="Graph">
          {/* The graph's own controls, above it (after the side panel in Tab order). */}
          <div className="flex shrink-0 flex-wrap items-center justify-end gap-2 border-b border-slate-200 p-1 dark:border-slate-800">
            <LevelControl
              level={view.level}
              scope={view.scope}
              topology={topology.data}
              selectedNode={(selected && nodes?.find((n) => n.id === selected)) || null}
              className={control}
              onChange={setView}
            />
            <label className="flex items-center gap-1 text-sm">
              <span>Layout</span>
              <select value={view.layout} onChange={(e) => setView({ layout: e.target.value as ViewState['layout'] })} className={control} data-testid="topology-layout">
                {LAYOUT_NAMES.map((l) => (
                  <option key={l} value={l}>
                    {LAYOUT_LABELS[l]}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-1 text-sm">
              <span>Traffic</span>
              <select value={view.window} onChange={(e) => setView({ window: e.target.value as TrafficWindow })} className={control} data-testid="traffic-window" aria-label="Traffic window">
                {TRAFFIC_WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    last {w}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-1 text-sm">
              <input type="checkbox" checked={view.hideIdle} onChange={() => setView({ hideIdle: !view.hideIdle })} disabled={!byEdge} data-testid="hide-idle" />
              Hide idle edges
            </label>
            <button type="button" className={button} onClick={() => canvas.current?.fit()}>
              Fit
            </button>
            <button type="button" className={button} onClick={() => canvas.current?.relayout()}>
              Re-layout
            </button>
            <button type="button" className={button} onClick={() => canvas.current?.exportPng()} data-testid="export-png" disabled={nodeCount === 0}>
              Export PNG
            </button>
          </div>
          <div className="relative min-h-0 flex-1">
          {topology.isPending && <Skeleton className="h-full w-full" label="loading the topology" />}
          {nodes && nodes.length > 0 && (
            <GraphCanvas ref={canvas} elements={elements} layout={view.layout} selected={selected} matches={matches} onSelect={onSelect} onDrawn={onDrawn} />
          )}
          {nodes && nodes.length === 0 && (
            <div className="p-4">
              <EmptyState title="No clusters to draw">
                The server read no cluster. Check that the kubeconfig (ISTHMUS_KUBECONFIG or KUBECONFIG) holds the contexts you expect, or run{' '}
                <code>npm start</code> without arguments to see the demo mesh.
              </EmptyState>
            </div>
          )}
          {nodes && nodes.length > 0 && nodeCount === 0 && (
            <div className="absolute inset-0 bg-white p-4 dark:bg-slate-950">
              <EmptyState title="Nothing matches the filters">
                <button type="button" className={button} onClick={() => setView({ ...DEFAULT_VIEW, layout: view.layout })}>
                  Show every cluster and namespace
                </button>
              </EmptyState>
            </div>
          )}
          </div>
        </section>
      </div>
    </main>
  );
}
