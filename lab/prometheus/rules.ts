/**
 * The recording rules the lab's Prometheus loads, as an SRE would load them into the addon's Prometheus.
 *
 * Istio's, from its "Observability Best Practices" (istio.io/latest/docs/ops/best-practices/observability,
 * "Workload-level aggregation via recording rules"): every Istio standard metric summed over its pods into
 * a `workload:<metric>` series. The doc drops `instance, kubernetes_namespace, kubernetes_pod_name`, labels
 * older scrape configs added; Istio's addon (samples/addons/prometheus.yaml, and the lab's scrape,
 * targets.ts) adds `namespace` and `pod`, so a verbatim copy would aggregate nothing: these drop
 * `instance, namespace, pod`.
 *
 * Isthmus's own (docs/metrics.md gives it to install): the latency buckets per cluster pair, what the
 * cluster matrix's p99 reads, appended to Istio's group.
 */
import { CLUSTER_LABEL } from './targets';

/** The metrics the doc aggregates (the lab's proxies serve some of them; rules on the others record nothing). */
export const WORKLOAD_RECORDED_METRICS = [
  'istio_requests_total',
  'istio_request_duration_milliseconds_count',
  'istio_request_duration_milliseconds_sum',
  'istio_request_duration_milliseconds_bucket',
  'istio_request_bytes_count',
  'istio_request_bytes_sum',
  'istio_request_bytes_bucket',
  'istio_response_bytes_count',
  'istio_response_bytes_sum',
  'istio_response_bytes_bucket',
  'istio_tcp_sent_bytes_total',
  'istio_tcp_received_bytes_total',
  'istio_tcp_connections_opened_total',
  'istio_tcp_connections_closed_total',
] as const;

/** The labels the scrape adds per pod, which the workload rules sum away. */
export const POD_LABELS = ['instance', 'namespace', 'pod'] as const;

/**
 * Isthmus's rule: the duration buckets summed per source cluster × destination cluster × reporter × le
 * (counters, summed the way Istio's workload: rules sum them), a few dozen series where the raw histogram
 * has thousands. A caller without a sidecar is reported by the callee with source_cluster="unknown". It
 * sums the workload: recording, evaluated just before it in the same group (rules of a group run in
 * order, each seeing the ones before): a fifth of the series, about a sixth of the evaluation CPU of
 * summing the raw histogram (bench/metrics-where.ts).
 */
export const PAIR_LATENCY_RULE = {
  record: 'cluster_pair:istio_request_duration_milliseconds_bucket',
  reads: 'workload:istio_request_duration_milliseconds_bucket',
  by: ['reporter', 'source_cluster', 'destination_cluster', 'le'],
} as const;

/** Which rules: Istio's and Isthmus's (true), Istio's only ('istio'), none (false). */
export type RecordingRules = boolean | 'istio';

/** The pair rule's labels: with `clusterLabel` (the global Prometheus, whose series carry it) also the cluster's. */
const pairLabels = (clusterLabel: boolean) => [...(clusterLabel ? [CLUSTER_LABEL] : []), ...PAIR_LATENCY_RULE.by];

/** Prometheus's rule_files content: one group evaluated every `intervalS` (Istio's doc says 5 s). */
export function recordingRuleGroups(intervalS: number, rules: Exclude<RecordingRules, false>, clusterLabel: boolean) {
  const istio = WORKLOAD_RECORDED_METRICS.map((m) => ({ record: `workload:${m}`, expr: `sum without(${POD_LABELS.join(', ')}) (${m})` }));
  const isthmus = { record: PAIR_LATENCY_RULE.record, expr: `sum by (${pairLabels(clusterLabel).join(', ')}) (${PAIR_LATENCY_RULE.reads})` };
  return { groups: [{ name: 'istio.recording-rules', interval: `${intervalS}s`, rules: rules === 'istio' ? istio : [...istio, isthmus] }] };
}

const WORKLOAD_RECORDED: ReadonlySet<string> = new Set(WORKLOAD_RECORDED_METRICS);

const seriesKey = (name: string, labels: ReadonlyArray<readonly [string, string]>) =>
  `${name}{${[...labels]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

/**
 * The series the rules record from a scraped one (its name and sorted labels as stored): the workload
 * series without the pod labels, and the pair series with only the pair rule's labels. Series that map
 * to the same recorded one are summed into it (what the lab's backfill writes for the past, backfill.ts).
 */
export function recordedSeries(rules: Exclude<RecordingRules, false>, clusterLabel: boolean) {
  const podLabels: ReadonlySet<string> = new Set(POD_LABELS);
  const pair: ReadonlySet<string> = new Set(pairLabels(clusterLabel));
  return (name: string, labels: ReadonlyArray<readonly [string, string]>): string[] => {
    const out: string[] = [];
    if (WORKLOAD_RECORDED.has(name)) out.push(seriesKey(`workload:${name}`, labels.filter(([k]) => !podLabels.has(k) && k !== '__name__')));
    if (rules === true && `workload:${name}` === PAIR_LATENCY_RULE.reads) out.push(seriesKey(PAIR_LATENCY_RULE.record, labels.filter(([k]) => pair.has(k))));
    return out;
  };
}
