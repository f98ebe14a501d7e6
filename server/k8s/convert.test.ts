import { describe, expect, it } from 'vitest';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { gatewayService, istiodReplica, sortGateways } from './convert';

function service(namespace: string, name: string, labels: Record<string, string>, type = 'LoadBalancer', ip?: string): V1Service {
  return {
    metadata: { namespace, name, labels },
    spec: { type, clusterIP: '10.0.0.1', ports: [{ name: 'tls', port: 15443, nodePort: 31000, protocol: 'TCP' }] },
    status: { loadBalancer: { ingress: ip ? [{ ip }] : [] } },
  };
}

describe('gatewayService, sortGateways', () => {
  it('finds Istio gateways in any namespace, never istiod or a foreign ingress controller; the Istio namespace first', () => {
    const services = [
      service('istio-ingress', 'istio-ingress', { istio: 'ingress', app: 'istio-ingress' }, 'LoadBalancer', '1.2.3.4'),
      service('ingress-nginx', 'ingress-nginx-controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, 'LoadBalancer', '5.6.7.8'),
      service('istio-system', 'istiod', { app: 'istiod', istio: 'pilot' }, 'ClusterIP'),
      service('istio-system', 'istio-eastwestgateway', { istio: 'eastwestgateway', 'topology.istio.io/network': 'network1' }),
      service('istio-gateways', 'cross-network', { 'topology.istio.io/network': 'network1' }, 'NodePort'),
    ];
    const gateways = sortGateways(services.flatMap((s) => gatewayService(s) ?? []));
    expect(gateways.map((g) => `${g.namespace}/${g.name}:${g.role}`)).toEqual([
      'istio-system/istio-eastwestgateway:eastwest',
      'istio-gateways/cross-network:eastwest',
      'istio-ingress/istio-ingress:ingress',
    ]);
    expect(gateways[0].pending).toBe(true);
  });
});

describe('istiodReplica', () => {
  const pod = (labels: Record<string, string>): V1Pod => ({
    metadata: { name: 'istiod-abc', namespace: 'istio-system', labels: { app: 'istiod', ...labels } },
    spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.26.3' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });

  it('reads the revision label as istioctl prints it: empty when the pod has none', () => {
    expect(istiodReplica(pod({ 'istio.io/rev': 'canary' }))).toMatchObject({ revision: 'canary', version: '1.26.3', ready: true });
    expect(istiodReplica(pod({})).revision).toBe('');
  });
});
