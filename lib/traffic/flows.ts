/**
 * Turns Prometheus samples (grouped by FLOW_LABELS, see promql.ts) into flows and the cluster matrix.
 * Pure: the server feeds it each cluster's answers.
 */
import type { TrafficFlow, TrafficMatrixCell } from '../types/traffic';
import { FLOW_LABELS } from './promql';
import { histogramQuantile, parseLe, type Bucket } from './quantile';

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface FlowSamples {
  requests: Sample[];
  /** istio_request_duration_milliseconds_bucket rates by `le` and flow. */
  latencyBuckets: Sample[];
  tcpSent: Sample[];
  tcpReceived: Sample[];
}

const flowKey = (m: Record<string, string>) => FLOW_LABELS.map((l) => m[l] ?? '').join('\u0000');

/** An answer that failed: HTTP 5xx, or a gRPC status other than OK (0). */
export function isError(responseCode: string | undefined, grpcStatus: string | undefined): boolean {
  if (responseCode && /^5\d\d$/.test(responseCode)) return true;
  return !!grpcStatus && grpcStatus !== '0';
}

function emptyFlow(m: Record<string, string>): TrafficFlow {
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
    rps: 0,
    errorRps: 0,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    tcpSentBps: 0,
    tcpReceivedBps: 0,
  };
}

/** The flows of one source of samples (one cluster's Prometheus). */
export function buildFlows(s: FlowSamples): Map<string, TrafficFlow> {
  const flows = new Map<string, TrafficFlow>();
  const flowOf = (m: Record<string, string>) => {
    const k = flowKey(m);
    let f = flows.get(k);
    if (!f) flows.set(k, (f = emptyFlow(m)));
    return f;
  };
  for (const { metric, value } of s.requests) {
    const f = flowOf(metric);
    f.rps += value;
    if (isError(metric.response_code, metric.grpc_response_status)) f.errorRps += value;
  }
  for (const [k, buckets] of bucketsBy(s.latencyBuckets, flowKey)) {
    const f = flows.get(k);
    if (!f) continue;
    f.p50Ms = histogramQuantile(0.5, buckets);
    f.p95Ms = histogramQuantile(0.95, buckets);
    f.p99Ms = histogramQuantile(0.99, buckets);
  }
  for (const { metric, value } of s.tcpSent) flowOf(metric).tcpSentBps += value;
  for (const { metric, value } of s.tcpReceived) flowOf(metric).tcpReceivedBps += value;
  return flows;
}

/** Bucket samples grouped by a key of their other labels, same `le` summed. */
export function bucketsBy(samples: readonly Sample[], key: (m: Record<string, string>) => string): Map<string, Bucket[]> {
  const groups = new Map<string, Map<number, number>>();
  for (const { metric, value } of samples) {
    const le = parseLe(metric.le);
    if (le === null) continue;
    const k = key(metric);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = new Map()));
    g.set(le, (g.get(le) ?? 0) + value);
  }
  return new Map([...groups].map(([k, g]) => [k, [...g].map(([le, value]) => ({ le, value }))]));
}

/**
 * Flows of every cluster, each counted once: a flow key seen from two sources (two contexts of one
 * cluster, or a store answering for both) is kept from the first.
 */
export function mergeFlows(perCluster: Array<Map<string, TrafficFlow>>): TrafficFlow[] {
  const merged = new Map<string, TrafficFlow>();
  for (const flows of perCluster) for (const [k, f] of flows) if (!merged.has(k)) merged.set(k, f);
  return [...merged.values()].sort((a, b) => b.rps - a.rps || (a.serviceName < b.serviceName ? -1 : 1));
}

const pairKey = (m: Record<string, string>) => `${m.source_cluster || 'unknown'}\u0000${m.destination_cluster || 'unknown'}`;

/** Source cluster × destination cluster: summed rates; p99 from the latency buckets summed per pair. */
export function buildMatrix(flows: TrafficFlow[], latencyBuckets: Sample[]): TrafficMatrixCell[] {
  const cells = new Map<string, TrafficMatrixCell>();
  for (const f of flows) {
    const k = `${f.sourceCluster}\u0000${f.destinationCluster}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { sourceCluster: f.sourceCluster, destinationCluster: f.destinationCluster, rps: 0, errorRps: 0, p99Ms: null }));
    c.rps += f.rps;
    c.errorRps += f.errorRps;
  }
  for (const [k, buckets] of bucketsBy(latencyBuckets, pairKey)) {
    const c = cells.get(k);
    if (c) c.p99Ms = histogramQuantile(0.99, buckets);
  }
  return [...cells.values()].sort((a, b) => (a.sourceCluster + a.destinationCluster < b.sourceCluster + b.destinationCluster ? -1 : 1));
}
