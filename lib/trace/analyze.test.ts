import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../mesh/snapshot';
import { analyzeTrace } from './analyze';
import type { ClusterReading, IstiodReading, ShardEndpoint, TraceInput } from './types';

const HOST = 'web.shop.svc.cluster.local';

function snapshot(cluster: string, network: string, pods: Array<[string, string]>, gatewayIP?: string): ClusterSnapshot {
  return {
    cluster,
    clusterId: cluster,
    network,
    reachable: true,
    namespaces: ['shop'],
    services: [],
    pods: [['client', '10.0.0.9'], ...pods].map(([name, ip]) => ({ namespace: 'shop', name, ip, phase: 'Running', ready: true, labels: { app: name.split('-')[0], version: 'v1' }, nodeName: 'n', hasSidecar: true })),
    gateways: gatewayIP ? [{ name: 'istio-eastwestgateway', namespace: 'istio-system', role: 'eastwest', type: 'LoadBalancer', clusterIP: '10.1.1.1', externalIPs: [gatewayIP], hostname: null, pending: false, ports: ['15443:31000/TCP'], network }] : [],
    errors: [],
  };
}

function reading(snap: ClusterSnapshot, endpoints: Array<[string, string]>): ClusterReading {
  return {
    snapshot: snap,
    service: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], selector: { app: 'web' } },
    endpoints: endpoints.map(([pod, ip]) => ({ ip, port: 8080, servicePort: 80, ready: true, pod })),
    virtualServices: [],
    destinationRules: [],
    peerAuthentications: [],
    gateways: [{ namespace: 'istio-system', name: 'cross-network-gateway', spec: { servers: [{ port: { number: 15443 }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }] } }],
    error: null,
    errors: [],
  };
}

const shard = (ip: string, network: string): ShardEndpoint => ({ address: ip, port: 8080, portName: 'http', network, healthy: true, tlsMode: 'istio', labels: {} });

function replica(pod: string, remoteShard: ShardEndpoint[], servesSource: boolean): IstiodReading {
  return {
    pod,
    ready: true,
    clusterz: [{ name: 'east', secret: '', status: 'synced', istiod: pod, revision: 'default' }, { name: 'west', secret: 'istio-system/istio-remote-secret-west', status: 'synced', istiod: pod, revision: 'default' }],
    shards: { east: [shard('10.0.0.5', 'n1')], west: remoteShard },
    sourceProxy: servesSource ? { name: 'client.shop', cluster: 'east', istiod: pod, revision: 'default', version: '1.21.2', proxyVersion: '1.21.2', resources: [], proxyType: 'sidecar', types: { CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'SYNCED', ECDS: 'IGNORED' }, overall: 'SYNCED' } : null,
    syncKnown: true,
    errors: [],
  };
}

function input(replicas: IstiodReading[], envoyHosts: Array<[string, number, number]>): TraceInput {
  const east = snapshot('east', 'n1', [['web-a', '10.0.0.5']], '1.1.1.1');
  const west = snapshot('west', 'n2', [['web-b', '10.9.0.5'], ['web-c', '10.9.0.6']], '2.2.2.2');
  return {
    source: { cluster: 'east', namespace: 'shop', pod: 'client' },
    target: { host: HOST, port: 80 },
    clusters: [reading(east, [['web-a', '10.0.0.5']]), reading(west, [['web-b', '10.9.0.5'], ['web-c', '10.9.0.6']])],
    controlPlane: { cluster: 'east', replicas, networkGateways: [], error: null },
    envoy: {
      clusters: [{ name: `outbound|80||${HOST}`, hosts: envoyHosts.map(([address, port, weight]) => ({ address, port, status: 'HEALTHY', failedOutlierCheck: false, weight, locality: '', rqTotal: 0, rqError: 0, cxActive: 0 })) }],
      route: null,
      error: null,
    },
  };
}

describe('analyzeTrace', () => {
  it('healthy: one endpoint direct, two through the other network\'s gateway', () => {
    const t = analyzeTrace(input([replica('istiod-a', [shard('10.9.0.5', 'n2'), shard('10.9.0.6', 'n2')], true)], [['10.0.0.5', 8080, 1], ['2.2.2.2', 15443, 2]]));
    expect(t.problems).toEqual([]);
    expect(t.verdict).toEqual({ healthy: true, sentence: `Healthy: client (east) reaches ${HOST}:80: 1 direct in east; 2 in west through west's east-west gateway 2.2.2.2:15443.` });
  });

  it('replicas that disagree: the verdict names both', () => {
    const t = analyzeTrace(input([replica('istiod-a', [shard('10.9.0.5', 'n2'), shard('10.9.0.6', 'n2')], true), replica('istiod-b', [], false)], [['10.0.0.5', 8080, 1], ['2.2.2.2', 15443, 2]]));
    expect(t.verdict.sentence).toBe('istiod replica istiod-b has 0 endpoints of web from west while replica istiod-a has 2');
    expect(t.controlPlane.replicas[1].shards.find((s) => s.clusterId === 'west')).toMatchObject({ endpoints: 0, expected: 2, mismatch: true });
  });

  it('an Envoy behind its istiod: the missed push is named', () => {
    const t = analyzeTrace(input([replica('istiod-a', [shard('10.9.0.5', 'n2'), shard('10.9.0.6', 'n2')], true)], [['10.0.0.5', 8080, 1], ['2.2.2.2', 15443, 1]]));
    expect(t.verdict.sentence).toBe("the client's Envoy holds 1 endpoint of web on n2 while istiod replica istiod-a has 2");
  });

  it('a cluster still syncing its inventory is not a missing pod', () => {
    const base = input([replica('istiod-a', [shard('10.9.0.5', 'n2'), shard('10.9.0.6', 'n2')], true)], [['10.0.0.5', 8080, 1], ['2.2.2.2', 15443, 2]]);
    const east = base.clusters[0];
    east.snapshot = { ...east.snapshot, pods: [], errors: [{ kind: 'timeout', source: 'namespaces, services, pods', message: 'east: still syncing' }] };
    const t = analyzeTrace(base);
    expect(t.source.found).toBeNull();
    expect(t.problems.map((p) => p.check)).not.toContain('pod-not-found');
  });
});
