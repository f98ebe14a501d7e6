/**
 * The graph model of /api/topology, built from per-cluster snapshots (pure, no I/O).
 *
 * Istio merges a hostname across every cluster that defines the Service, so a client in cluster C
 * reaches the matching workloads of every cluster D that defines the same namespace/name:
 *  - D == C: `local` edge service → workload;
 *  - D on C's network: `cross-cluster` edge (clients dial pod IPs);
 *  - D on another network with an east-west gateway that has an external address: `east-west`
 *    edges service:C → gateway:D ("<ip>:15443") and gateway:D → workload:D;
 *  - D on another network without such a gateway: `unroutable` (clients get raw pod IPs, istio.md §5.5).
 */
import type { GatewayService, LogicalService, TopologyEdge, TopologyNode, TopologyResponse } from '../types/api';
import { EASTWEST_TLS_PORT } from '../format/kube';
import type { ClusterSnapshot, PodSnapshot, ServiceSnapshot } from '../mesh/snapshot';
import { workloadOf } from '../mesh/workload';
import { compareStrings } from '../format/compare';
import { edgeId } from './edge-id';

/** The graph alone: the route adds each cluster's status (server/topology.ts). */
export type Topology = Omit<TopologyResponse, 'generatedAt' | 'clusters'>;

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

function hasSelector(svc: ServiceSnapshot): svc is ServiceSnapshot & { selector: Record<string, string> } {
  return svc.selector !== null && Object.keys(svc.selector).length > 0;
}

function edge(source: string, target: string, kind: TopologyEdge['kind'], address: string | undefined): TopologyEdge {
  const e: TopologyEdge = { source, target, kind };
  if (address) e.address = address;
  return e;
}

const KIND_ORDER: Record<TopologyNode['kind'], number> = { cluster: 0, namespace: 1, gateway: 2, service: 3, workload: 4 };

/** Per-cluster working state. */
interface ClusterIndex {
  snapshot: ClusterSnapshot;
  /** The cluster's node id (cluster:<name>): what its services and workloads stand for at the clusters level. */
  clusterNodeId: string;
  /** Pods that serve traffic (not Succeeded/Failed), by namespace, each with its workload id. */
  podsByNamespace: Map<string, Array<{ pod: PodSnapshot; workload: string }>>;
  /** The east-west gateway remote clients dial ("<address>:15443"), or null. */
  eastWest: { id: string; dial: string } | null;
}

function gatewayAddresses(gw: GatewayService): string[] {
  return [...gw.externalIPs, ...(gw.hostname ? [gw.hostname] : [])];
}

/**
 * One edge as the edge pass finds it (EdgeVisitor): its ends, kind and dialled address, the clusters of
 * its ends, and which end is a gateway (the other is a service or a workload). Positional arguments: the
 * pass calls it half a million times at fleet size, and a visitor that aggregates allocates nothing.
 */
export type EdgeVisitor = (
  source: string,
  target: string,
  kind: TopologyEdge['kind'],
  address: string | undefined,
  from: { clusterNodeId: string },
  to: { clusterNodeId: string },
  gatewayEnd: 'source' | 'target' | null,
) => void;

/** The graph before its edges: nodes and logical services, and the edge pass to run when edges are wanted. */
export interface PreparedTopology extends Omit<Topology, 'edges'> {
  /** Visits every edge in buildTopology's order, without building it. */
  forEachEdge(visit: EdgeVisitor): void;
}

/**
 * Builds nodes, edges and logical services from cluster snapshots. Ids are deterministic (see
 * TopologyNode.id; edges are named by what they join, lib/topology/edge-id.ts), nodes are ordered cluster, namespace, gateway,
 * service, workload then by id; services by hostname with their clusters by name; edges by hostname,
 * client cluster, serving cluster (the same for any input order). Unreachable clusters keep their
 * cluster node (reachable: false).
 */
export function buildTopology(snapshots: ClusterSnapshot[]): Topology {
  const prepared = prepareTopology(snapshots);
  return { nodes: prepared.nodes, edges: edgesOf(prepared), services: prepared.services };
}

/** Every edge of a prepared graph, built: buildTopology's edges. */
export function edgesOf(prepared: PreparedTopology): TopologyEdge[] {
  const edges: TopologyEdge[] = [];
  prepared.forEachEdge((source, target, kind, address) => edges.push(edge(source, target, kind, address)));
  return edges;
}

/**
 * buildTopology's nodes and services, with its edge pass left to the caller: at fleet size the edges
 * (one per service × remote cluster: half a million at 50 clusters) cost most of the build, and a level
 * that only counts them (lib/topology/levels.ts clustersLevel) need not build them.
 */
export function prepareTopology(snapshots: ClusterSnapshot[]): PreparedTopology {
  const nodes = new Map<string, TopologyNode>();
  const addNode = (node: TopologyNode) => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
  };
  const addNamespace = (c: string, ns: string) =>
    addNode({ id: `ns:${c}:${ns}`, kind: 'namespace', parent: `cluster:${c}`, label: ns, cluster: c, namespace: ns, name: ns });

  // Input order must not matter: walk clusters by name, hostnames sorted, so edges come out in a
  // deterministic order without sorting 100,000s of edge ids at the end.
  const ordered = [...snapshots].sort((a, b) => compareStrings(a.cluster, b.cluster));
  const indexes: ClusterIndex[] = [];
  for (const snapshot of ordered) {
    const c = snapshot.cluster;
    addNode({
      id: `cluster:${c}`,
      kind: 'cluster',
      parent: null,
      label: snapshot.clusterId ?? c,
      cluster: c,
      clusterId: snapshot.clusterId,
      network: snapshot.network,
      reachable: snapshot.reachable,
    });
    for (const ns of snapshot.namespaces) addNamespace(c, ns);
    indexes.push(indexCluster(snapshot, addNode, addNamespace));
  }

  // One entry per namespace/name: every cluster that defines the Service.
  const byHostname = new Map<string, Array<{ index: ClusterIndex; svc: ServiceSnapshot }>>();
  for (const index of indexes) {
    const gatewayNames = new Set(index.snapshot.gateways.filter((g) => g.role !== 'other').map((g) => `${g.namespace}/${g.name}`));
    for (const svc of index.snapshot.services) {
      if (gatewayNames.has(`${svc.namespace}/${svc.name}`)) continue; // drawn as a gateway node
      const key = `${svc.name}.${svc.namespace}.svc.cluster.local`;
      const list = byHostname.get(key);
      if (list) list.push({ index, svc });
      else byHostname.set(key, [{ index, svc }]);
    }
  }

  const services: LogicalService[] = [];
  const hostnames: Array<{ namespace: string; name: string; definitions: Array<{ index: ClusterIndex }>; served: Array<{ index: ClusterIndex; workloads: string[] }> }> = [];
  for (const hostname of [...byHostname.keys()].sort()) {
    const definitions = byHostname.get(hostname)!;
    const { namespace, name } = definitions[0].svc;
    const logical: LogicalService = { hostname, namespace, name, clusters: [] };
    // Workloads each defining cluster serves for this hostname: matched once per (service, cluster).
    const served = definitions.map(({ index, svc }) => {
      const c = index.snapshot.cluster;
      const workloads = new Set<string>();
      let ready = 0;
      let notReady = 0;
      if (hasSelector(svc)) {
        for (const { pod, workload } of index.podsByNamespace.get(svc.namespace) ?? []) {
          if (!selects(svc.selector, pod.labels)) continue;
          workloads.add(workload);
          if (pod.ip) pod.ready ? ready++ : notReady++;
        }
      }
      addNamespace(c, svc.namespace);
      addNode({
        id: `svc:${c}:${svc.namespace}:${svc.name}`,
        kind: 'service',
        parent: `ns:${c}:${svc.namespace}`,
        cluster: c,
        namespace: svc.namespace,
        name: svc.name,
        hostname,
        ports: svc.ports,
      });
      logical.clusters.push({ cluster: c, clusterIP: svc.clusterIP, ports: svc.ports, readyEndpoints: ready, notReadyEndpoints: notReady });
      return { index, workloads: [...workloads].sort() };
    });
    hostnames.push({ namespace, name, definitions, served });
    services.push(logical);
  }

  const forEachEdge = (visit: EdgeVisitor) => {
    // Service edges are unique by construction (one source per hostname and cluster, each serving
    // cluster visited once); only gateway → workload edges can repeat across hostnames.
    const gatewayEdges = new Set<string>();
    for (const { namespace, name, definitions, served } of hostnames) {
      const reachedThroughGateway = new Set<ClusterIndex>();
      for (const client of definitions) {
        const fromIndex = client.index;
        const from = fromIndex.snapshot;
        const source = `svc:${from.cluster}:${namespace}:${name}`;
        for (const { index, workloads } of served) {
          const to = index.snapshot;
          if (workloads.length === 0) continue;
          if (to === from) {
            for (const wl of workloads) visit(source, wl, 'local', undefined, fromIndex, index, null);
          } else if (to.network === from.network) {
            for (const wl of workloads) visit(source, wl, 'cross-cluster', undefined, fromIndex, index, null);
          } else if (index.eastWest) {
            visit(source, index.eastWest.id, 'east-west', index.eastWest.dial, fromIndex, index, 'target');
            reachedThroughGateway.add(index);
          } else {
            for (const wl of workloads) visit(source, wl, 'unroutable', undefined, fromIndex, index, null);
          }
        }
      }
      // Several services may select one workload: its gateway edge is drawn once.
      for (const { index, workloads } of served) {
        if (!index.eastWest || !reachedThroughGateway.has(index)) continue;
        for (const wl of workloads) {
          const id = edgeId({ source: index.eastWest.id, target: wl, kind: 'east-west' });
          if (gatewayEdges.has(id)) continue;
          gatewayEdges.add(id);
          visit(index.eastWest.id, wl, 'east-west', undefined, index, index, 'source');
        }
      }
    }
  };

  return {
    nodes: [...nodes.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareStrings(a.id, b.id)),
    services,
    forEachEdge,
  };
}

/** Gateway and workload nodes of one cluster, and the indexes the edge pass needs. */
function indexCluster(
  snapshot: ClusterSnapshot,
  addNode: (node: TopologyNode) => void,
  addNamespace: (c: string, ns: string) => void,
): ClusterIndex {
  const c = snapshot.cluster;
  let eastWest: ClusterIndex['eastWest'] = null;
  const gateways = snapshot.gateways.filter((g) => g.role !== 'other').sort((a, b) => compareStrings(a.name, b.name));
  for (const gw of gateways) {
    const id = `gw:${c}:${gw.namespace}:${gw.name}`;
    const addresses = gatewayAddresses(gw);
    addNamespace(c, gw.namespace);
    addNode({
      id,
      kind: 'gateway',
      parent: `ns:${c}:${gw.namespace}`,
      label: gw.name,
      cluster: c,
      namespace: gw.namespace,
      name: gw.name,
      role: gw.role,
      addresses,
      pending: gw.pending,
    });
    // istiod uses a Service labelled with the cluster's network as that network's gateway.
    const servesNetwork = gw.role === 'eastwest' && (gw.network === null || gw.network === snapshot.network);
    if (!eastWest && servesNetwork && addresses.length > 0) eastWest = { id, dial: `${addresses[0]}:${EASTWEST_TLS_PORT}` };
  }

  // Gateway pods are drawn as their gateway, not as workloads.
  const gatewaySelectors = snapshot.services
    .filter((svc) => hasSelector(svc) && gateways.some((g) => g.namespace === svc.namespace && g.name === svc.name))
    .map((svc) => ({ namespace: svc.namespace, selector: svc.selector as Record<string, string> }));

  const podsByNamespace: ClusterIndex['podsByNamespace'] = new Map();
  const workloads = new Map<string, TopologyNode>();
  for (const pod of snapshot.pods) {
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    if (gatewaySelectors.some((g) => g.namespace === pod.namespace && selects(g.selector, pod.labels))) continue;
    const { name: app, version, id } = workloadOf(c, pod);
    let workload = workloads.get(id);
    if (!workload) {
      workload = {
        id,
        kind: 'workload',
        parent: `ns:${c}:${pod.namespace}`,
        cluster: c,
        namespace: pod.namespace,
        app,
        version,
        pods: 0,
        readyPods: 0,
      };
      workloads.set(id, workload);
      addNamespace(c, pod.namespace);
      addNode(workload);
    }
    workload.pods = (workload.pods ?? 0) + 1;
    if (pod.ready) workload.readyPods = (workload.readyPods ?? 0) + 1;
    const list = podsByNamespace.get(pod.namespace);
    const entry = { pod, workload: id };
    if (list) list.push(entry);
    else podsByNamespace.set(pod.namespace, [entry]);
  }
  return { snapshot, clusterNodeId: `cluster:${c}`, podsByNamespace, eastWest };
}
