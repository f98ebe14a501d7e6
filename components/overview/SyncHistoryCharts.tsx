'use client';

import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, Legend } from 'recharts';
import type { SyncSample } from '@/lib/ui/history';

const COLOURS = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2'];
type Metric = 'remoteNotSynced' | 'proxiesStaleOrError';
/** Up to this many clusters the chart carries a legend. */
const MAX_LEGEND = 3;

function clock(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function MiniChart({ history, clusters, metric, title }: { history: SyncSample[]; clusters: string[]; metric: Metric; title: string }) {
  const data = history.map((s) => ({ t: s.t, ...Object.fromEntries(clusters.map((c) => [c, s[metric][c] ?? null])) }));
  return (
    <figure className="min-w-0 flex-1">
      <figcaption className="text-[11px] text-slate-500 dark:text-slate-400">{title}</figcaption>
      <div className="h-24" data-testid="history-chart">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
            <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={clock} tick={{ fontSize: 9 }} minTickGap={40} />
            <YAxis allowDecimals={false} tick={{ fontSize: 9 }} width={36} domain={[0, (max: number) => Math.max(1, max)]} />
            <Tooltip labelFormatter={(t) => clock(Number(t))} contentStyle={{ fontSize: 11 }} />
            {/* A legend of many clusters would wrap over the whole plot and leave it no height: names are in the tooltip then. */}
            {clusters.length <= MAX_LEGEND && <Legend wrapperStyle={{ fontSize: 10 }} iconSize={8} />}
            {clusters.map((c, i) => (
              <Line key={c} dataKey={c} name={c} stroke={COLOURS[i % COLOURS.length]} strokeDasharray={i % 2 ? '4 2' : undefined} dot={false} isAnimationActive={false} connectNulls={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** Remote clusters and proxies not in sync, per cluster, since this page opened (recharts loads lazily). */
export default function SyncHistoryCharts({ history, clusters }: { history: SyncSample[]; clusters: string[] }) {
  return (
    <div className="flex gap-2" data-testid="sync-history">
      <MiniChart history={history} clusters={clusters} metric="remoteNotSynced" title="Remote clusters not synced" />
      <MiniChart history={history} clusters={clusters} metric="proxiesStaleOrError" title="Proxies STALE or ERROR" />
    </div>
  );
}
