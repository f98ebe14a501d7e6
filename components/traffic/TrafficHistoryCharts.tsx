'use client';

/** rps / errors / p99 of a workload, service or pod over time, inbound and outbound, one line per peer cluster. */
import { useTrafficHistory, type HistoryParams } from '@/lib/hooks/traffic';
import type { TrafficSeries } from '@/lib/types/traffic';
import { TrafficStatus } from './TrafficStatus';
import { TimeChart } from './TimeCharts';

const METRICS: Array<{ metric: TrafficSeries['metric']; title: string; unit: string }> = [
  { metric: 'rps', title: 'Requests', unit: 'per s' },
  { metric: 'errors', title: 'Errors (5xx, gRPC non-OK)', unit: 'per s' },
  { metric: 'p99', title: 'Latency p99', unit: 'ms' },
];

export default function TrafficHistoryCharts({ params }: { params: HistoryParams }) {
  const history = useTrafficHistory(params);
  if (history.isPending) return <p className="text-xs text-slate-500">Loading traffic…</p>;
  if (history.isError) return <p className="text-xs text-red-700 dark:text-red-300">Traffic could not be loaded: {history.error.message}</p>;
  const h = history.data;
  const directions = params.scope === 'service' ? (['inbound'] as const) : (['inbound', 'outbound'] as const);
  return (
    <div className="space-y-2" data-testid="traffic-history">
      <TrafficStatus configured={h.configured} hint={h.hint} clusters={h.clusters} compact />
      {h.configured &&
        directions.map((direction) => (
          <section key={direction}>
            <h4 className="text-[11px] font-semibold uppercase text-slate-500 dark:text-slate-400">
              {direction} · by {direction === 'inbound' ? 'caller' : 'destination'} cluster · window {h.window}, last {h.range}
            </h4>
            <div className="grid grid-cols-1 gap-1">
              {METRICS.map((m) => (
                <TimeChart
                  key={m.metric}
                  title={m.title}
                  unit={m.unit}
                  testId={`chart-${direction}-${m.metric}`}
                  lines={h.series.filter((s) => s.direction === direction && s.metric === m.metric).map((s) => ({ key: s.peerCluster, points: s.points }))}
                />
              ))}
            </div>
          </section>
        ))}
    </div>
  );
}
