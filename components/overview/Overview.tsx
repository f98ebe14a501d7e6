'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import type { MeshResponse } from '@/lib/types/api';
import { useClusters, useContexts, useMeshOfClusters } from '@/lib/hooks/queries';
import { useTraffic, useTrafficLatency } from '@/lib/hooks/traffic';
import { DEFAULT_TRAFFIC_WINDOW, TRAFFIC_WINDOWS, type TrafficWindow } from '@/lib/types/traffic';
import { TrafficMatrix } from '../traffic/TrafficMatrix';
import { TrafficStatus } from '../traffic/TrafficStatus';
import { apiUrls } from '@/lib/hooks/query-keys';
import { isConfigurationError } from '@/lib/hooks/fetch-json';
import { buildSyncMatrix, sharesRootCert } from '@/lib/ui/sync-matrix';
import { appendSample, sampleOf, type SyncSample } from '@/lib/ui/history';
import { ChecksSummaryStrip } from '../checks/ChecksSummaryStrip';
import { ClusterStatusBanner } from '../ClusterStatusBanner';
import { CopyTableButton } from '../CopyTableButton';
import { EmptyState } from '../EmptyState';
import { Panel } from '../Panel';
import { Skeleton, SkeletonRows } from '../Skeleton';
import { ClusterSummaries } from './ClusterSummaries';
import { GatewaysTable } from './GatewaysTable';
import { ProxySyncPanel } from './ProxySyncPanel';
import { SyncMatrixTable } from './SyncMatrixTable';

// recharts is the heaviest thing on this page: load it after the tables.
const SyncHistoryCharts = dynamic(() => import('./SyncHistoryCharts'), { ssr: false, loading: () => <Skeleton className="h-24 w-full" label="loading charts" /> });
const IstiodHistory = dynamic(() => import('../traffic/IstiodHistory'), { ssr: false, loading: () => <Skeleton className="h-24 w-full" label="loading charts" /> });

export function Overview() {
  const clusters = useClusters();
  // Each cluster's mesh is its own request, so a slow cluster never holds back the others.
  // Names come from the configuration, so every cluster's mesh query starts at once; /api/clusters
  // (reachability, versions) waits for the slowest cluster's deadline.
  const contexts = useContexts();
  const names = useMemo(() => contexts.data?.contexts ?? (clusters.data?.clusters ?? []).map((c) => c.cluster), [contexts.data, clusters.data]);
  const mesh = useMeshOfClusters(names);
  const [history, setHistory] = useState<SyncSample[]>([]);
  const [trafficWindow, setTrafficWindow] = useState<TrafficWindow>(DEFAULT_TRAFFIC_WINDOW);
  // Traffic waits for the first cluster's mesh: a slow cluster's traffic request must not take one of
  // the browser's few connections before the healthy clusters' cards.
  // The matrix's p99 comes with the rates where every source holds the pair recording (one round trip
  // each); only otherwise is /api/traffic/latency asked, after the rates said so.
  const traffic = useTraffic(trafficWindow, mesh.data !== undefined, 'pair');
  const latency = useTrafficLatency(trafficWindow, traffic.data !== undefined && traffic.data.configured && !traffic.data.p99Complete);
  const p99 = traffic.data?.p99Complete ? traffic.data.matrix : latency.data?.window === trafficWindow ? latency.data.matrix : undefined;
  // With Prometheus, history comes from it; without, the page records what it saw since it opened.
  const prometheus = traffic.data?.configured === true;
  // Record each new answer once, while rendering it (React's "adjust state on prop change" pattern).
  const [recorded, setRecorded] = useState<MeshResponse | undefined>(undefined);
  const combined = mesh.data;
  if (combined && combined !== recorded) {
    setRecorded(combined);
    setHistory((h) => appendSample(h, sampleOf(combined)));
  }

  const matrix = useMemo(() => buildSyncMatrix(mesh.data?.clusters ?? []), [mesh.data]);
  const rootShared = useMemo(() => sharesRootCert(mesh.data?.clusters ?? []), [mesh.data]);
  // No cluster has answered yet and one still may: the panels keep their skeletons.
  const meshPending = !mesh.data && ((names.length === 0 && (contexts.isPending || clusters.isPending)) || mesh.pending.length > 0);

  const unavailable = nothingToShow(clusters);
  if (unavailable) return unavailable;

  const meshByName = new Map((mesh.data?.clusters ?? []).map((c) => [c.cluster, c]));
  const infoByName = new Map((clusters.data?.clusters ?? []).map((c) => [c.cluster, c]));

  return (
    <main className="space-y-2">
      <h1 className="sr-only">Mesh overview</h1>
      <ChecksSummaryStrip />
      <ClusterStatusBanner
        clusters={[...(clusters.data?.clusters ?? []), ...(mesh.data?.clusters ?? [])]}
        failed={mesh.failed.map((f) => ({ cluster: f.cluster, error: { kind: 'bad-response', message: f.message, source: '/api/mesh' } }))}
      />

      <ClusterSummaries names={names} infoByName={infoByName} meshByName={meshByName} pending={mesh.pending} rootMismatch={!rootShared} />

      <div className="grid grid-cols-1 gap-2 xl:grid-cols-[minmax(0,1.1fr)_minmax(0,1fr)_minmax(0,1.2fr)]">
        <Panel id="remote-sync" title="Remote cluster sync" actions={<CopyTableButton url={apiUrls.remoteClustersTable()} label="copy as istioctl" />}>
          {meshPending ? (
            <SkeletonRows rows={3} />
          ) : matrix.rows.length === 0 && mesh.pending.length === 0 ? (
            <EmptyState title="No istiod found">Install Istio, or check that istiod pods are readable.</EmptyState>
          ) : (
            <div className="max-h-64 overflow-auto">
              <SyncMatrixTable matrix={matrix} />
            </div>
          )}
          <StillLoading clusters={mesh.pending} />
        </Panel>
        <Panel
          id="proxy-sync"
          title="Proxy sync"
          actions={
            <>
              <Link href="/proxies" className="text-xs underline">
                all proxies
              </Link>
              <CopyTableButton url={apiUrls.proxyStatusTable()} label="copy as istioctl" />
            </>
          }
        >
          {meshPending ? (
            <SkeletonRows rows={3} />
          ) : (
            <div className="max-h-64 overflow-auto">
              <ProxySyncPanel clusters={mesh.data?.clusters ?? []} />
            </div>
          )}
          <StillLoading clusters={mesh.pending} />
        </Panel>
        {prometheus ? (
          <Panel id="traffic" title="Cluster-to-cluster traffic" actions={<TrafficWindowSelect value={trafficWindow} onChange={setTrafficWindow} />}>
            <TrafficStatus configured hint={null} clusters={traffic.data!.clusters} />
            <TrafficMatrix traffic={traffic.data!} p99={p99} />
          </Panel>
        ) : (
          <Panel id="history" title="Since this page opened">
            <SyncHistoryCharts history={history} clusters={names} />
            {traffic.data && (
              <p className="mt-1 text-[11px] text-slate-500 dark:text-slate-400" data-testid="traffic-not-configured">
                {traffic.data.hint}
              </p>
            )}
            {traffic.isError && <p className="mt-1 text-[11px] text-red-700 dark:text-red-300">Traffic could not be loaded: {traffic.error.message}</p>}
          </Panel>
        )}
      </div>

      {prometheus && (
        <details className="rounded-lg border border-slate-200 bg-white p-2.5 dark:border-slate-800 dark:bg-slate-900" data-testid="istiod-history-panel">
          <summary className="cursor-pointer text-sm font-semibold text-slate-700 dark:text-slate-200">istiod per cluster over time (Prometheus): connected proxies, pushes, convergence, rejects</summary>
          <div className="mt-2">
            <IstiodHistory />
          </div>
        </details>
      )}

      <Panel
        id="gateways"
        title="Gateways (Istio gateway Services)"
        actions={
          <Link href="/pods" className="text-xs underline">
            pick a pod to inspect its endpoints →
          </Link>
        }
      >
        {meshPending ? (
          <SkeletonRows rows={4} />
        ) : (
          // Many clusters: the table scrolls inside its panel, the page stays one screen.
          <div className="max-h-36 overflow-auto">
            <GatewaysTable clusters={mesh.data?.clusters ?? []} />
          </div>
        )}
        <StillLoading clusters={mesh.pending} />
      </Panel>
    </main>
  );
}

/** Under a panel that shows the clusters that answered: the ones still on their way. */
function StillLoading({ clusters }: { clusters: string[] }) {
  if (clusters.length === 0) return null;
  return (
    <p role="status" className="mt-1 animate-pulse text-xs text-slate-500">
      waiting for {clusters.join(', ')}…
    </p>
  );
}

/** The window the matrix and its rates are read over. */
function TrafficWindowSelect({ value, onChange }: { value: TrafficWindow; onChange(window: TrafficWindow): void }) {
  return (
    <label className="flex items-center gap-1 text-xs">
      last
      <select value={value} onChange={(e) => onChange(e.target.value as TrafficWindow)} className="rounded border border-slate-300 bg-white px-1 dark:border-slate-600 dark:bg-slate-900" aria-label="Traffic window" data-testid="matrix-window">
        {TRAFFIC_WINDOWS.map((w) => (
          <option key={w}>{w}</option>
        ))}
      </select>
    </label>
  );
}

/** What the page says instead of the overview when there is nothing to show, or null. */
function nothingToShow(clusters: ReturnType<typeof useClusters>) {
  if (clusters.isError && !clusters.data && isConfigurationError(clusters.error)) {
    // The header's alert already says why; the page says what to do.
    return (
      <EmptyState title="Nothing to show: no usable cluster">
        Fix the kubeconfig entries named above (or start with other <code>--kubeconfig</code> / <code>--context</code> options); it is re-read on every request, no restart
        needed.
      </EmptyState>
    );
  }
  if (clusters.isError && !clusters.data) {
    return (
      <EmptyState title="The Isthmus API is not answering">
        {clusters.error.message}. Is the server running? It serves this page and /api/* from the same process.
      </EmptyState>
    );
  }
  if (clusters.data && clusters.data.clusters.length === 0) {
    return (
      <EmptyState title="No clusters configured">
        Point Isthmus at a kubeconfig: set <code>ISTHMUS_KUBECONFIG</code> (or <code>KUBECONFIG</code>) and optionally <code>ISTHMUS_CONTEXTS</code>, then restart. The README shows how to
        start the lab&apos;s demo mesh instead.
      </EmptyState>
    );
  }
  return null;
}
