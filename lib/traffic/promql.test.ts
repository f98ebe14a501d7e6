import { describe, expect, it } from 'vitest';
import { flowQueries, historyQueries, NONE_RECORDED, PAIR_LATENCY_RECORDING, ratesQuery, recordedBySpan, recordedProbe, recordingsIn, type Recorded } from './promql';

const WORKLOAD: Recorded = new Set(['workload:istio_requests_total', 'workload:istio_request_duration_milliseconds_bucket', 'workload:istio_tcp_sent_bytes_total', 'workload:istio_tcp_received_bytes_total']);

/** The metric names a query reads (selectors' names, before their `{`). */
function metricsOf(query: string): string[] {
  return [...new Set([...query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]))].sort();
}

describe('flowQueries', () => {
  it('reads the raw metrics when nothing is recorded', () => {
    const q = flowQueries('', '5m', NONE_RECORDED);
    expect(metricsOf(q.rates)).toEqual(['istio_requests_total', 'istio_tcp_received_bytes_total', 'istio_tcp_sent_bytes_total']);
    expect(metricsOf(q.latency)).toEqual(['istio_request_duration_milliseconds_bucket']);
    expect(q.latency).toBe(
      'sum by (le, source_cluster, source_workload_namespace, source_workload, source_app, destination_service_namespace, destination_service_name, destination_cluster, destination_workload_namespace, destination_workload, destination_app, destination_version, request_protocol) (rate(istio_request_duration_milliseconds_bucket{reporter="source"}[5m])) or ' +
        'sum by (le, source_cluster, source_workload_namespace, source_workload, source_app, destination_service_namespace, destination_service_name, destination_cluster, destination_workload_namespace, destination_workload, destination_app, destination_version, request_protocol) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",source_workload="unknown"}[5m]))',
    );
  });

  it('reads the workload-level recordings the source has, the same selectors and aggregation, and the raw metrics of the others', () => {
    const recorded = flowQueries(',cluster=~"c1"', '1m', WORKLOAD);
    const raw = flowQueries(',cluster=~"c1"', '1m', NONE_RECORDED);
    expect(metricsOf(recorded.rates)).toEqual(['workload:istio_requests_total', 'workload:istio_tcp_received_bytes_total', 'workload:istio_tcp_sent_bytes_total']);
    expect(recorded.latency).toBe(raw.latency.replaceAll('istio_request_duration_milliseconds_bucket{', 'workload:istio_request_duration_milliseconds_bucket{'));
    expect(recorded.pairP99).toBe(
      'histogram_quantile(0.99, sum by (le, source_cluster, destination_cluster) (' +
        'sum by (le, source_cluster, source_workload, destination_cluster) (rate(workload:istio_request_duration_milliseconds_bucket{reporter="source",cluster=~"c1"}[1m])) or ' +
        'sum by (le, source_cluster, source_workload, destination_cluster) (rate(workload:istio_request_duration_milliseconds_bucket{reporter="destination",source_workload="unknown",cluster=~"c1"}[1m]))))',
    );
    expect(raw.pairP99).toBe(recorded.pairP99.replaceAll('workload:', ''));
    const some = flowQueries('', '1m', new Set(['workload:istio_requests_total'] as const));
    expect(metricsOf(some.rates)).toEqual(['istio_tcp_received_bytes_total', 'istio_tcp_sent_bytes_total', 'workload:istio_requests_total']);
    expect(metricsOf(some.latency)).toEqual(['istio_request_duration_milliseconds_bucket']);
  });
});

describe('flowQueries with the pair recording', () => {
  it('the matrix’s p99 reads it, the callee’s reports of sidecar-less callers by source_cluster; nothing else does', () => {
    const q = flowQueries('', '5m', new Set([...WORKLOAD, PAIR_LATENCY_RECORDING]));
    expect(q.pairP99).toBe(
      'histogram_quantile(0.99, sum by (le, source_cluster, destination_cluster) (rate(cluster_pair:istio_request_duration_milliseconds_bucket{reporter="source"}[5m])) or ' +
        'sum by (le, source_cluster, destination_cluster) (rate(cluster_pair:istio_request_duration_milliseconds_bucket{reporter="destination",source_cluster="unknown"}[5m])))',
    );
    const workload = flowQueries('', '5m', WORKLOAD);
    expect([q.rates, q.latency]).toEqual([workload.rates, workload.latency]);
    // Without Istio's recordings the flows read the raw metrics, the matrix's p99 still the pair recording.
    const pairOnly = flowQueries('', '5m', new Set([PAIR_LATENCY_RECORDING]));
    expect(metricsOf(pairOnly.latency)).toEqual(['istio_request_duration_milliseconds_bucket']);
    expect(pairOnly.pairP99).toBe(q.pairP99);
    // What an answer says it read.
    expect(recordingsIn(q.pairP99)).toEqual([PAIR_LATENCY_RECORDING]);
    expect(recordingsIn(workload.pairP99)).toEqual(['workload:istio_request_duration_milliseconds_bucket']);
    expect(recordingsIn(q.rates)).toEqual(['workload:istio_requests_total', 'workload:istio_tcp_sent_bytes_total', 'workload:istio_tcp_received_bytes_total']);
    expect(recordingsIn(flowQueries('', '5m', NONE_RECORDED).pairP99)).toEqual([]);
  });
});

describe('ratesQuery', () => {
  it('sends the matrix’s p99 with the rates, tagged, only when asked and the source holds the pair recording', () => {
    const pair: Recorded = new Set([...WORKLOAD, PAIR_LATENCY_RECORDING]);
    const q = flowQueries(',cluster=~"c1"', '5m', pair);
    expect(ratesQuery(',cluster=~"c1"', '5m', pair, true)).toBe(`${q.rates} or label_replace(${q.pairP99}, "isthmus_part", "p99", "", "")`);
    expect(recordingsIn(ratesQuery('', '5m', pair, true))).toContain(PAIR_LATENCY_RECORDING);
    // Not asked (the topology), or no pair recording (the bucket query would make the rates wait): the rates alone.
    expect(ratesQuery('', '5m', pair, false)).toBe(flowQueries('', '5m', pair).rates);
    expect(ratesQuery('', '5m', WORKLOAD, true)).toBe(flowQueries('', '5m', WORKLOAD).rates);
    expect(ratesQuery('', '5m', NONE_RECORDED, true)).toBe(flowQueries('', '5m', NONE_RECORDED).rates);
  });
});

describe('historyQueries', () => {
  const target = { namespace: 'sample', name: 'helloworld', version: 'v2', clusterId: 'cluster2' };

  it('workload and service lines read the recordings when there are some', () => {
    for (const scope of ['workload', 'service'] as const) {
      const raw = historyQueries({ ...target, scope }, '', '5m');
      const recorded = historyQueries({ ...target, scope }, '', '5m', WORKLOAD);
      expect(recorded.map((q) => [q.direction, q.metric])).toEqual(raw.map((q) => [q.direction, q.metric]));
      for (const [i, q] of recorded.entries()) {
        expect(metricsOf(q.query).every((m) => m.startsWith('workload:')), q.query).toBe(true);
        expect(q.query).toBe(raw[i].query.replace(/(istio_[a-z_]+)\{/g, 'workload:$1{'));
      }
    }
  });

  it('pod lines read the raw metrics: the recordings have no pod label', () => {
    const pod = historyQueries({ ...target, scope: 'pod', name: 'helloworld-v2-abc' }, '', '5m', WORKLOAD);
    expect(pod).toHaveLength(6);
    for (const q of pod) {
      expect(metricsOf(q.query).some((m) => m.startsWith('workload:')), q.query).toBe(false);
      expect(q.query).toContain('pod="helloworld-v2-abc"');
    }
  });
});

describe('recordedProbe and recordedBySpan', () => {
  it('asks which recordings are held now (the counters and the +Inf buckets only) and how far back the counters go', () => {
    const q = recordedProbe(',cluster=~"c1"', ['1m', '6h']);
    const held =
      '{__name__=~"workload:istio_requests_total|workload:istio_request_duration_milliseconds_bucket|workload:istio_tcp_sent_bytes_total|workload:istio_tcp_received_bytes_total|cluster_pair:istio_request_duration_milliseconds_bucket",le=~"|[+]Inf",cluster=~"c1"}';
    const counters = '{__name__=~"workload:istio_requests_total|workload:istio_tcp_sent_bytes_total|workload:istio_tcp_received_bytes_total",cluster=~"c1"}';
    expect(q).toBe(
      `label_replace(count by (__name__) (${held}), "isthmus_part", "now", "", "") or ` +
        `label_replace(count by (__name__) (${counters} offset 1m), "isthmus_part", "1m", "", "") or ` +
        `label_replace(count by (__name__) (${counters} offset 6h), "isthmus_part", "6h", "", "")`,
    );
  });

  it('reads the counters’ recordings for a span only once they reach back that far, the buckets’ whenever held', () => {
    const sample = (name: string, part: string) => ({ metric: { __name__: name, isthmus_part: part } });
    const probe = [
      sample('workload:istio_requests_total', 'now'),
      sample('workload:istio_request_duration_milliseconds_bucket', 'now'),
      sample(PAIR_LATENCY_RECORDING, 'now'),
      sample('workload:istio_requests_total', '1m'),
      sample('workload:istio_tcp_sent_bytes_total', '1m'), // gone since: not held now
      sample('istio_requests_total', 'now'), // not a recording
    ];
    const by = recordedBySpan(probe, ['1m', '1h']);
    expect([...by.get('1m')!].sort()).toEqual([PAIR_LATENCY_RECORDING, 'workload:istio_request_duration_milliseconds_bucket', 'workload:istio_requests_total']);
    expect([...by.get('1h')!].sort()).toEqual([PAIR_LATENCY_RECORDING, 'workload:istio_request_duration_milliseconds_bucket']);
    expect([...recordedBySpan([], ['1m']).get('1m')!]).toEqual([]);
  });
});
