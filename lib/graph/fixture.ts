/**
 * Hand-built TopologyResponses for tests and the benchmark's sanity checks: a small two-cluster,
 * two-network mesh shaped like the talk's (bookinfo split across clusters, east-west gateways), and
 * a generator of large meshes. Not used by product code paths.
 */
import type { TopologyEdge, TopologyNode, TopologyResponse } from '../types/api';

const C1 = 'cluster1-admin@cluster1';
const C2 = 'cluster2-admin@cluster2';

function cluster(name: string, clusterId: string, network: string): TopologyNode {
  return { id: `cluster:${name}`, kind: 'cluster', parent: null, label: clusterId, cluster: name, clusterId, network, reachable: true };
}
function namespace(c: string, ns: string): TopologyNode {
  return { id: `ns:${c}:${ns}`, kind: 'namespace', parent: `cluster:${c}`, label: ns, cluster: c, namespace: ns, name: ns };
}
function service(c: string, ns: string, name: string, ports: string[] = ['9080/TCP']): TopologyNode {
  return {
    id: `svc:${c}:${ns}:${name}`,
    kind: 'service',
    parent: `ns:${c}:${ns}`,
    label: name,
    cluster: c,
    namespace: ns,
    name,
    hostname: `${name}.${ns}.svc.cluster.local`,
    ports,
  };
}
function workload(c: string, ns: string, app: string, version: string, pods: number, readyPods = pods): TopologyNode {
  return {
    id: `wl:${c}:${ns}:${app}:${version}`,
    kind: 'workload',
    parent: `ns:${c}:${ns}`,
    cluster: c,
    namespace: ns,
    app,
    version,
    pods,
    readyPods,
  };
}
function gateway(c: string, name: string, role: 'eastwest' | 'ingress', addresses: string[]): TopologyNode {
  return {
    id: `gw:${c}:istio-system:${name}`,
    kind: 'gateway',
    parent: `ns:${c}:istio-system`,
    label: name,
    cluster: c,
    namespace: 'istio-system',
    name,
    role,
    addresses,
    pending: addresses.length === 0,
  };
}
function edge(source: string, target: string, kind: TopologyEdge['kind'], address?: string): TopologyEdge {
  return { source, target, kind, ...(address ? { address } : {}) };
}

/** The talk's mesh, reduced: cluster1 serves productpage, details, reviews v1/v2; cluster2 ratings and reviews v3. */
export function seedLikeTopology(): TopologyResponse {
  const nodes: TopologyNode[] = [
    cluster(C1, 'cluster1', 'network1'),
    cluster(C2, 'cluster2', 'network2'),
    ...[C1, C2].flatMap((c) => ['default', 'sample', 'istio-system'].map((ns) => namespace(c, ns))),
    ...[C1, C2].flatMap((c) => ['productpage', 'details', 'reviews', 'ratings'].map((s) => service(c, 'default', s))),
    ...[C1, C2].map((c) => service(c, 'sample', 'helloworld', ['5000/TCP'])),
    ...[C1, C2].map((c) => service(c, 'istio-system', 'istiod', ['15010/TCP', '15012/TCP'])),
    workload(C1, 'default', 'productpage', 'v1', 1),
    workload(C1, 'default', 'details', 'v1', 1),
    workload(C1, 'default', 'reviews', 'v1', 1),
    workload(C1, 'default', 'reviews', 'v2', 1),
    workload(C1, 'sample', 'helloworld', 'v1', 1),
    workload(C2, 'default', 'ratings', 'v1', 1),
    workload(C2, 'default', 'reviews', 'v3', 1),
    workload(C2, 'default', 'loki', 'unversioned', 1, 0),
    workload(C2, 'sample', 'helloworld', 'v2', 1),
    gateway(C1, 'istio-eastwestgateway', 'eastwest', ['172.40.143.182']),
    gateway(C1, 'istio-ingressgateway', 'ingress', ['172.40.143.181']),
    gateway(C2, 'istio-eastwestgateway', 'eastwest', ['172.40.143.192']),
    gateway(C2, 'istio-ingressgateway', 'ingress', ['172.40.143.191']),
  ];
  const ew1 = `gw:${C1}:istio-system:istio-eastwestgateway`;
  const ew2 = `gw:${C2}:istio-system:istio-eastwestgateway`;
  const edges: TopologyEdge[] = [
    edge(`svc:${C1}:default:productpage`, `wl:${C1}:default:productpage:v1`, 'local'),
    edge(`svc:${C1}:default:details`, `wl:${C1}:default:details:v1`, 'local'),
    edge(`svc:${C1}:default:reviews`, `wl:${C1}:default:reviews:v1`, 'local'),
    edge(`svc:${C1}:default:reviews`, `wl:${C1}:default:reviews:v2`, 'local'),
    edge(`svc:${C1}:default:reviews`, ew2, 'east-west', '172.40.143.192:15443'),
    edge(`svc:${C1}:default:ratings`, ew2, 'east-west', '172.40.143.192:15443'),
    edge(`svc:${C2}:default:ratings`, `wl:${C2}:default:ratings:v1`, 'local'),
    edge(`svc:${C2}:default:reviews`, `wl:${C2}:default:reviews:v3`, 'local'),
    edge(`svc:${C2}:default:reviews`, ew1, 'east-west', '172.40.143.182:15443'),
    edge(`svc:${C2}:default:productpage`, ew1, 'east-west', '172.40.143.182:15443'),
    edge(`svc:${C2}:default:details`, ew1, 'east-west', '172.40.143.182:15443'),
    edge(ew1, `wl:${C1}:default:productpage:v1`, 'east-west'),
    edge(ew1, `wl:${C1}:default:details:v1`, 'east-west'),
    edge(ew1, `wl:${C1}:default:reviews:v1`, 'east-west'),
    edge(ew1, `wl:${C1}:default:reviews:v2`, 'east-west'),
    edge(ew2, `wl:${C2}:default:ratings:v1`, 'east-west'),
    edge(ew2, `wl:${C2}:default:reviews:v3`, 'east-west'),
    edge(`svc:${C1}:sample:helloworld`, `wl:${C1}:sample:helloworld:v1`, 'local'),
    edge(`svc:${C2}:sample:helloworld`, `wl:${C2}:sample:helloworld:v2`, 'local'),
  ];
  return {
    nodes,
    edges,
    services: [
      {
        hostname: 'reviews.default.svc.cluster.local',
        namespace: 'default',
        name: 'reviews',
        clusters: [
          { cluster: C1, clusterIP: '10.100.20.1', ports: ['9080/TCP'], readyEndpoints: 2, notReadyEndpoints: 0 },
          { cluster: C2, clusterIP: '10.96.20.1', ports: ['9080/TCP'], readyEndpoints: 1, notReadyEndpoints: 0 },
        ],
      },
    ],
    clusters: [],
    generatedAt: '2024-05-01T10:00:00.000Z',
  };
}

/** A large mesh: `clusters` × `namespaces`, each namespace with `servicesPerNamespace` services of two versions. */
export function largeTopology(clusters: number, namespaces: number, servicesPerNamespace: number): TopologyResponse {
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  for (let c = 0; c < clusters; c++) {
    const name = `cluster${c}-admin@cluster${c}`;
    nodes.push(cluster(name, `cluster${c}`, `network${c}`), namespace(name, 'istio-system'));
    nodes.push(gateway(name, 'istio-eastwestgateway', 'eastwest', [`172.40.${c}.2`]));
    for (let n = 0; n < namespaces; n++) {
      const ns = `ns${n}`;
      nodes.push(namespace(name, ns));
      for (let s = 0; s < servicesPerNamespace; s++) {
        const svc = service(name, ns, `svc${s}`);
        nodes.push(svc);
        for (const v of ['v1', 'v2']) {
          const wl = workload(name, ns, `svc${s}`, v, 2);
          nodes.push(wl);
          edges.push(edge(svc.id, wl.id, 'local'));
        }
      }
    }
  }
  return { nodes, edges, services: [], clusters: [], generatedAt: '2024-05-01T10:00:00.000Z' };
}
