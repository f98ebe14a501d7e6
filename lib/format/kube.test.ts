import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { age, gatewayRole, portOf, servicePorts, toGatewayService, type ServiceJson } from './kube';

/** The talk's cluster1 east-west gateway, as the API server returns it. */
const eastwest: ServiceJson = {
  metadata: { name: 'istio-eastwestgateway', namespace: 'istio-system', labels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway', 'topology.istio.io/network': 'network1' } },
  spec: {
    type: 'LoadBalancer',
    clusterIP: '10.100.159.133',
    ports: [
      { name: 'status-port', port: 15021, nodePort: 31046, protocol: 'TCP' },
      { name: 'tls', port: 15443, nodePort: 32163, protocol: 'TCP' },
      { name: 'tls-istiod', port: 15012, nodePort: 30919, protocol: 'TCP' },
      { name: 'tls-webhook', port: 15017, nodePort: 32420, protocol: 'TCP' },
    ],
  },
  status: { loadBalancer: { ingress: [{ ip: '172.40.143.182' }] } },
};

describe('toGatewayService', () => {
  it('reads the talk\'s east-west gateway as kubectl get svc shows it', () => {
    expect(toGatewayService(eastwest)).toEqual({
      name: 'istio-eastwestgateway',
      namespace: 'istio-system',
      role: 'eastwest',
      type: 'LoadBalancer',
      clusterIP: '10.100.159.133',
      externalIPs: ['172.40.143.182'],
      hostname: null,
      pending: false,
      ports: ['15021:31046/TCP', '15443:32163/TCP', '15012:30919/TCP', '15017:32420/TCP'],
      network: 'network1',
    });
  });

  it('marks a LoadBalancer without an address as pending, and reads hostnames and spec.externalIPs', () => {
    expect(toGatewayService({ ...eastwest, status: {} })).toMatchObject({ externalIPs: [], hostname: null, pending: true });
    expect(toGatewayService({ ...eastwest, status: { loadBalancer: { ingress: [{ hostname: 'a1b2.elb.amazonaws.com' }] } } })).toMatchObject({
      externalIPs: [],
      hostname: 'a1b2.elb.amazonaws.com',
      pending: false,
    });
    expect(toGatewayService({ ...eastwest, spec: { ...eastwest.spec, externalIPs: ['1.2.3.4', '172.40.143.182'] } }).externalIPs).toEqual([
      '172.40.143.182',
      '1.2.3.4',
    ]);
  });

  it('reads istiod as a ClusterIP service with role other', () => {
    const istiod: ServiceJson = {
      metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod', istio: 'pilot' } },
      spec: { clusterIP: '10.105.208.143', ports: [{ port: 15010, protocol: 'TCP' }, { port: 15012 }, { port: 443 }, { port: 15014 }] },
    };
    expect(toGatewayService(istiod)).toMatchObject({
      role: 'other',
      type: 'ClusterIP',
      pending: false,
      externalIPs: [],
      network: null,
      ports: ['15010/TCP', '15012/TCP', '443/TCP', '15014/TCP'],
    });
  });
});

describe('gatewayRole', () => {
  const named = (name: string, labels: Record<string, string> = {}, ports: ServiceJson['spec'] = {}): ServiceJson => ({ metadata: { name, labels }, spec: ports });

  it('recognises the Helm chart\'s network gateway (istio: eastwest) from the istio golden render', () => {
    const golden = parse(readFileSync('/work/shared/fixtures/istio/eastwest-gateway/gateway-network-gateway-default.golden.yaml', 'utf8')) as ServiceJson;
    expect(gatewayRole(golden)).toBe('eastwest');
    expect(gatewayRole({ ...golden, metadata: { name: 'cross-net', labels: { 'topology.istio.io/network': 'n' } } })).toBe('eastwest');
  });

  it('falls back to labels and names', () => {
    expect(gatewayRole(named('gw', { 'topology.istio.io/network': 'n' }, { ports: [{ name: 'http', port: 80 }] }))).toBe('other');
    expect(gatewayRole(named('my-eastwest-gw'))).toBe('eastwest');
    expect(gatewayRole(named('istio-ingressgateway', { istio: 'ingressgateway' }))).toBe('ingress');
    expect(gatewayRole(named('public-ingress'))).toBe('ingress');
    expect(gatewayRole(named('x', { istio: 'egressgateway' }))).toBe('egress');
    expect(gatewayRole(named('istiod'))).toBe('other');
  });
});

describe('servicePorts and portOf', () => {
  it('prints ports as kubectl does, defaulting the protocol to TCP', () => {
    expect(servicePorts([{ port: 5000, protocol: 'TCP' }, { port: 53, protocol: 'UDP', nodePort: 30053 }, { port: 80 }])).toEqual([
      '5000/TCP',
      '53:30053/UDP',
      '80/TCP',
    ]);
    expect(servicePorts(undefined)).toEqual([]);
    expect(portOf('15443:32163/TCP')).toBe(15443);
    expect(portOf('9080/TCP')).toBe(9080);
    expect(portOf('x')).toBeNull();
  });
});

describe('age (kubectl HumanDuration)', () => {
  const now = Date.parse('2024-06-05T12:00:00Z');
  const ago = (seconds: number) => age(new Date(now - seconds * 1000).toISOString(), now);

  it('prints the talk\'s ages and kubectl\'s other ranges', () => {
    expect(ago(45)).toBe('45s');
    expect(ago(119)).toBe('119s');
    expect(ago(8 * 60 + 15)).toBe('8m15s');
    expect(ago(11 * 60)).toBe('11m');
    expect(ago(103 * 60 + 20)).toBe('103m');
    expect(ago(5 * 3600 + 3 * 60)).toBe('5h3m');
    expect(ago(30 * 3600)).toBe('30h');
    expect(ago(2 * 86400 + 4 * 3600)).toBe('2d4h');
    expect(ago(400 * 86400)).toBe('400d');
    expect(ago(3 * 365 * 86400 + 12 * 86400)).toBe('3y12d');
    expect(ago(9 * 365 * 86400)).toBe('9y');
  });

  it('handles missing and future timestamps', () => {
    expect(age(null, now)).toBe('<unknown>');
    expect(age('garbage', now)).toBe('<unknown>');
    expect(ago(-0.5)).toBe('0s');
    expect(ago(-30)).toBe('<invalid>');
  });
});
