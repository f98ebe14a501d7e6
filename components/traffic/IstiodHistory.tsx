'use client';

/** Each cluster's istiod replicas over time from Prometheus: connected proxies, pushes, rejects, convergence, remote sync. */
import { useState } from 'react';
import { useIstiodHistory } from '@/lib/hooks/traffic';
import { HISTORY_RANGES, type HistoryRange, type IstiodSeries } from '@/lib/types/traffic';
import { SkeletonRows } from '../Skeleton';
import { TrafficStatus } from './TrafficStatus';
import { TimeChart } from './TimeCharts';

const CHARTS: Array<{ metric: IstiodSeries['metric']; title: string; unit: string }> = [
  { metric: 'connected-proxies', title: 'Connected proxies', unit: 'pilot_xds' },
  { metric: 'pushes', title: 'xDS pushes', unit: 'per s' },
  { metric: 'convergence-p99', title: 'Convergence p99', unit: 's' },
  { metric: 'rejects', title: 'Rejected configs', unit: 'in the window' },
  { metric: 'remote-not-synced', title: 'Remote clusters not synced', unit: 'count' },
];

export default function IstiodHistory() {
  const [range, setRange] = useState<HistoryRange>('1h');
  const history = useIstiodHistory('5m', range);
  if (history.isPending) return <SkeletonRows rows={3} />;
  if (history.isError) return <p className="text-xs text-red-700 dark:text-red-300">istiod history could not be loaded: {history.error.message}</p>;
  const h = history.data;
  return (
    <div className="space-y-2" data-testid="istiod-history">
      <div className="flex items-center gap-2 text-xs">
        <label className="flex items-center gap-1">
          Last
          <select value={range} onChange={(e) => setRange(e.target.value as HistoryRange)} className="rounded border border-slate-300 bg-white px-1 dark:border-slate-600 dark:bg-slate-900" aria-label="History range">
            {HISTORY_RANGES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <span className="text-slate-500 dark:text-slate-400">from Prometheus, one line per istiod replica (rates over 5m)</span>
      </div>
      <TrafficStatus configured={h.configured} hint={h.hint} clusters={h.clusters} />
      {h.configured &&
        h.clusters.map((c) => (
          <section key={c.cluster} aria-label={`istiod of ${c.cluster}`} data-testid="istiod-cluster" data-cluster={c.cluster}>
            <h3 className="text-xs font-semibold">
              {c.clusterId ?? c.cluster} <span className="font-normal text-slate-500 dark:text-slate-400">({c.sourceLabel})</span>
            </h3>
            {c.ok && (
              <div className="grid grid-cols-[repeat(auto-fit,minmax(180px,1fr))] gap-2">
                {CHARTS.map((chart) =>
                  chart.metric === 'remote-not-synced' && !c.hasRemoteSyncMetric ? (
                    <p key={chart.metric} className="text-[11px] text-slate-500 dark:text-slate-400">
                      {chart.title}: this istiod does not export <code>istiod_remote_cluster_sync_status</code> (Istio 1.29+); the sync table above reads clusterz.
                    </p>
                  ) : (
                    <TimeChart
                      key={chart.metric}
                      title={chart.title}
                      unit={chart.unit}
                      testId={`istiod-${chart.metric}`}
                      lines={c.series.filter((s) => s.metric === chart.metric).map((s) => ({ key: s.pod || 'istiod', points: s.points }))}
                    />
                  ),
                )}
              </div>
            )}
          </section>
        ))}
    </div>
  );
}
