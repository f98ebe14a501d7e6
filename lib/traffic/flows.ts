/**
 * Turns Prometheus samples (grouped by FLOW_LABELS, see promql.ts) into flows and the cluster matrix.
 * Pure: the server feeds it each cluster's answers.
 */
import type { LatencyPercentiles, TrafficFlow, TrafficFlowKey, TrafficLatencyResponse, TrafficMatrixCell } from '../types/traffic';
import { FLOW_LABELS } from './promql';
import { histogramQuantile, parseLe, type Bucket } from './quantile';

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface FlowSamples {
  requests: Sample[];
  tcpSent: Sample[];
  tcpReceived: Sample[];
}

const flowKey = (m: Record<string, string>) => FLOW_LABELS.map((l) => m[l] ?? '').join('\u0000');

/** An answer that failed: HTTP 5xx, or a gRPC status other than OK (0). */
export function isError(responseCode: string | undefined, grpcStatus: string | undefined): boolean {
  if (responseCode && /^5\d\d$/.test(responseCode)) return true;
  return !!grpcStatus && grpcStatus !== '0';
}

function flowOfLabels(m: Record<string, string>): TrafficFlowKey {
  const v = (l: string) => m[l] || 'unknown';
  return {
    sourceCluster: v('source_cluster'),
    sourceNamespace: v('source_workload_namespace'),
    sourceWorkload: v('source_workload'),
    sourceApp: v('source_app'),
    serviceNamespace: v('destination_service_namespace'),
    serviceName: v('destination_service_name'),
    destinationCluster: v('destination_cluster'),
    destinationNamespace: v('destination_workload_namespace'),
    destinationWorkload: v('destination_workload'),
    destinationApp: v('destination_app'),
    destinationVersion: v('destination_version'),
    protocol: v('request_protocol'),
  };
}

/** The flows of one source of samples (one cluster's Prometheus). */
export function buildFlows(s: FlowSamples): Map<string, TrafficFlow> {
  const flows = new Map<string, TrafficFlow>();
  const flowOf = (m: Record<string, string>) => {
    const k = flowKey(m);
    let f = flows.get(k);
    if (!f) flows.set(k, (f = { ...flowOfLabels(m), rps: 0, errorRps: 0, tcpSentBps: 0, tcpReceivedBps: 0 }));
    return f;
  };
  for (const { metric, value } of s.requests) {
    const f = flowOf(metric);
    f.rps += value;
    if (isError(metric.response_code, metric.grpc_response_status)) f.errorRps += value;
  }
  for (const { metric, value } of s.tcpSent) flowOf(metric).tcpSentBps += value;
  for (const { metric, value } of s.tcpReceived) flowOf(metric).tcpReceivedBps += value;
  return flows;
}

/** Latency percentiles of every flow of one source, from its bucket rates by `le` and flow. */
export function buildFlowLatency(latencyBuckets: readonly Sample[]): Map<string, TrafficFlowKey & LatencyPercentiles> {
  const out = new Map<string, TrafficFlowKey & LatencyPercentiles>();
  for (const [k, { labels, buckets }] of bucketsBy(latencyBuckets, flowKey)) {
    out.set(k, { ...flowOfLabels(labels), p50Ms: histogramQuantile(0.5, buckets), p95Ms: histogramQuantile(0.95, buckets), p99Ms: histogramQuantile(0.99, buckets) });
  }
  return out;
}

/** Bucket samples grouped by a key of their other labels (and the first sample's labels), same `le` summed. */
export function bucketsBy(samples: readonly Sample[], key: (m: Record<string, string>) => string): Map<string, { labels: Record<string, string>; buckets: Bucket[] }> {
  const groups = new Map<string, { labels: Record<string, string>; byLe: Map<number, number> }>();
  for (const { metric, value } of samples) {
    const le = parseLe(metric.le);
    if (le === null) continue;
    const k = key(metric);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { labels: metric, byLe: new Map() }));
    g.byLe.set(le, (g.byLe.get(le) ?? 0) + value);
  }
  return new Map([...groups].map(([k, g]) => [k, { labels: g.labels, buckets: [...g.byLe].map(([le, value]) => ({ le, value })) }]));
}

/**
 * Flows of every cluster, each counted once: a flow key seen from two sources (two contexts of one
 * cluster, or a store answering for both) is kept from the first.
 */
export function mergeOnce<T>(perCluster: Array<Map<string, T>>): T[] {
  const merged = new Map<string, T>();
  for (const flows of perCluster) for (const [k, f] of flows) if (!merged.has(k)) merged.set(k, f);
  return [...merged.values()];
}

/** mergeOnce, busiest first. */
export function mergeFlows(perCluster: Array<Map<string, TrafficFlow>>): TrafficFlow[] {
  return mergeOnce(perCluster).sort((a, b) => b.rps - a.rps || (a.serviceName < b.serviceName ? -1 : 1));
}

const pairKey = (m: Record<string, string>) => `${m.source_cluster || 'unknown'}\u0000${m.destination_cluster || 'unknown'}`;
const byPair = (a: { sourceCluster: string; destinationCluster: string }, b: { sourceCluster: string; destinationCluster: string }) =>
  a.sourceCluster + a.destinationCluster < b.sourceCluster + b.destinationCluster ? -1 : 1;

/** Source cluster × destination cluster: the flows' rates summed. */
export function buildMatrix(flows: readonly TrafficFlow[]): TrafficMatrixCell[] {
  const cells = new Map<string, TrafficMatrixCell>();
  for (const f of flows) {
    const k = `${f.sourceCluster}\u0000${f.destinationCluster}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { sourceCluster: f.sourceCluster, destinationCluster: f.destinationCluster, rps: 0, errorRps: 0 }));
    c.rps += f.rps;
    c.errorRps += f.errorRps;
  }
  return [...cells.values()].sort(byPair);
}

/**
 * The matrix's p99 as each source's Prometheus computed it per cluster pair (promql.ts pairP99: a pair
 * is wholly in one source). A pair answered by two sources (two contexts of one cluster, or a store
 * answering for both) is kept from the first, as in mergeOnce.
 */
export function pairP99Matrix(perCluster: ReadonlyArray<readonly Sample[]>): TrafficLatencyResponse['matrix'] {
  const cells = new Map<string, TrafficLatencyResponse['matrix'][number]>();
  for (const { metric, value } of perCluster.flat()) {
    const k = pairKey(metric);
    if (!cells.has(k)) cells.set(k, { sourceCluster: metric.source_cluster || 'unknown', destinationCluster: metric.destination_cluster || 'unknown', p99Ms: value });
  }
  return [...cells.values()].sort(byPair);
}

/** The matrix's cells with the p99 the sources computed per pair (pairP99Matrix), null where none did. */
export function withPairP99(matrix: readonly TrafficMatrixCell[], perCluster: ReadonlyArray<readonly Sample[]>): TrafficMatrixCell[] {
  const p99 = new Map(pairP99Matrix(perCluster).map((c) => [pairKey({ source_cluster: c.sourceCluster, destination_cluster: c.destinationCluster }), c.p99Ms]));
  return matrix.map((c) => ({ ...c, p99Ms: p99.get(pairKey({ source_cluster: c.sourceCluster, destination_cluster: c.destinationCluster })) ?? null }));
}

/**
 * p99 per source cluster × destination cluster from every source's bucket rates (percentiles do not add
 * up from flows; bucket rates do). A flow reported by two sources counts once, as in mergeOnce.
 */
export function latencyMatrix(perCluster: ReadonlyArray<readonly Sample[]>): TrafficLatencyResponse['matrix'] {
  const taken = new Set<string>();
  const once: Sample[] = [];
  for (const samples of perCluster) {
    const here = new Set<string>();
    for (const s of samples) {
      const k = flowKey(s.metric);
      if (taken.has(k)) continue;
      here.add(k);
      once.push(s);
    }
    here.forEach((k) => taken.add(k));
  }
  return [...bucketsBy(once, pairKey).values()]
    .map(({ labels, buckets }) => ({ sourceCluster: labels.source_cluster || 'unknown', destinationCluster: labels.destination_cluster || 'unknown', p99Ms: histogramQuantile(0.99, buckets) }))
    .sort(byPair);
}
