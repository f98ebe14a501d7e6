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

export const RECORDABLE_METRICS = ['istio_requests_total', 'istio_request_duration_milliseconds_bucket', 'istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total'] as const;
export type RecordableMetric = (typeof RECORDABLE_METRICS)[number];

/**
 * Isthmus's own recording (docs/metrics.md gives the rule): the duration buckets summed per reporter ×
 * source cluster × destination cluster × le, what the matrix's p99 reads: a few dozen series where the
 * raw histogram has thousands.
 */
export const PAIR_LATENCY_RECORDING = 'cluster_pair:istio_request_duration_milliseconds_bucket';

/**
 * A recording a source may hold: Istio's workload-level ones (`workload:<metric>` = `sum without(instance,
 * namespace, pod) (<metric>)`, istio.io's Observability Best Practices: every label of a flow kept, the
 * pods summed, so a query reads about pods-per-workload times fewer series), and Isthmus's pair one.
 */
export type Recording = `workload:${RecordableMetric}` | typeof PAIR_LATENCY_RECORDING;
export const RECORDINGS: readonly Recording[] = [...RECORDABLE_METRICS.map((m): Recording => `workload:${m}`), PAIR_LATENCY_RECORDING];

/**
 * The recordings to read instead of the raw metrics. Flow and workload/service queries read them where
 * they cover the span asked; pod queries need the `pod` label and read the raw metrics.
 */
export type Recorded = ReadonlySet<Recording>;

/** The recordings a query reads (what an answer says it read). */
export function recordingsIn(query: string): Recording[] {
  return RECORDINGS.filter((r) => query.includes(`${r}{`));
}

/** Nothing recorded: every query reads the raw metrics. */
export const NONE_RECORDED: Recorded = new Set();

/** The series to read for `metric`: its workload-level recording when the source has one. */
function series(metric: RecordableMetric, recorded: Recorded): string {
  return recorded.has(`workload:${metric}`) ? `workload:${metric}` : metric;
}

/** A window of the flows, or a chart's range: how far back a query reads. */
export type Span = TrafficWindow | HistoryRange;

/** Counters' recordings whose rate a recording younger than the window would under-report (rate divides by the whole window). */
const RATE_RECORDINGS: readonly Recording[] = ['workload:istio_requests_total', 'workload:istio_tcp_sent_bytes_total', 'workload:istio_tcp_received_bytes_total'];

/**
 * Which recordings the source holds now, and how far back the counters' go: one instant query, its
 * parts told apart by PART_LABEL ("now", or a span). Counted over the small series sets only: the
 * counters (one series per flow and answer) and the histograms' `le="+Inf"` bucket (a twentieth of each;
 * counting every bucket costs as much as reading them: ~0.4 s of Prometheus CPU in bench:metrics).
 */
export function recordedProbe(scope: Scope, spans: readonly Span[]): string {
  // One selector per part: `or` between vectors told apart only by their names would drop all but the first.
  const held = `{__name__=~"${RECORDINGS.map(regexLiteral).join('|')}",le=~"|[+]Inf"${scope}}`;
  const counters = `{__name__=~"${RATE_RECORDINGS.map(regexLiteral).join('|')}"${scope}}`;
  return [tagged(`count by (__name__) (${held})`, PART_LABEL, 'now'), ...spans.map((span) => tagged(`count by (__name__) (${counters} offset ${span})`, PART_LABEL, span))].join(' or ');
}

/**
 * Per span, the recordings to read (recordedProbe's answer): those held now, the counters only if their
 * recording already existed that long ago. The buckets need no such history: a young recording scales
 * every bucket's rate alike, and a percentile is a ratio of them.
 */
export function recordedBySpan(probe: ReadonlyArray<{ metric: Record<string, string> }>, spans: readonly Span[]): Map<Span, Recorded> {
  const at = (part: string) => new Set(probe.filter((s) => s.metric[PART_LABEL] === part).map((s) => s.metric.__name__));
  const now = at('now');
  const held = RECORDINGS.filter((r) => now.has(r));
  return new Map(
    spans.map((span) => {
      const then = at(span);
      return [span, new Set(held.filter((r) => !RATE_RECORDINGS.includes(r) || then.has(r)))];
    }),
  );
}

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
 * more than the aggregation. Only for a `by` that holds `unknownCaller` (the label a caller without a
 * sidecar has as "unknown": source_workload, or source_cluster in the pair recording): the two sides then
 * never share a group (a caller's own proxy always knows its workload and cluster), so `or` adds them up.
 */
function sumOnce(by: string, metric: string, scope: Scope, window: string, unknownCaller = 'source_workload'): string {
  return `sum by (${by}) (rate(${metric}{reporter="source"${scope}}[${window}])) or sum by (${by}) (rate(${metric}{reporter="destination",${unknownCaller}="unknown"${scope}}[${window}]))`;
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
 * cheap: one series per flow, answer and pod. `latency` reads every histogram bucket series (about twenty
 * per flow, answer and pod), which costs Prometheus many times more; it has a route of its own
 * (/api/traffic/latency), so the rates never wait for it. `recorded` names the workload-level recordings
 * to read instead (the pods summed: pods-per-workload times fewer series).
 */
export const flowQueries = (scope: Scope, window: TrafficWindow, recorded: Recorded = NONE_RECORDED) => ({
  /**
   * Requests/s per flow and answer (response code, gRPC status), PART_LABEL "requests"; TCP bytes/s per
   * flow, each way, PART_LABEL "sent" / "received".
   */
  rates: [
    tagged(sumOnce(`${flowBy}, response_code, grpc_response_status`, series('istio_requests_total', recorded), scope, window), PART_LABEL, 'requests'),
    tagged(sumOnce(flowBy, series('istio_tcp_sent_bytes_total', recorded), scope, window), PART_LABEL, 'sent'),
    tagged(sumOnce(flowBy, series('istio_tcp_received_bytes_total', recorded), scope, window), PART_LABEL, 'received'),
  ].join(' or '),
  /**
   * Latency buckets per flow (rates by `le`): the server computes p50/p95/p99 per flow and p99 per
   * cluster pair from them (lib/traffic/quantile.ts, Prometheus's histogram_quantile), one aggregation
   * instead of one per percentile.
   */
  latency: sumOnce(`le, ${flowBy}`, series('istio_request_duration_milliseconds_bucket', recorded), scope, window),
  /**
   * The matrix's p99 per source cluster × destination cluster, computed by Prometheus: each pair is wholly
   * in one source (a caller's proxy reports in its own cluster, a sidecar-less caller's callee in its),
   * so the answer is a series per pair instead of twenty buckets of it. Read from the pair recording where
   * the source has it (a few dozen series); else the buckets are summed per pair and caller workload first
   * (which keeps the two sides of the `or` apart), from the workload recording or the raw metric.
   */
  pairP99: `histogram_quantile(0.99, ${
    recorded.has(PAIR_LATENCY_RECORDING)
      ? sumOnce('le, source_cluster, destination_cluster', PAIR_LATENCY_RECORDING, scope, window, 'source_cluster')
      : `sum by (le, source_cluster, destination_cluster) (${sumOnce('le, source_cluster, source_workload, destination_cluster', series('istio_request_duration_milliseconds_bucket', recorded), scope, window)})`
  })`,
});

/**
 * What GET /api/traffic sends a source: the rates, and with `withP99` the matrix's p99 in the same answer
 * (PART_LABEL "p99") when the source holds the pair recording: a few dozen series more, and the overview's
 * matrix complete in one round trip per source (bench:metrics: a second round trip beside the first costs
 * more than the bigger answer, docs/metrics.md). Without the recording, the rates alone: the bucket
 * query would make them wait (/api/traffic/latency?by=pair has it).
 */
export function ratesQuery(scope: Scope, window: TrafficWindow, recorded: Recorded, withP99: boolean): string {
  const q = flowQueries(scope, window, recorded);
  return withP99 && recorded.has(PAIR_LATENCY_RECORDING) ? `${q.rates} or ${tagged(q.pairP99, PART_LABEL, 'p99')}` : q.rates;
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

/** The rate of requests, and of errors, of some metric (raw or recorded) in a chart's selection. */
interface ChartReader {
  requests(metric: string): string;
  errors(metric: string): string;
}

/**
 * Chart queries of a workload, service or pod. Workload and service lines read reporter="source" (from
 * every cluster: the callers' clusters hold the inbound reports) split by the peer cluster, from the
 * recordings in `recorded`; a pod's lines read what its own proxy reported (the `pod` label the scrape
 * adds, which the recordings sum away): inbound as destination, outbound as source.
 */
export function historyQueries(t: HistoryTarget, scope: Scope, window: TrafficWindow, recorded: Recorded = NONE_RECORDED) {
  const ns = promString(t.namespace);
  const name = promString(t.name);
  const id = promString(t.clusterId);
  const out: Array<{ direction: 'inbound' | 'outbound'; metric: 'rps' | 'errors' | 'p99'; query: string }> = [];
  const add = (direction: 'inbound' | 'outbound', read: ChartReader, from: Recorded, peer: string) => {
    out.push({ direction, metric: 'rps', query: `sum by (${peer}) (${read.requests(series('istio_requests_total', from))})` });
    out.push({ direction, metric: 'errors', query: `sum by (${peer}) (${read.errors(series('istio_requests_total', from))})` });
    out.push({ direction, metric: 'p99', query: `histogram_quantile(0.99, sum by (le, ${peer}) (${read.requests(series('istio_request_duration_milliseconds_bucket', from))}))` });
  };
  const once = (extra: string): ChartReader => ({ requests: (m) => requestsOnce(m, extra, scope, window), errors: (m) => errorsOnce(m, extra, scope, window) });
  const reportedBy = (reporter: string, extra: string): ChartReader => {
    const rate = (m: string, more: string) => `rate(${m}{reporter=${promString(reporter)}${extra}${more}${scope}}[${window}])`;
    return { requests: (m) => rate(m, ''), errors: (m) => `${rate(m, ',response_code=~"5.."')} or ${rate(m, ',response_code!~"5..",grpc_response_status=~"[1-9]|1[0-6]"')}` };
  };
  if (t.scope === 'service') {
    add('inbound', once(`,destination_service_namespace=${ns},destination_service_name=${name}`), recorded, 'source_cluster');
  } else if (t.scope === 'workload') {
    const version = promString(t.version ?? 'unknown');
    add('inbound', once(`,destination_workload_namespace=${ns},destination_app=${name},destination_version=${version},destination_cluster=${id}`), recorded, 'source_cluster');
    add('outbound', once(`,source_workload_namespace=${ns},source_app=${name},source_version=${version},source_cluster=${id}`), recorded, 'destination_cluster');
  } else {
    add('inbound', reportedBy('destination', `,namespace=${ns},pod=${name}`), NONE_RECORDED, 'source_cluster');
    add('outbound', reportedBy('source', `,namespace=${ns},pod=${name}`), NONE_RECORDED, 'destination_cluster');
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
