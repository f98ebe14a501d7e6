'use client';

/** The topology page's side column: which clusters and namespaces are drawn, and what the edges' styles mean. */
import { toggle, type ViewState } from '@/lib/graph/view-state';
import { ERROR_THRESHOLDS } from '@/lib/traffic/edges';
import type { PrometheusAnswer } from '@/lib/types/traffic';

function TrafficLegend() {
  const items = [
    { label: `errors < ${ERROR_THRESHOLDS.warn * 100}%`, style: 'border-green-600' },
    { label: `errors ≥ ${ERROR_THRESHOLDS.warn * 100}%`, style: 'border-amber-600' },
    { label: `errors ≥ ${ERROR_THRESHOLDS.fail * 100}%`, style: 'border-red-600' },
    { label: 'no traffic in the window', style: 'border-slate-300' },
  ];
  return (
    <ul className="space-y-0.5 text-xs" aria-label="Traffic legend" data-testid="traffic-legend">
      {items.map((i) => (
        <li key={i.label} className="flex items-center gap-2">
          <span aria-hidden="true" className={`inline-block w-6 border-t-4 ${i.style}`} />
          {i.label}
        </li>
      ))}
      <li className="text-slate-500 dark:text-slate-400">Labels: requests/s and error % over the window, counted once at the caller.</li>
    </ul>
  );
}

function Legend() {
  const items = [
    { label: 'local', style: 'border-slate-400 border-solid' },
    { label: 'cross-cluster (same network)', style: 'border-blue-600 border-dashed' },
    { label: 'east-west gateway', style: 'border-violet-600 border-dashed' },
    { label: 'unroutable (raw remote pod IPs)', style: 'border-red-600 border-dotted' },
  ];
  return (
    <ul className="space-y-0.5 text-xs" aria-label="Edge legend">
      {items.map((i) => (
        <li key={i.label} className="flex items-center gap-2">
          <span aria-hidden="true" className={`inline-block w-6 border-t-2 ${i.style}`} />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

export function FiltersPanel({
  view,
  setView,
  allClusters,
  allNamespaces,
  traffic,
  controlClass: control,
}: {
  view: ViewState;
  setView(patch: Partial<ViewState>): void;
  allClusters: string[];
  allNamespaces: string[];
  /** Whether a Prometheus is configured (else its hint says what to configure); absent until known. */
  traffic: Pick<PrometheusAnswer, 'configured' | 'hint'> | undefined;
  controlClass: string;
}) {
  const toggleCluster = (c: string) => {
    const shown = view.clusters.length === 0 ? allClusters : view.clusters;
    const next = toggle(shown, c);
    setView({ clusters: next.length === allClusters.length ? [] : next });
  };

  return (
    <aside className="w-56 shrink-0 space-y-3 overflow-y-auto rounded-lg border border-slate-200 bg-white p-2.5 text-sm dark:border-slate-800 dark:bg-slate-900" aria-label="Filters">
      <label className="flex items-start gap-1.5" title="Only the services with endpoints in several clusters, and the paths between clusters">
        <input type="checkbox" className="mt-1" checked={view.crossOnly} onChange={(e) => setView({ crossOnly: e.target.checked })} data-testid="topology-cross-only" />
        <span>Cross-cluster only</span>
      </label>
      <fieldset>
        <legend className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Clusters</legend>
        {allClusters.map((c) => (
          <label key={c} className="flex items-center gap-1.5 break-all">
            <input type="checkbox" checked={view.clusters.length === 0 || view.clusters.includes(c)} onChange={() => toggleCluster(c)} />
            {c}
          </label>
        ))}
      </fieldset>
      <label className="block">
        <span className="mb-1 block text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Namespace</span>
        <select
          value={view.namespaces.length === 1 ? view.namespaces[0] : ''}
          onChange={(e) => setView({ namespaces: e.target.value ? [e.target.value] : [] })}
          className={`${control} w-full`}
          data-testid="topology-namespace"
        >
          <option value="">All namespaces</option>
          {allNamespaces.map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Hide namespaces</legend>
        {allNamespaces.map((ns) => (
          <label key={ns} className="flex items-center gap-1.5">
            <input type="checkbox" checked={view.hiddenNamespaces.includes(ns)} onChange={() => setView({ hiddenNamespaces: toggle(view.hiddenNamespaces, ns) })} />
            {ns}
          </label>
        ))}
        {allNamespaces.includes('istio-system') && (
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">Gateways stay visible when istio-system is hidden.</p>
        )}
      </fieldset>
      <section>
        <h2 className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Paths</h2>
        <Legend />
      </section>
      <section>
        <h2 className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Traffic (last {view.window})</h2>
        {traffic && !traffic.configured ? (
          <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="traffic-not-configured">
            {traffic.hint}
          </p>
        ) : (
          <TrafficLegend />
        )}
      </section>
    </aside>
  );
}
