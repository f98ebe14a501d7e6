/**
 * What an Envoy endpoint address is: a pod (pod IPs overlap across networks, so the caller's network
 * decides), another cluster's east-west gateway (remote-network endpoints collapse to its external
 * IP:15443, istio.md §5.5), a pipe, or unknown. Build the index once per request, then resolve each
 * row in O(1).
 */
import type { EndpointTarget } from '../types/api';
import { EASTWEST_TLS_PORT, ENVOY_ADMIN_PORT, HBONE_PORT, ISTIO_AGENT_PORT, NETWORK_LABEL, portOf } from '../format/kube';
import type { NetworkGateway } from '../istio/networkz';
import type { ClusterSnapshot } from './snapshot';
import { compareStrings } from '../format/compare';

interface PodEntry {
  cluster: string;
  network: string | null;
  namespace: string;
  name: string;
  running: boolean;
  labels: Record<string, string>;
}

interface GatewayEntry {
  cluster: string;
  network: string | null;
  service: string;
  /** Ports the gateway Service exposes; a dial to any of them (or no port) is to the gateway. */
  ports: Set<number>;
}

/** Lookup tables over every cluster's pods and network gateways. */
export interface AddressIndex {
  podsByIp: Map<string, PodEntry[]>;
  gatewaysByAddress: Map<string, GatewayEntry[]>;
  /** "<namespace>/<name>" → the selector of that Service in each cluster that defines it. */
  selectorsByService: Map<string, Array<{ cluster: string; selector: Record<string, string> }>>;
  /** "ip:port" of each cluster's API server → that cluster and its network. */
  apiServers: Map<string, { cluster: string; network: string | null }>;
}

/** The calling proxy's cluster (context name) and network. */
export interface ResolveFrom {
  cluster: string;
  network: string | null;
}

/**
 * Indexes pod IPs and east-west (network) gateway addresses of every reachable cluster. A gateway is
 * any gateway Service with role eastwest or a network label (istiod treats every Service labelled
 * topology.istio.io/network as a network gateway); its addresses are external IPs and hostname, plus
 * the gateways istiod reports in /debug/networkz (`networkGateways`).
 */
export function buildAddressIndex(snapshots: ClusterSnapshot[], networkGateways: NetworkGateway[] = []): AddressIndex {
  const podsByIp = new Map<string, PodEntry[]>();
  const gatewaysByAddress = new Map<string, GatewayEntry[]>();
  const selectorsByService = new Map<string, Array<{ cluster: string; selector: Record<string, string> }>>();
  const apiServers = new Map<string, { cluster: string; network: string | null }>();
  const sorted = [...snapshots].sort((a, b) => compareStrings(a.cluster, b.cluster));
  for (const snapshot of sorted) {
    for (const address of snapshot.apiServerAddresses ?? []) if (!apiServers.has(address)) apiServers.set(address, { cluster: snapshot.cluster, network: snapshot.network });
    for (const pod of snapshot.pods) {
      if (!pod.ip) continue;
      const entry: PodEntry = {
        cluster: snapshot.cluster,
        network: pod.labels[NETWORK_LABEL] ?? snapshot.network,
        namespace: pod.namespace,
        name: pod.name,
        running: pod.phase === 'Running',
        labels: pod.labels,
      };
      const list = podsByIp.get(pod.ip);
      if (list) list.push(entry);
      else podsByIp.set(pod.ip, [entry]);
    }
    for (const service of snapshot.services) {
      if (!service.selector) continue;
      const key = `${service.namespace}/${service.name}`;
      const list = selectorsByService.get(key);
      const entry = { cluster: snapshot.cluster, selector: service.selector };
      if (list) list.push(entry);
      else selectorsByService.set(key, [entry]);
    }
    for (const gateway of snapshot.gateways) {
      if (gateway.role !== 'eastwest' && !gateway.network) continue;
      const ports = new Set(gateway.ports.map(portOf).filter((p): p is number => p !== null));
      ports.add(EASTWEST_TLS_PORT);
      ports.add(HBONE_PORT);
      const entry: GatewayEntry = {
        cluster: snapshot.cluster,
        network: gateway.network ?? snapshot.network,
        service: gateway.name,
        ports,
      };
      for (const address of [...gateway.externalIPs, ...(gateway.hostname ? [gateway.hostname] : [])]) {
        const list = gatewaysByAddress.get(address);
        if (list) list.push(entry);
        else gatewaysByAddress.set(address, [entry]);
      }
    }
  }
  // What istiod resolved adds the addresses Services do not carry: a load balancer hostname's IPs, a
  // NodePort gateway's node address and node port.
  for (const gw of networkGateways) {
    if (gatewaysByAddress.get(gw.address)?.some((g) => g.ports.has(gw.port))) continue;
    const snapshot = sorted.find((s) => s.clusterId === gw.cluster);
    const service = snapshot?.gateways.find((g) => g.role === 'eastwest' && (g.network ?? snapshot.network) === gw.network) ?? snapshot?.gateways.find((g) => g.network === gw.network);
    const entry: GatewayEntry = { cluster: snapshot?.cluster ?? gw.cluster, network: gw.network, service: service?.name ?? 'network gateway', ports: new Set([gw.port]) };
    const list = gatewaysByAddress.get(gw.address);
    if (list) list.push(entry);
    else gatewaysByAddress.set(gw.address, [entry]);
  }
  return { podsByIp, gatewaysByAddress, selectorsByService, apiServers };
}

/**
 * "outbound|9080||reviews.default.svc.cluster.local" (a waypoint's "inbound-vip|9080|http|reviews…")
 * → "default/reviews"; null for other cluster names.
 */
function serviceOfEnvoyCluster(envoyCluster: string): string | null {
  const m = /^(?:outbound|inbound|inbound-vip)\|\d*\|[^|]*\|([^.|]+)\.([^.|]+)\.svc\./.exec(envoyCluster);
  return m ? `${m[2]}/${m[1]}` : null;
}

/**
 * The pods an address can be for this Envoy cluster: those the Service selects, in clusters that define
 * it. Pod CIDRs overlap across networks (every kind cluster uses 10.244.0.0/16), so the IP alone can
 * name a local pod for what is really a remote one.
 */
function podsOfService(pods: PodEntry[], index: AddressIndex, envoyCluster: string | undefined): PodEntry[] {
  const service = envoyCluster ? serviceOfEnvoyCluster(envoyCluster) : null;
  const selectors = service ? index.selectorsByService.get(service) : undefined;
  if (!service || !selectors) return pods;
  const namespace = service.slice(0, service.indexOf('/'));
  const selected = pods.filter(
    (pod) => pod.namespace === namespace && selectors.some((s) => s.cluster === pod.cluster && Object.entries(s.selector).every(([k, v]) => pod.labels[k] === v)),
  );
  return selected.length > 0 ? selected : pods;
}

/** Lower is better: the caller's network first (same cluster first within it), then its cluster, running pods before others. */
function podRank(pod: PodEntry, from: ResolveFrom): number {
  const sameNetwork = from.network !== null && pod.network === from.network;
  const sameCluster = pod.cluster === from.cluster;
  return (sameNetwork ? 0 : 4) + (sameCluster ? 0 : 2) + (pod.running ? 0 : 1);
}

function bestPod(pods: PodEntry[], from: ResolveFrom): PodEntry {
  let best = pods[0];
  for (const pod of pods) if (podRank(pod, from) < podRank(best, from)) best = pod;
  return best;
}

const indexCache = new WeakMap<ClusterSnapshot[], AddressIndex>();

/**
 * What the endpoint `address:port` seen by a proxy in `from` is.
 * @param address ENDPOINT without port: an IP, a hostname, "unix://..." or "envoy://..."
 * @param port the endpoint port, null when none
 * @param snapshots an index from buildAddressIndex, or the snapshots (indexed once per array)
 * @param envoyCluster the Envoy cluster the endpoint belongs to, to tell apart pods that share an IP
 */
export function resolveTarget(
  address: string,
  port: number | null,
  snapshots: AddressIndex | ClusterSnapshot[],
  from: ResolveFrom,
  envoyCluster?: string,
): EndpointTarget {
  if (address.startsWith('unix://')) return { kind: 'pipe' };
  // Ambient: a waypoint dials Envoy internal listeners that tunnel (HBONE) to the real address:
  // "envoy://connect_originate/<pod IP>:<port>" to a pod, "envoy://inner_connect_originate/<gateway>:15008"
  // through another network's east-west gateway (double HBONE; pilot/pkg/xds/endpoints/ep_filters.go).
  const tunnel = /^envoy:\/\/(?:inner_)?connect_originate\/\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (tunnel) return resolveTarget(tunnel[1], Number(tunnel[2]), snapshots, from, envoyCluster);
  // The proxy's own loopback: the bootstrap's prometheus_stats (Envoy admin) and agent clusters.
  if (address === '127.0.0.1' || address === '::1') return { kind: 'local', name: port === ENVOY_ADMIN_PORT ? 'Envoy admin' : port === ISTIO_AGENT_PORT ? 'istio-agent' : 'this pod' };
  let index: AddressIndex;
  if (Array.isArray(snapshots)) {
    index = indexCache.get(snapshots) ?? buildAddressIndex(snapshots);
    indexCache.set(snapshots, index);
  } else {
    index = snapshots;
  }

  const gateways = (index.gatewaysByAddress.get(address) ?? []).filter((g) => port === null || g.ports.has(port));
  if (gateways.length > 0) {
    // A client never dials its own network's gateway for mesh traffic; prefer a remote one.
    const gateway = gateways.find((g) => g.network !== from.network) ?? gateways[0];
    return { kind: 'eastwest-gateway', cluster: gateway.cluster, network: gateway.network, service: gateway.service };
  }
  const apiServer = port !== null ? index.apiServers.get(`${address}:${port}`) : undefined;
  if (apiServer) {
    const crossNetwork = from.network !== null && apiServer.network !== null && apiServer.network !== from.network;
    return { kind: 'apiserver', cluster: apiServer.cluster, network: apiServer.network, crossNetwork };
  }
  const pods = index.podsByIp.get(address);
  if (pods && pods.length > 0) {
    const pod = bestPod(podsOfService(pods, index, envoyCluster), from);
    const crossNetwork = from.network !== null && pod.network !== null && pod.network !== from.network;
    return { kind: 'pod', cluster: pod.cluster, namespace: pod.namespace, name: pod.name, network: pod.network, crossNetwork };
  }
  return { kind: 'unknown' };
}
