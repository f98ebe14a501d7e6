/**
 * Wire types of the traffic routes (/api/traffic*): what Prometheus says about requests between
 * workloads, services and clusters, and about istiod. docs/api.md documents them, docs/metrics.md the
 * PromQL behind every number.
 */
import type { ClusterStatus } from './api';

export const TRAFFIC_WINDOWS = ['1m', '5m', '15m', '1h'] as const;
export type TrafficWindow = (typeof TRAFFIC_WINDOWS)[number];
export const DEFAULT_TRAFFIC_WINDOW: TrafficWindow = '5m';

export const HISTORY_RANGES = ['15m', '1h', '6h'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];
export const DEFAULT_HISTORY_RANGE: HistoryRange = '1h';

/** Where a cluster's metrics come from. */
export type PrometheusSourceKind =
  | 'flag' // --prometheus CLUSTER=URL
  | 'global' // --prometheus-url, series selected by the cluster label
  | 'service-proxy'; // istio-system/prometheus:9090 through the cluster's API server

/** A cluster's metrics source; not ok: its traffic is unavailable (its Prometheus down, slow, missing...). */
export interface TrafficClusterStatus extends ClusterStatus {
  source: PrometheusSourceKind;
  /** Where, for people: "http://prom:9090", "istio-system/prometheus:9090 via the API server". */
  sourceLabel: string;
  /**
   * /api/traffic and /api/traffic/latency, when answered: the recordings read instead of the raw metrics
   * (`workload:istio_requests_total`, `cluster_pair:istio_request_duration_milliseconds_bucket`…; empty:
   * the raw metrics), docs/metrics.md.
   */
  recordings?: string[];
}

/**
 * One caller workload → service → destination workload (or none: `destinationCluster` "unknown"), as
 * the proxies' labels name it.
 */
export interface TrafficFlowKey {
  /** Istio cluster IDs as the proxies report them; "unknown" when Istio could not tell. */
  sourceCluster: string;
  sourceNamespace: string;
  sourceWorkload: string;
  sourceApp: string;
  serviceNamespace: string;
  serviceName: string;
  destinationCluster: string;
  destinationNamespace: string;
  destinationWorkload: string;
  destinationApp: string;
  destinationVersion: string;
  protocol: string;
}

/** Requests of one flow, counted once: from the caller's proxy (reporter="source"). */
export interface TrafficFlow extends TrafficFlowKey {
  /** Requests per second over the window (tcp: 0). */
  rps: number;
  /** Requests per second answered 5xx, or gRPC status other than OK. */
  errorRps: number;
  /** tcp: bytes per second sent by the destination and received by it. */
  tcpSentBps: number;
  tcpReceivedBps: number;
}

/** One cell of the cluster-to-cluster matrix (source cluster × destination cluster, "unknown" kept). */
export interface TrafficMatrixCell {
  sourceCluster: string;
  destinationCluster: string;
  rps: number;
  errorRps: number;
  /** Asked with `p99=pair`: the pair's p99 in ms from the source's pair recording, null when not in the answer. */
  p99Ms?: number | null;
}

/** What every traffic route answers besides its data: each cluster's metrics source, and whether any is configured. */
export interface PrometheusAnswer<C extends TrafficClusterStatus = TrafficClusterStatus> {
  /** False when no Prometheus is configured or found anywhere; `hint` then says what to configure. */
  configured: boolean;
  hint: string | null;
  clusters: C[];
  generatedAt: string;
}

/** GET /api/traffic: rates only, so they never wait for the latency histograms (GET /api/traffic/latency). */
export interface TrafficResponse extends PrometheusAnswer {
  window: TrafficWindow;
  flows: TrafficFlow[];
  matrix: TrafficMatrixCell[];
  /**
   * True when asked with `p99=pair` and every cluster that answered sent its pairs' p99 with the rates
   * (it holds the pair recording): the matrix is complete without /api/traffic/latency.
   */
  p99Complete: boolean;
}

/** `?p99=` of GET /api/traffic: `pair` adds the matrix's p99 where a source can send it with the rates. */
export const TRAFFIC_P99 = ['none', 'pair'] as const;
export type TrafficP99 = (typeof TRAFFIC_P99)[number];

/** Latency percentiles in ms from istio_request_duration_milliseconds; null without data. */
export interface LatencyPercentiles {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** What /api/traffic/latency computes: percentiles per flow and the matrix's p99, or the matrix's p99 alone. */
export const LATENCY_BY = ['flow', 'pair'] as const;
export type LatencyBy = (typeof LATENCY_BY)[number];

/** GET /api/traffic/latency: what the callers waited, per flow and per cluster pair. */
export interface TrafficLatencyResponse extends PrometheusAnswer {
  window: TrafficWindow;
  by: LatencyBy;
  /** by=pair: empty. */
  flows: Array<TrafficFlowKey & LatencyPercentiles>;
  matrix: Array<{ sourceCluster: string; destinationCluster: string; p99Ms: number | null }>;
}

/** One chart line: [unix seconds, value] points. */
export interface TrafficSeries {
  /** inbound: requests to the scope; outbound: requests it makes. */
  direction: 'inbound' | 'outbound';
  metric: 'rps' | 'errors' | 'p99';
  /** The cluster at the other end (Istio cluster ID, "unknown" kept). */
  peerCluster: string;
  points: Array<[number, number]>;
}

export type HistoryScope = 'workload' | 'service' | 'pod';

export interface TrafficHistoryResponse extends PrometheusAnswer {
  scope: HistoryScope;
  cluster: string;
  namespace: string;
  name: string;
  window: TrafficWindow;
  range: HistoryRange;
  stepSeconds: number;
  series: TrafficSeries[];
}

/** One istiod chart line of one replica (or of the cluster, `pod` ""). */
export interface IstiodSeries {
  metric: 'connected-proxies' | 'pushes' | 'rejects' | 'convergence-p99' | 'remote-not-synced';
  pod: string;
  points: Array<[number, number]>;
}

export interface IstiodHistoryCluster extends TrafficClusterStatus {
  series: IstiodSeries[];
  /** istiod_remote_cluster_sync_status exists (Istio 1.29+): false means the chart cannot be drawn. */
  hasRemoteSyncMetric: boolean;
}

export interface IstiodHistoryResponse extends PrometheusAnswer<IstiodHistoryCluster> {
  range: HistoryRange;
  window: TrafficWindow;
  stepSeconds: number;
}
