import { describe, expect, it } from 'vitest';
import type { TopologyEdge, TopologyNode } from '../types/api';
import type { TrafficFlow } from '../types/traffic';
import { edgeId } from '../topology/edge-id';
import { edgeTraffic, trafficHealth, trafficLabel } from './edges';

const C1 = 'cluster1-admin@cluster1';
const C2 = 'cluster2-admin@cluster2';
const nodes: TopologyNode[] = [
  { id: `cluster:${C1}`, kind: 'cluster', parent: null, label: 'cluster1', cluster: C1, clusterId: 'cluster1' },
  { id: `cluster:${C2}`, kind: 'cluster', parent: null, label: 'cluster2', cluster: C2, clusterId: 'cluster2' },
  { id: `gw:${C1}:istio-system:istio-eastwestgateway`, kind: 'gateway', parent: null, label: 'ew', cluster: C1 },
];
const e = (source: string, target: string, kind: TopologyEdge['kind']): TopologyEdge => ({ source, target, kind });
const edges = [
  e(`svc:${C1}:sample:helloworld`, `wl:${C1}:sample:helloworld:v1`, 'local'),
  e(`svc:${C2}:sample:helloworld`, `gw:${C1}:istio-system:istio-eastwestgateway`, 'east-west'),
  e(`gw:${C1}:istio-system:istio-eastwestgateway`, `wl:${C1}:sample:helloworld:v1`, 'east-west'),
];
const flow = (sourceCluster: string, destinationCluster: string, rps: number, errorRps = 0): TrafficFlow => ({
  sourceCluster,
  sourceNamespace: 'sample',
  sourceWorkload: 'sleep',
  sourceApp: 'sleep',
  serviceNamespace: 'sample',
  serviceName: 'helloworld',
  destinationCluster,
  destinationNamespace: destinationCluster === 'unknown' ? 'unknown' : 'sample',
  destinationWorkload: 'helloworld-v1',
  destinationApp: 'helloworld',
  destinationVersion: 'v1',
  protocol: 'http',
  rps,
  errorRps,
  tcpSentBps: 0,
  tcpReceivedBps: 0,
});

describe('edgeTraffic', () => {
  it('puts local flows on the service → workload edge and crossing flows on both east-west hops', () => {
    const t = edgeTraffic({ nodes, edges }, [flow('cluster1', 'cluster1', 5), flow('cluster2', 'cluster1', 3, 1.5), flow('cluster2', 'unknown', 3, 3)]);
    expect(Object.fromEntries(t)).toEqual({
      [edgeId(edges[0])]: { rps: 5, errorRps: 0 },
      [edgeId(edges[1])]: { rps: 3, errorRps: 1.5 },
      [edgeId(edges[2])]: { rps: 3, errorRps: 1.5 },
    });
    expect(trafficHealth(t.get(edgeId(edges[1])))).toBe('fail');
    expect(trafficHealth(t.get(edgeId(edges[0])))).toBe('ok');
    expect(trafficHealth(undefined)).toBe('idle');
    expect(trafficLabel(t.get(edgeId(edges[1]))!)).toBe('3.00 rps · 50% err');
  });
});
