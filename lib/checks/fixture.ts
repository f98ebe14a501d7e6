/**
 * A healthy two-cluster, two-network snapshot (the talk's mesh, reduced) for the checks' unit tests;
 * each test breaks one fact of it.
 */
import type { ClusterSnapshot, IstiodFacts, MeshSnapshot, PodFacts, Read, ServiceFacts, SynczRow } from './types';
import { XDS_TYPES, type XdsStatus, type XdsType } from '../types/api';

export const NOW = Date.parse('2024-06-06T12:00:00Z');
export const C1 = 'cluster1-admin@cluster1';
export const C2 = 'cluster2-admin@cluster2';
const ROOT = 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';

export const ok = <T>(value: T): Read<T> => ({ ok: true, value });
export const failed = (reason = 'forbidden'): Read<never> => ({ ok: false, reason });

export function service(namespace: string, name: string, extra: Partial<ServiceFacts> = {}): ServiceFacts {
  return { namespace, name, type: 'ClusterIP', ports: [{ name: 'http', port: 9080, protocol: 'TCP' }], labels: { app: name }, selector: { app: name }, externalAddresses: [], pending: false, role: 'other', ...extra };
}

export function eastwest(network: string, address: string | null): ServiceFacts {
  return service('istio-system', 'istio-eastwestgateway', {
    type: 'LoadBalancer',
    role: 'eastwest',
    labels: { app: 'istio-eastwestgateway', istio: 'eastwestgateway', 'topology.istio.io/network': network },
    selector: { app: 'istio-eastwestgateway', istio: 'eastwestgateway' },
    ports: [15021, 15443, 15012, 15017].map((port) => ({ name: port === 15443 ? 'tls' : `tcp-${port}`, port, protocol: 'TCP' })),
    externalAddresses: address ? [address] : [],
    pending: address === null,
  });
}

export function pod(namespace: string, name: string, ip: string, labels: Record<string, string> = {}): PodFacts {
  return { namespace, name, ip, hostNetwork: false, labels };
}

export function proxy(name: string, cluster: string, version = '1.21.2', types: Partial<Record<XdsType, XdsStatus>> = {}, lastErrors: SynczRow['lastErrors'] = {}): SynczRow {
  const all = Object.fromEntries(XDS_TYPES.map((t) => [t, types[t] ?? (t === 'ECDS' ? 'NOT SENT' : 'SYNCED')])) as Record<XdsType, XdsStatus>;
  const worst = Object.values(types).includes('ERROR') ? 'ERROR' : Object.values(types).some((s) => s?.startsWith('STALE')) ? 'STALE' : 'SYNCED';
  const resources = XDS_TYPES.map((type) => ({ type, typeUrl: type, status: all[type], sentAt: null }));
  return { name, cluster, istiod: 'istiod', revision: 'default', version, proxyVersion: '', proxyType: 'sidecar', types: all, resources, overall: worst, lastErrors };
}

function istiod(pod: string, id: string, remote: string, network: string, gatewayAddress: string, proxies: SynczRow[]): IstiodFacts {
  return {
    pod,
    ready: true,
    version: '1.21.2',
    clusterz: ok([
      { name: id, secret: '', status: 'synced', istiod: pod, revision: 'default' },
      { name: remote, secret: `istio-system/istio-remote-secret-${remote}`, status: 'synced', istiod: pod, revision: 'default' },
    ]),
    syncz: ok(proxies),
    networkz: ok([
      { network, cluster: id, address: gatewayAddress, port: 15443, hbonePort: 0 },
      { network: network === 'network1' ? 'network2' : 'network1', cluster: remote, address: gatewayAddress === '172.40.143.182' ? '172.40.143.192' : '172.40.143.182', port: 15443, hbonePort: 0 },
    ]),
  };
}

function cluster(n: 1 | 2): ClusterSnapshot {
  const id = `cluster${n}`;
  const other = `cluster${3 - n}`;
  const network = `network${n}`;
  const address = n === 1 ? '172.40.143.182' : '172.40.143.192';
  const app = n === 1 ? 'productpage' : 'ratings';
  return {
    cluster: n === 1 ? C1 : C2,
    clusterId: id,
    istioNamespace: ok({ labels: { 'topology.istio.io/network': network }, annotations: {} }),
    services: ok([eastwest(network, address), service('default', 'productpage'), service('default', 'ratings'), service('istio-system', 'istiod', { ports: [{ name: 'grpc-xds', port: 15010, protocol: 'TCP' }] })]),
    pods: ok([
      pod('istio-system', `istio-eastwestgateway-${n}`, `192.168.${n}.10`, { app: 'istio-eastwestgateway', istio: 'eastwestgateway' }),
      pod('default', `${app}-v1-${n}`, `192.168.${n}.20`, { app }),
      pod('istio-system', `istiod-${n}`, `192.168.${n}.30`, { app: 'istiod' }),
    ]),
    nodes: ok([{ name: `node-${n}`, podCIDRs: [`192.168.${n}.0/24`] }]),
    meshConfig: ok({ trustDomain: 'cluster.local', meshId: 'mesh1', dnsCapture: true }),
    rootCerts: ok([{ fingerprint: ROOT, subject: 'O=Istio, CN=Root CA', notAfter: '2034-05-07T12:00:00.000Z' }]),
    gateways: ok([
      {
        namespace: 'istio-system',
        name: 'cross-network-gateway',
        selector: { istio: 'eastwestgateway' },
        servers: [{ port: 15443, protocol: 'TLS', tlsMode: 'AUTO_PASSTHROUGH', hosts: ['*.local'] }],
      },
    ]),
    destinationRules: ok([{ namespace: 'default', name: app, host: `${app}.default.svc.cluster.local`, localityLb: false, outlierDetection: false }]),
    istiods: ok([istiod(`istiod-${n}`, id, other, network, address, [proxy(`${app}-v1-${n}.default`, id)])]),
    proxySample: ok([{ namespace: 'default', pod: `${app}-v1-${n}`, addresses: ok([`192.168.${n}.20`, n === 1 ? '172.40.143.192' : '172.40.143.182']) }]),
  };
}

export function healthy(): MeshSnapshot {
  return { nowMs: NOW, clusters: [cluster(1), cluster(2)] };
}

/** The healthy snapshot with one cluster changed. */
export function withCluster(index: 0 | 1, change: (c: ClusterSnapshot) => void): MeshSnapshot {
  const s = healthy();
  change(s.clusters[index]);
  return s;
}

/** A Read's value (the fixture's are all readable) for in-place changes. */
export function value<T>(r: Read<T>): T {
  if (!r.ok) throw new Error('fixture read failed');
  return r.value;
}
