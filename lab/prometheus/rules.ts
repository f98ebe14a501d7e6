/**
 * The recording rules of Istio's "Observability Best Practices" (istio.io/latest/docs/ops/best-practices/
 * observability, "Workload-level aggregation via recording rules"), as an SRE following it would load
 * them into the addon's Prometheus: every Istio standard metric summed over its pods into a
 * `workload:<metric>` series. The doc drops `instance, kubernetes_namespace, kubernetes_pod_name`, labels
 * older scrape configs added; Istio's addon (samples/addons/prometheus.yaml, and the lab's scrape,
 * targets.ts) adds `namespace` and `pod`, so a verbatim copy would aggregate nothing: these drop
 * `instance, namespace, pod`.
 */

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

/** The labels the scrape adds per pod, which the rules sum away. */
export const POD_LABELS = ['instance', 'namespace', 'pod'] as const;

const RECORDED: ReadonlySet<string> = new Set(WORKLOAD_RECORDED_METRICS);

/** Prometheus's rule_files content: one group evaluated every `intervalS` (the doc says 5 s). */
export function workloadRuleGroups(intervalS: number) {
  return {
    groups: [
      {
        name: 'istio.recording-rules',
        interval: `${intervalS}s`,
        rules: WORKLOAD_RECORDED_METRICS.map((m) => ({ record: `workload:${m}`, expr: `sum without(${POD_LABELS.join(', ')}) (${m})` })),
      },
    ],
  };
}

/**
 * The series a rule records from a scraped one: its name and labels (sorted) without the pod labels; null
 * when no rule reads that metric. Series of one workload that differ only by pod map to the same one, and
 * the rule's value is their sum (what the lab's backfill writes for the past, backfill.ts).
 */
export function recordedSeries(name: string, labels: ReadonlyArray<readonly [string, string]>): string | null {
  if (!RECORDED.has(name)) return null;
  const dropped: ReadonlySet<string> = new Set(POD_LABELS);
  const body = labels
    .filter(([k]) => !dropped.has(k) && k !== '__name__')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v}"`);
  return `workload:${name}{${body.join(',')}}`;
}
