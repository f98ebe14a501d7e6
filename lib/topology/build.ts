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

/** The graph's node order: cluster, namespace, gateway, service, workload, then by id. */
export const nodeOrder = (a: TopologyNode, b: TopologyNode) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareStrings(a.id, b.id);

/** One Service of a cluster as the graph sees it: what it selects there. */
export interface ServiceHere {
  svc: ServiceSnapshot;
  /** The workload ids it selects in its cluster, sorted. */
  workloads: string[];
  /** Its entry in the logical service's clusters. */
  logical: LogicalService['clusters'][number];
}

/**
 * One cluster's share of the graph, from its snapshot alone: its nodes, its Services with the workloads
 * each selects there, and its east-west gateway. The graph is these recombined (buildFromParts): what a
 * cluster's Services reach in the others is the only part that needs more than one cluster, so a
 * server that keeps each cluster's part redoes one cluster's work when one cluster changes.
 */
export interface ClusterPart {
  cluster: string;
  network: string | null;
  /** The cluster's node id (cluster:<name>): what its services and workloads stand for at the clusters level. */
  clusterNodeId: string;
  /** Its nodes (cluster, namespaces, gateways, services, workloads) in the graph's order. */
  nodes: TopologyNode[];
  /** Its Services by hostname, gateways' aside (they are drawn as gateway nodes). */
  services: Map<string, ServiceHere>;
  /** The east-west gateway remote clients dial ("<address>:15443"), or null. */
  eastWest: { id: string; dial: string } | null;
}

/**
 * Builds nodes, edges and logical services from cluster snapshots. Ids are deterministic (see
 * TopologyNode.id; edges are named by what they join, lib/topology/edge-id.ts), nodes are ordered cluster, namespace, gateway,
 * service, workload then by id; services by hostname with their clusters by name; edges by hostname,
 * client cluster, serving cluster (the same for any input order). Unreachable clusters keep their
 * cluster node (reachable: false).
 */
export function buildTopology(snapshots: ClusterSnapshot[]): Topology {
  return buildFromParts(snapshots.map(clusterPart));
}

/** Parts in cluster-name order: input order must not matter. */
export const byCluster = (parts: ClusterPart[]) => [...parts].sort((a, b) => compareStrings(a.cluster, b.cluster));

/** buildTopology from the clusters' parts (clusterPart). */
export function buildFromParts(parts: ClusterPart[]): Topology {
  const ordered = byCluster(parts);
  // One entry per namespace/name: every cluster that defines the Service. Walked by hostname, so edges
  // come out in a deterministic order without sorting 100,000s of edge ids at the end.
  const byHostname = new Map<string, Array<{ part: ClusterPart; here: ServiceHere }>>();
  for (const part of ordered) {
    for (const [hostname, here] of part.services) {
      const list = byHostname.get(hostname);
      if (list) list.push({ part, here });
      else byHostname.set(hostname, [{ part, here }]);
    }
  }
  const services: LogicalService[] = [];
  const edges: TopologyEdge[] = [];
  // Service edges are unique by construction (one source per hostname and cluster, each serving
  // cluster visited once); only gateway → workload edges can repeat across hostnames.
  const gatewayEdges = new Set<string>();
  for (const hostname of [...byHostname.keys()].sort()) {
    const definitions = byHostname.get(hostname)!;
    const { namespace, name } = definitions[0].here.svc;
    services.push({ hostname, namespace, name, clusters: definitions.map((d) => d.here.logical) });
    const reachedThroughGateway = new Set<ClusterPart>();
    for (const { part: from } of definitions) {
      const source = `svc:${from.cluster}:${namespace}:${name}`;
      for (const { part: to, here } of definitions) {
        const { workloads } = here;
        if (workloads.length === 0) continue;
        if (to === from) {
          for (const wl of workloads) edges.push(edge(source, wl, 'local', undefined));
        } else if (to.network === from.network) {
          for (const wl of workloads) edges.push(edge(source, wl, 'cross-cluster', undefined));
        } else if (to.eastWest) {
          edges.push(edge(source, to.eastWest.id, 'east-west', to.eastWest.dial));
          reachedThroughGateway.add(to);
        } else {
          for (const wl of workloads) edges.push(edge(source, wl, 'unroutable', undefined));
        }
      }
    }
    // Several services may select one workload: its gateway edge is drawn once.
    for (const { part, here } of definitions) {
      if (!part.eastWest || !reachedThroughGateway.has(part)) continue;
      for (const wl of here.workloads) {
        const id = edgeId({ source: part.eastWest.id, target: wl, kind: 'east-west' });
        if (gatewayEdges.has(id)) continue;
        gatewayEdges.add(id);
        edges.push(edge(part.eastWest.id, wl, 'east-west', undefined));
      }
    }
  }
  // Each part's nodes are in order already: the sort merges 5 runs per cluster.
  return { nodes: ordered.flatMap((p) => p.nodes).sort(nodeOrder), edges, services };
}

/** A cluster's part of the graph (ClusterPart): its nodes, and what each of its Services selects there. */
export function clusterPart(snapshot: ClusterSnapshot): ClusterPart {
  const c = snapshot.cluster;
  const nodes = new Map<string, TopologyNode>();
  const addNode = (node: TopologyNode) => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
  };
  const addNamespace = (ns: string) => addNode({ id: `ns:${c}:${ns}`, kind: 'namespace', parent: `cluster:${c}`, label: ns, cluster: c, namespace: ns, name: ns });
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
  for (const ns of snapshot.namespaces) addNamespace(ns);
  const { podsByNamespace, eastWest } = indexCluster(snapshot, addNode, addNamespace);

  const services = new Map<string, ServiceHere>();
  const gatewayNames = new Set(snapshot.gateways.filter((g) => g.role !== 'other').map((g) => `${g.namespace}/${g.name}`));
  for (const svc of snapshot.services) {
    if (gatewayNames.has(`${svc.namespace}/${svc.name}`)) continue; // drawn as a gateway node
    const hostname = `${svc.name}.${svc.namespace}.svc.cluster.local`;
    // The workloads it serves here: matched once per (service, cluster).
    const workloads = new Set<string>();
    let ready = 0;
    let notReady = 0;
    if (hasSelector(svc)) {
      for (const { pod, workload } of podsByNamespace.get(svc.namespace) ?? []) {
        if (!selects(svc.selector, pod.labels)) continue;
        workloads.add(workload);
        if (pod.ip) pod.ready ? ready++ : notReady++;
      }
    }
    addNamespace(svc.namespace);
    addNode({ id: `svc:${c}:${svc.namespace}:${svc.name}`, kind: 'service', parent: `ns:${c}:${svc.namespace}`, cluster: c, namespace: svc.namespace, name: svc.name, hostname, ports: svc.ports });
    const logical = { cluster: c, clusterIP: svc.clusterIP, ports: svc.ports, readyEndpoints: ready, notReadyEndpoints: notReady };
    services.set(hostname, { svc, workloads: [...workloads].sort(), logical });
  }
  return { cluster: c, network: snapshot.network, clusterNodeId: `cluster:${c}`, nodes: [...nodes.values()].sort(nodeOrder), services, eastWest };
}

function gatewayAddresses(gw: GatewayService): string[] {
  return [...gw.externalIPs, ...(gw.hostname ? [gw.hostname] : [])];
}

/** What clusterPart matches Services against: pods that serve traffic (not Succeeded/Failed), by namespace, each with its workload id. */
type PodsByNamespace = Map<string, Array<{ pod: PodSnapshot; workload: string }>>;

/** Gateway and workload nodes of one cluster, its pods by namespace, and its east-west gateway. */
function indexCluster(
  snapshot: ClusterSnapshot,
  addNode: (node: TopologyNode) => void,
  addNamespace: (ns: string) => void,
): { podsByNamespace: PodsByNamespace; eastWest: ClusterPart['eastWest'] } {
  const c = snapshot.cluster;
  let eastWest: ClusterPart['eastWest'] = null;
  const gateways = snapshot.gateways.filter((g) => g.role !== 'other').sort((a, b) => compareStrings(a.name, b.name));
  for (const gw of gateways) {
    const id = `gw:${c}:${gw.namespace}:${gw.name}`;
    const addresses = gatewayAddresses(gw);
    addNamespace(gw.namespace);
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

  const podsByNamespace: PodsByNamespace = new Map();
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
      addNamespace(pod.namespace);
      addNode(workload);
    }
    workload.pods = (workload.pods ?? 0) + 1;
    if (pod.ready) workload.readyPods = (workload.readyPods ?? 0) + 1;
    const list = podsByNamespace.get(pod.namespace);
    const entry = { pod, workload: id };
    if (list) list.push(entry);
    else podsByNamespace.set(pod.namespace, [entry]);
  }
  return { podsByNamespace, eastWest };
}
