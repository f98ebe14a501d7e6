/**
 * Test data, not product code: ClusterSnapshots shaped like the talk's two-cluster, two-network
 * mesh (bookinfo split across clusters, helloworld v1/v2, east-west gateways), and a generator of
 * large meshes for the builder's speed check.
 */
import type { GatewayService } from '../types/api';
import type { ClusterSnapshot, PodSnapshot, ServiceSnapshot } from '../mesh/snapshot';

export const C1 = 'cluster1-admin@cluster1';
export const C2 = 'cluster2-admin@cluster2';

export function svc(namespace: string, name: string, selector: Record<string, string> | null, ports = ['9080/TCP'], clusterIP = '10.96.0.10'): ServiceSnapshot {
  return { namespace, name, type: 'ClusterIP', clusterIP, ports, selector, labels: {} };
}

export function pod(namespace: string, name: string, ip: string | null, labels: Record<string, string>, ready = true, phase = 'Running'): PodSnapshot {
  return { namespace, name, ip, phase, ready, labels, nodeName: 'node1', hasSidecar: true };
}

export function gateway(name: string, role: GatewayService['role'], ip: string | null, network: string | null, ports: string[]): GatewayService {
  return {
    name,
    namespace: 'istio-system',
    role,
    type: role === 'other' ? 'ClusterIP' : 'LoadBalancer',
    clusterIP: '10.100.159.133',
    externalIPs: ip ? [ip] : [],
    hostname: null,
    pending: role !== 'other' && ip === null,
    ports,
    network,
  };
}

const EW_PORTS = (p: [number, number, number, number]) => [`15021:${p[0]}/TCP`, `15443:${p[1]}/TCP`, `15012:${p[2]}/TCP`, `15017:${p[3]}/TCP`];

function gatewayServices(network: string): ServiceSnapshot[] {
  return [
    { ...svc('istio-system', 'istio-eastwestgateway', { istio: 'eastwestgateway' }, ['15443/TCP']), type: 'LoadBalancer', labels: { 'topology.istio.io/network': network } },
    { ...svc('istio-system', 'istio-ingressgateway', { istio: 'ingressgateway' }, ['80/TCP']), type: 'LoadBalancer' },
    svc('istio-system', 'istiod', { app: 'istiod' }, ['15010/TCP', '15012/TCP', '443/TCP', '15014/TCP']),
  ];
}

const BOOKINFO = ['productpage', 'details', 'reviews', 'ratings'].map((app) => svc('default', app, { app }));
const SAMPLE = [svc('sample', 'helloworld', { app: 'helloworld' }, ['5000/TCP']), svc('sample', 'sleep', { app: 'sleep' }, ['80/TCP'])];

/** The seed mesh; `cluster1EastWestPending` leaves cluster1's east-west LoadBalancer without an IP. */
export function seedSnapshots({ cluster1EastWestPending = false } = {}): ClusterSnapshot[] {
  const cluster1: ClusterSnapshot = {
    cluster: C1,
    clusterId: 'cluster1',
    network: 'network1',
    reachable: true,
    namespaces: ['default', 'istio-system', 'kube-system', 'sample'],
    services: [...BOOKINFO, ...SAMPLE, ...gatewayServices('network1')],
    pods: [
      pod('default', 'productpage-v1-d5789fdfb-5cr6m', '192.168.33.10', { app: 'productpage', version: 'v1' }),
      pod('default', 'details-v1-6f4dd5f9c6-j8k2l', '192.168.33.11', { app: 'details', version: 'v1' }),
      pod('default', 'reviews-v1-5b5d6494f4-ab12c', '192.168.33.12', { app: 'reviews', version: 'v1' }),
      pod('default', 'reviews-v2-5b667bcbf8-de34f', '192.168.33.13', { app: 'reviews', version: 'v2' }),
      pod('sample', 'helloworld-v1-867747c89-wzjch', '192.168.33.20', { app: 'helloworld', version: 'v1' }),
      pod('sample', 'sleep-7656cf8794-xk9pl', '192.168.33.21', { app: 'sleep' }),
      pod('istio-system', 'istio-eastwestgateway-c89658c74-6sq8b', '192.168.33.2', { istio: 'eastwestgateway', app: 'istio-eastwestgateway' }),
      pod('istio-system', 'istiod-6696b6844d-cwj44', '192.168.33.3', { app: 'istiod' }),
      // Same IP as cluster2's reviews-v3: pod CIDRs of different networks overlap.
      pod('kube-system', 'coredns-5d78c9869d-zzzzz', '192.168.179.215', { 'k8s-app': 'kube-dns' }),
      pod('default', 'db-migrate-x1y2z', '192.168.33.99', { app: 'db-migrate' }, false, 'Succeeded'),
    ],
    gateways: [
      gateway('istio-eastwestgateway', 'eastwest', cluster1EastWestPending ? null : '172.40.143.182', 'network1', EW_PORTS([31046, 32163, 30919, 32420])),
      gateway('istio-ingressgateway', 'ingress', '172.40.143.181', null, ['15021:31555/TCP', '80:30553/TCP', '443:32092/TCP']),
      gateway('istiod', 'other', null, null, ['15010/TCP', '15012/TCP', '443/TCP', '15014/TCP']),
    ],
    errors: [],
  };
  const cluster2: ClusterSnapshot = {
    cluster: C2,
    clusterId: 'cluster2',
    network: 'network2',
    reachable: true,
    namespaces: ['default', 'istio-system', 'sample'],
    services: [...BOOKINFO, svc('default', 'loki', { app: 'loki' }, ['3100/TCP']), ...SAMPLE, ...gatewayServices('network2')],
    pods: [
      pod('default', 'ratings-v1-6484c4d9bb-25cnf', '192.168.179.214', { app: 'ratings', version: 'v1' }),
      pod('default', 'reviews-v3-5b9bd44f4-ztxsd', '192.168.179.215', { app: 'reviews', version: 'v3' }),
      pod('default', 'loki-0', null, { 'statefulset.kubernetes.io/pod-name': 'loki-0' }, false, 'Pending'),
      pod('sample', 'helloworld-v2-7f46498c69-fg5p7', '192.168.179.220', { app: 'helloworld', version: 'v2' }),
      pod('sample', 'sleep-7656cf8794-abcde', '192.168.179.221', { app: 'sleep' }),
      pod('istio-system', 'istio-eastwestgateway-7cbc7b94b8-pmkc7', '192.168.179.2', { istio: 'eastwestgateway', app: 'istio-eastwestgateway' }),
    ],
    gateways: [
      gateway('istio-eastwestgateway', 'eastwest', '172.40.143.192', 'network2', EW_PORTS([31590, 31841, 31272, 32063])),
      gateway('istio-ingressgateway', 'ingress', '172.40.143.191', null, ['15021:32147/TCP', '80:31216/TCP', '443:32293/TCP']),
    ],
    errors: [],
  };
  return [cluster1, cluster2];
}

/**
 * `clusters` clusters on their own networks, each with `namespaces` namespaces of `servicesPerNamespace`
 * services (the same names in every cluster, as a mesh replicating its services does) of two versions,
 * `podsPerService` pods each.
 */
export function largeSnapshots(clusters: number, namespaces: number, servicesPerNamespace: number, podsPerService: number): ClusterSnapshot[] {
  const result: ClusterSnapshot[] = [];
  for (let c = 0; c < clusters; c++) {
    const services: ServiceSnapshot[] = [];
    const pods: PodSnapshot[] = [];
    const nsNames: string[] = [];
    for (let n = 0; n < namespaces; n++) {
      const ns = `ns${n}`;
      nsNames.push(ns);
      for (let s = 0; s < servicesPerNamespace; s++) {
        const app = `svc${s}`;
        services.push(svc(ns, app, { app }));
        for (let p = 0; p < podsPerService; p++) {
          const version = p % 2 === 0 ? 'v1' : 'v2';
          const ip = `10.${c % 256}.${(n * servicesPerNamespace + s) % 256}.${p % 256}`;
          pods.push(pod(ns, `${app}-${version}-7d4b9c8f6d-${String(p).padStart(5, '0')}`, ip, { app, version }, p % 10 !== 0));
        }
      }
    }
    result.push({
      cluster: `cluster${c}-admin@cluster${c}`,
      clusterId: `cluster${c}`,
      network: `network${c}`,
      reachable: true,
      namespaces: [...nsNames, 'istio-system'],
      services,
      pods,
      gateways: [gateway('istio-eastwestgateway', 'eastwest', `172.40.${c % 256}.2`, `network${c}`, EW_PORTS([31000, 31001, 31002, 31003]))],
      errors: [],
    });
  }
  return result;
}
