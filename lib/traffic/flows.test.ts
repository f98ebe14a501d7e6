import { describe, expect, it } from 'vitest';
import { buildFlowLatency, buildFlows, buildMatrix, latencyMatrix, mergeFlows, pairP99Matrix, withPairP99 } from './flows';

const flowLabels = (sourceCluster: string, destinationCluster: string) => ({
  source_cluster: sourceCluster,
  source_workload_namespace: 'sample',
  source_workload: 'sleep',
  source_app: 'sleep',
  destination_service_namespace: 'sample',
  destination_service_name: 'helloworld',
  destination_cluster: destinationCluster,
  destination_workload_namespace: 'sample',
  destination_workload: destinationCluster === 'unknown' ? 'unknown' : 'helloworld-v1',
  destination_app: 'helloworld',
  destination_version: 'v1',
  request_protocol: 'http',
});

/** Cumulative bucket rates of one flow: `rates[i]` observations/s at or below `les[i]`. */
const buckets = (labels: Record<string, string>, les: string[], rates: number[]) => les.map((le, i) => ({ metric: { ...labels, le }, value: rates[i] }));

describe('buildFlows', () => {
  it('sums requests per flow, errors being 5xx or gRPC non-OK, and adds TCP bytes', () => {
    const l = flowLabels('cluster1', 'cluster2');
    const flows = buildFlows({
      requests: [
        { metric: { ...l, response_code: '200', grpc_response_status: '' }, value: 8 },
        { metric: { ...l, response_code: '503', grpc_response_status: '' }, value: 1 },
        { metric: { ...l, response_code: '200', grpc_response_status: '14' }, value: 1 },
      ],
      tcpSent: [{ metric: l, value: 100 }],
      tcpReceived: [{ metric: l, value: 50 }],
    });
    expect([...flows.values()]).toEqual([
      expect.objectContaining({ sourceCluster: 'cluster1', destinationCluster: 'cluster2', rps: 10, errorRps: 2, tcpSentBps: 100, tcpReceivedBps: 50 }),
    ]);
    expect(buildMatrix(mergeFlows([flows]))).toEqual([{ sourceCluster: 'cluster1', destinationCluster: 'cluster2', rps: 10, errorRps: 2 }]);
  });
});

describe('latency', () => {
  const les = ['10', '100', '+Inf'];
  it('gives each flow its percentiles (Prometheus histogram_quantile)', () => {
    const [f] = buildFlowLatency(buckets(flowLabels('cluster1', 'cluster2'), les, [50, 100, 100])).values();
    expect(f).toMatchObject({ sourceCluster: 'cluster1', destinationCluster: 'cluster2', destinationWorkload: 'helloworld-v1' });
    expect(f.p50Ms).toBeCloseTo(10, 6); // the 50th of 100 is the last in the first bucket
    expect(f.p99Ms).toBeCloseTo(10 + 90 * (49 / 50), 6);
  });

  it('p99 per cluster pair sums the pair\'s buckets across flows, keeps unknown, and counts a flow two sources report once', () => {
    const c1c2 = buckets(flowLabels('cluster1', 'cluster2'), les, [0, 10, 10]);
    const other = buckets({ ...flowLabels('cluster1', 'cluster2'), source_workload: 'curl' }, les, [10, 10, 10]);
    const unknown = buckets(flowLabels('cluster2', 'unknown'), les, [5, 5, 5]);
    const matrix = latencyMatrix([[...c1c2, ...unknown], [...c1c2.map((s) => ({ ...s, value: s.value * 100 })), ...other]]);
    expect(matrix.map((c) => c.sourceCluster + '→' + c.destinationCluster)).toEqual(['cluster1→cluster2', 'cluster2→unknown']);
    // 20/s in all (10 slow from sleep, taken once, from the first source; 10 fast from curl): the 99th percentile is in the slow half.
    expect(matrix[0].p99Ms).toBeCloseTo(10 + 90 * (19.8 - 10) / 10, 6);
    expect(matrix[1].p99Ms).toBeCloseTo(9.9, 6);
  });

  it('p99 per cluster pair as the sources computed it: unknown kept, a pair two sources answer taken from the first', () => {
    const p99 = (source: string, destination: string, value: number) => ({ metric: { source_cluster: source, destination_cluster: destination }, value });
    const matrix = pairP99Matrix([[p99('cluster2', 'unknown', 5), p99('cluster1', 'cluster2', 40)], [p99('cluster1', 'cluster2', 90), p99('unknown', 'cluster2', 12)]]);
    expect(matrix).toEqual([
      { sourceCluster: 'cluster1', destinationCluster: 'cluster2', p99Ms: 40 },
      { sourceCluster: 'cluster2', destinationCluster: 'unknown', p99Ms: 5 },
      { sourceCluster: 'unknown', destinationCluster: 'cluster2', p99Ms: 12 },
    ]);
  });

  it('puts the sources’ pair p99 on the rates’ matrix: the first source’s, null for a pair no source computed', () => {
    const p99 = (source: string, destination: string, value: number) => ({ metric: { source_cluster: source, destination_cluster: destination }, value });
    const cell = (sourceCluster: string, destinationCluster: string) => ({ sourceCluster, destinationCluster, rps: 10, errorRps: 1 });
    const matrix = withPairP99([cell('cluster1', 'cluster2'), cell('cluster1', 'unknown'), cell('cluster2', 'cluster1')], [[p99('cluster1', 'cluster2', 40), p99('cluster1', 'unknown', 3)], [p99('cluster1', 'cluster2', 90)]]);
    expect(matrix).toEqual([
      { ...cell('cluster1', 'cluster2'), p99Ms: 40 },
      { ...cell('cluster1', 'unknown'), p99Ms: 3 },
      { ...cell('cluster2', 'cluster1'), p99Ms: null },
    ]);
  });
});
