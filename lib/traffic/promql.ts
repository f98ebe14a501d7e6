/**
 * Every PromQL Isthmus sends, built from validated parameters only (never text from the browser).
 * docs/metrics.md lists each query with what it means; keep the two in step.
 *
 * Counting once: with one Prometheus per cluster a cross-cluster request is reported twice, by the
 * caller's proxy (reporter="source", in the caller's cluster) and by the callee's (reporter="destination",
 * in the callee's cluster). Request counts, errors and latency use reporter="source" only: every request
 * has exactly one caller proxy, and only the caller sees requests that never reached a destination
 * (503 before a cluster was picked: destination_cluster="unknown"). Callers without a sidecar have no
 * source report; their requests are taken from reporter="destination" with source_workload="unknown".
 */
import type { HistoryRange, HistoryScope, TrafficWindow } from '../types/traffic';

/** A label matcher added to every selector (the global store's cluster label), or "". */
export type Scope = string;

/** A PromQL string literal. */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** An RE2 pattern matching exactly `value`. */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** `,cluster=~"id|context"` for a global store, "" for a cluster's own Prometheus. */
export function clusterScope(label: string | null, values: string[]): Scope {
  if (!label) return '';
  return `,${label}=~${promString([...new Set(values)].map(regexLiteral).join('|'))}`;
}

/** The labels that identify a flow (caller workload → service → destination workload). */
export const FLOW_LABELS = [
  'source_cluster',
  'source_workload_namespace',
  'source_workload',
  'source_app',
  'destination_service_namespace',
  'destination_service_name',
  'destination_cluster',
  'destination_workload_namespace',
  'destination_workload',
  'destination_app',
  'destination_version',
  'request_protocol',
] as const;

const flowBy = FLOW_LABELS.join(', ');

/** Requests counted once (see the header), as a range-vector expression's rate. */
function requestsOnce(metric: string, extra: string, scope: Scope, window: string): string {
  return `rate(${metric}{reporter="source"${extra}${scope}}[${window}]) or rate(${metric}{reporter="destination",source_workload="unknown"${extra}${scope}}[${window}])`;
}

/**
 * requestsOnce summed by `by`, each side aggregated before the `or`: `or` matches whole label sets, and
 * on the raw series (Istio's ~40 labels each, twenty per flow for a histogram) that costs Prometheus
 * more than the aggregation. Only for a `by` that holds source_workload: the two sides then never share
 * a group (a caller's own proxy always knows its workload), so `or` adds them up.
 */
function sumOnce(by: string, metric: string, scope: Scope, window: string): string {
  return `sum by (${by}) (rate(${metric}{reporter="source"${scope}}[${window}])) or sum by (${by}) (rate(${metric}{reporter="destination",source_workload="unknown"${scope}}[${window}]))`;
}

/** Errors: HTTP 5xx, or a gRPC status other than OK on a non-5xx answer. */
function errorsOnce(metric: string, extra: string, scope: Scope, window: string): string {
  return `${requestsOnce(metric, `${extra},response_code=~"5.."`, scope, window)} or ${requestsOnce(metric, `${extra},response_code!~"5..",grpc_response_status=~"[1-9]|1[0-6]"`, scope, window)}`;
}

/** `expr` with one more label, so several results can travel in one answer (`or` keeps them apart). */
function tagged(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, "${label}", "${value}", "", "")`;
}

/** The label telling the parts of a combined answer apart. */
export const PART_LABEL = 'isthmus_part';

/**
 * Two queries per source, sent side by side. `rates` is one round trip (through a cluster's API server
 * each costs its latency) with everything the topology's edges and the matrix's rates need, and is
 * cheap: one series per flow and answer. `latency` reads every histogram bucket series (about twenty
 * per flow, pod and answer), which costs Prometheus many times more; it has a route of its own
 * (/api/traffic/latency), so the rates never wait for it.
 */
export const flowQueries = (scope: Scope, window: TrafficWindow) => ({
  /**
   * Requests/s per flow and answer (response code, gRPC status), PART_LABEL "requests"; TCP bytes/s per
   * flow, each way, PART_LABEL "sent" / "received".
   */
  rates: [
    tagged(sumOnce(`${flowBy}, response_code, grpc_response_status`, 'istio_requests_total', scope, window), PART_LABEL, 'requests'),
    tagged(sumOnce(flowBy, 'istio_tcp_sent_bytes_total', scope, window), PART_LABEL, 'sent'),
    tagged(sumOnce(flowBy, 'istio_tcp_received_bytes_total', scope, window), PART_LABEL, 'received'),
  ].join(' or '),
  /**
   * Latency buckets per flow (rates by `le`): the server computes p50/p95/p99 per flow and p99 per
   * cluster pair from them (lib/traffic/quantile.ts, Prometheus's histogram_quantile), one aggregation
   * instead of one per percentile.
   */
  latency: sumOnce(`le, ${flowBy}`, 'istio_request_duration_milliseconds_bucket', scope, window),
});

function latency(q: number, by: string, extra: string, scope: Scope, window: string): string {
  return `histogram_quantile(${q}, sum by (le, ${by}) (${requestsOnce('istio_request_duration_milliseconds_bucket', extra, scope, window)}))`;
}

export interface HistoryTarget {
  scope: HistoryScope;
  namespace: string;
  /** Service name, pod name, or (workload) the app label: the topology's workload is app + version. */
  name: string;
  /** workload: the version label ("unknown" when the pods have none). */
  version?: string;
  /** The Istio cluster ID of the scope's cluster. */
  clusterId: string;
}

/**
 * Chart queries of a workload, service or pod. Workload and service lines read reporter="source" (from
 * every cluster: the callers' clusters hold the inbound reports) split by the peer cluster; a pod's lines
 * read what its own proxy reported (the `pod` label the scrape adds): inbound as destination, outbound
 * as source.
 */
export function historyQueries(t: HistoryTarget, scope: Scope, window: TrafficWindow) {
  const ns = promString(t.namespace);
  const name = promString(t.name);
  const id = promString(t.clusterId);
  const out: Array<{ direction: 'inbound' | 'outbound'; metric: 'rps' | 'errors' | 'p99'; query: string }> = [];
  const add = (direction: 'inbound' | 'outbound', selector: (metric: string) => string, peer: string) => {
    out.push({ direction, metric: 'rps', query: `sum by (${peer}) (${selector('istio_requests_total')})` });
    out.push({ direction, metric: 'errors', query: `sum by (${peer}) (${selector('istio_requests_total:errors')})` });
    out.push({ direction, metric: 'p99', query: `histogram_quantile(0.99, sum by (le, ${peer}) (${selector('istio_request_duration_milliseconds_bucket')}))` });
  };
  const build = (reporterOnce: boolean, reporter: string, extra: string) => (metric: string) => {
    const errors = metric.endsWith(':errors');
    const m = errors ? metric.slice(0, -':errors'.length) : metric;
    if (reporterOnce) return errors ? errorsOnce(m, extra, scope, window) : requestsOnce(m, extra, scope, window);
    const sel = (more: string) => `rate(${m}{reporter=${promString(reporter)}${extra}${more}${scope}}[${window}])`;
    return errors ? `${sel(',response_code=~"5.."')} or ${sel(',response_code!~"5..",grpc_response_status=~"[1-9]|1[0-6]"')}` : sel('');
  };
  if (t.scope === 'service') {
    add('inbound', build(true, '', `,destination_service_namespace=${ns},destination_service_name=${name}`), 'source_cluster');
  } else if (t.scope === 'workload') {
    const version = promString(t.version ?? 'unknown');
    add('inbound', build(true, '', `,destination_workload_namespace=${ns},destination_app=${name},destination_version=${version},destination_cluster=${id}`), 'source_cluster');
    add('outbound', build(true, '', `,source_workload_namespace=${ns},source_app=${name},source_version=${version},source_cluster=${id}`), 'destination_cluster');
  } else {
    add('inbound', build(false, 'destination', `,namespace=${ns},pod=${name}`), 'source_cluster');
    add('outbound', build(false, 'source', `,namespace=${ns},pod=${name}`), 'destination_cluster');
  }
  return out;
}

/**
 * istiod chart queries per replica (`pod`, the label the scrape adds). Only istiod exports pilot_*;
 * convergence is in seconds. istiod_remote_cluster_sync_status exists from Istio 1.29 on.
 */
export function istiodQueries(scope: Scope, window: TrafficWindow) {
  const only = scope.replace(/^,/, '');
  return {
    'connected-proxies': `sum by (pod) (pilot_xds{${only}})`,
    pushes: `sum by (pod) (rate(pilot_xds_pushes{${only}}[${window}]))`,
    rejects: `sum by (pod) (increase(pilot_total_xds_rejects{${only}}[${window}]))`,
    'convergence-p99': `histogram_quantile(0.99, sum by (le, pod) (rate(pilot_proxy_convergence_time_bucket{${only}}[${window}])))`,
    'remote-not-synced': `sum by (pod) (istiod_remote_cluster_sync_status{status!="synced"${scope}})`,
  } as const;
}

const SECONDS: Record<string, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '6h': 21600 };

export function windowSeconds(w: TrafficWindow | HistoryRange): number {
  return SECONDS[w];
}

/** Chart resolution: about 120 points per range, never below 5 s. */
export function stepSeconds(range: HistoryRange): number {
  return Math.max(5, Math.round(windowSeconds(range) / 120));
}
