import { describe, expect, it } from 'vitest';
import type { KubeObject, ResourceType } from '../world';
import { humanDuration, toTable } from './table';

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [103 * 60_000, '103m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [10 * 3600_000, '10h'],
    [3 * 86400_000 + 4 * 3600_000, '3d4h'],
    [10 * 86400_000, '10d'],
    [-5_000, '<invalid>'],
  ])('%d ms -> %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

const serviceType: ResourceType = { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true };
const meta = (name: string) => ({ name, namespace: 'istio-system', uid: name, resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' });

describe('toTable for services', () => {
  it('prints EXTERNAL-IP as kubectl does and PartialObjectMetadata rows', () => {
    const pending = { metadata: meta('eastwest'), spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1', ports: [{ port: 15443, nodePort: 32163, protocol: 'TCP' }] }, status: { loadBalancer: {} } } as KubeObject;
    const internal = { metadata: meta('istiod'), spec: { type: 'ClusterIP', clusterIP: '10.0.0.2', ports: [{ port: 15014, protocol: 'TCP' }], selector: { app: 'istiod', istio: 'pilot' } } } as KubeObject;
    const table = toTable(serviceType, [pending, internal], {}, 'Metadata', Date.parse('2024-01-01T01:43:00Z')) as any;
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    expect(table.rows[0].cells).toEqual(['eastwest', 'LoadBalancer', '10.0.0.1', '<pending>', '15443:32163/TCP', '103m', '<none>']);
    expect(table.rows[1].cells).toEqual(['istiod', 'ClusterIP', '10.0.0.2', '<none>', '15014/TCP', '103m', 'app=istiod,istio=pilot']);
    expect(table.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pending.metadata });
  });
});

describe('toTable for pods and endpoints', () => {
  const now = Date.parse('2024-01-01T02:00:00Z');
  it('prints restarts with the time since the last one and a waiting reason as STATUS', () => {
    const pod = {
      metadata: meta('ratings'),
      spec: { containers: [{ name: 'app' }, { name: 'istio-proxy' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: '2024-01-01T01:55:00Z' } } },
          { name: 'istio-proxy', ready: true, restartCount: 0 },
        ],
      },
    } as KubeObject;
    const podType: ResourceType = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };
    const cells = (toTable(podType, [pod], {}, 'None', now) as any).rows[0].cells;
    expect(cells.slice(0, 4)).toEqual(['ratings', '1/2', 'CrashLoopBackOff', '3 (5m ago)']);
  });

  it('lists endpoints port by port, three at most', () => {
    const endpoints = {
      metadata: meta('reviews'),
      subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 9080 }, { port: 15020 }] }],
    } as unknown as KubeObject;
    const endpointsType: ResourceType = { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true };
    const cells = (toTable(endpointsType, [endpoints], {}, 'None', now) as any).rows[0].cells;
    expect(cells[1]).toBe('10.0.0.1:9080,10.0.0.2:9080,10.0.0.1:15020 + 1 more...');
  });
});

describe('toTable with includeObject=Object', () => {
  it('embeds each object as served: its kind, and the version asked for (a CRD is stored in the one it was written in)', () => {
    const v1beta1: ResourceType = { group: 'networking.istio.io', version: 'v1beta1', resource: 'gateways', kind: 'Gateway', namespaced: true };
    const stored = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta('cross-network-gateway'), spec: {} } as KubeObject;
    const gateway = (toTable(v1beta1, [stored], {}, 'Object') as any).rows[0].object;
    expect(gateway).toMatchObject({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'cross-network-gateway' } });
    const service = { metadata: meta('istiod'), spec: { type: 'ClusterIP', clusterIP: '10.0.0.2', ports: [] } } as KubeObject;
    expect((toTable(serviceType, [service], {}, 'Object') as any).rows[0].object).toMatchObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'istiod' } });
  });
});
