'use client';

import { formatErrorPercent, formatRps, trafficHealth, ERROR_THRESHOLDS } from '@/lib/traffic/edges';
import type { TrafficMatrixCell, TrafficResponse } from '@/lib/types/traffic';

const HEALTH_TONE = {
  idle: 'text-slate-400',
  ok: 'text-green-800 dark:text-green-300',
  warn: 'bg-amber-50 text-amber-900 dark:bg-amber-950/50 dark:text-amber-200',
  fail: 'bg-red-50 font-semibold text-red-900 dark:bg-red-950/50 dark:text-red-200',
} as const;

/** A cell's p99, from the rates' answer (p99=pair) or /api/traffic/latency?by=pair. */
type PairP99 = Pick<TrafficMatrixCell, 'sourceCluster' | 'destinationCluster' | 'p99Ms'>;

/** Istio cluster IDs as rows (callers) and columns (destinations); "unknown" last. */
function axes(cells: TrafficMatrixCell[], known: string[]) {
  const order = (ids: Iterable<string>) => [...new Set(ids)].sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a.localeCompare(b)));
  return { rows: order([...known, ...cells.map((c) => c.sourceCluster)]), columns: order([...known, ...cells.map((c) => c.destinationCluster)]) };
}

/** "p99 …" while the matrix's p99 is still being read (/api/traffic/latency, after the rates), "–" without data. */
function p99Text(matrix: PairP99[] | undefined, source: string, destination: string): string {
  if (!matrix) return '…';
  const p99 = matrix.find((c) => c.sourceCluster === source && c.destinationCluster === destination)?.p99Ms ?? null;
  return p99 === null ? '–' : `${Math.round(p99)} ms`;
}

/** Requests/s, error % and p99 for every source cluster × destination cluster over the window. */
export function TrafficMatrix({ traffic, p99 }: { traffic: TrafficResponse; p99: PairP99[] | undefined }) {
  const known = traffic.clusters.map((c) => c.clusterId ?? c.cluster);
  const { rows, columns } = axes(traffic.matrix, known);
  const cell = (s: string, d: string) => traffic.matrix.find((c) => c.sourceCluster === s && c.destinationCluster === d);
  const unavailable = new Set(traffic.clusters.filter((c) => !c.ok).map((c) => c.clusterId ?? c.cluster));
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="traffic-matrix">
        <caption className="sr-only">Requests per second, error percentage and 99th percentile latency from each source cluster (rows) to each destination cluster (columns), window {traffic.window}</caption>
        <thead>
          <tr className="text-slate-500 dark:text-slate-400">
            <th scope="col" className="py-1 pr-2 font-medium">from ↓ to →</th>
            {columns.map((d) => (
              <th key={d} scope="col" className="px-2 font-medium">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s} className="border-t border-slate-200 dark:border-slate-800">
              <th scope="row" className="py-1 pr-2 font-medium">
                {s}
              </th>
              {columns.map((d) => {
                const c = cell(s, d);
                const health = trafficHealth(c);
                return (
                  <td key={d} className={`px-2 py-1 font-mono ${HEALTH_TONE[health]}`} data-testid="matrix-cell" data-source={s} data-destination={d} data-health={health}>
                    {c && c.rps > 0 ? (
                      <>
                        <span className="block">{formatRps(c.rps)} rps</span>
                        <span className="block">{formatErrorPercent(c)} err</span>
                        <span className="block" data-testid="matrix-p99">p99 {p99Text(p99, s, d)}</span>
                      </>
                    ) : unavailable.has(s) ? (
                      <span title="this cluster's Prometheus could not be read">unavailable</span>
                    ) : (
                      '–'
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-1 text-[11px] leading-tight text-slate-500 dark:text-slate-400" title={`Counted once, from the caller's proxy (reporter="source"). unknown: the request never reached a destination cluster (e.g. a 503 before one was picked).`}>
        Rows call columns; counted once at the caller; <code>unknown</code> = no destination reached. Errors ≥ {ERROR_THRESHOLDS.warn * 100}% amber, ≥ {ERROR_THRESHOLDS.fail * 100}% red.
      </p>
    </div>
  );
}
