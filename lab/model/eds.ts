/**
 * What istiod computes for EDS: the endpoints of each service across the clusters an istiod reads, and
 * how a proxy on a given network sees them (pilot/pkg/xds/endpoints/ep_filters.go EndpointsByNetworkFilter):
 *  - endpoints on the proxy's network, or on a network without a known gateway: pod IP:targetPort, weight 1;
 *  - endpoints on another network with gateways: one host per gateway (externalIP:15443) carrying the
 *    summed weight, in the locality of the replaced endpoints; non-mTLS ones are dropped.
 */
import { type Mesh, type MeshCluster, type MeshPod, type MeshService, type MeshServicePort, proxyId, serviceHostname } from './mesh';
import { serviceBackends } from './objects';

export interface Locality {
  region?: string;
  zone?: string;
}

/** One service endpoint as istiod holds it in its shards (IstioEndpoint). */
export interface MeshEndpoint {
  cluster: string;
  network: string;
  ip: string;
  port: number;
  portName: string;
  node: string;
  locality: Locality;
  ready: boolean;
  draining: boolean;
  ejected: boolean;
  tlsMode: 'istio' | 'disabled';
  pod?: MeshPod;
}

export interface NetworkGateway {
  network: string;
  cluster: string;
  addr: string;
  port: number;
  /** Non-zero when the gateway takes HBONE (ambient east-west gateways, 15008). */
  hbonePort: number;
  serviceAccount?: { namespace: string; name: string };
}

/** A host of an Envoy cluster, as the proxy receives it from EDS. */
export interface EnvoyHost {
  address: string;
  port: number;
  weight: number;
  locality: Locality;
  health: 'HEALTHY' | 'DRAINING';
  ejected: boolean;
  /** An Envoy internal address (ambient waypoints: the listener tunnelling to `id`), instead of address:port. */
  internal?: { listener: 'connect_originate' | 'inner_connect_originate'; id: string };
  /** The endpoint itself, absent for gateway hosts (which stand for several). */
  endpoint?: MeshEndpoint;
  gateway?: NetworkGateway;
}

export interface OutboundCluster {
  /** outbound|<port>||<hostname> */
  name: string;
  hostname: string;
  namespace: string;
  service: string;
  port: number;
  /** DestinationRule subset of a subset cluster (outbound|<port>|<subset>|<hostname>). */
  subset?: string;
  hosts: EnvoyHost[];
}

const DEFAULT_NETWORK_GATEWAY_PORT = 15443;
const HBONE_PORT = 15008;
/** features.PersistentSessionLabel: services whose draining endpoints istiod still sends. */
export const PERSISTENT_SESSION_LABEL = 'istio.io/persistent-session';

/** What istiod has computed for the mesh's current state; any change (generation) or a pod finishing start-up drops it. */
interface EndpointCache {
  generation: number;
  /** The cache holds until the next scaled-up pod finishes starting (its readiness changes then). */
  validUntilMs: number;
  entries: Map<MeshService, MeshEndpoint[]>;
  /** Outbound clusters per proxy view (see viewKey): every sidecar of a namespace and app shares one. */
  views: Map<string, OutboundCluster[]>;
  /** Other answers computed from the same state (istiod's endpoint index per replica), by key. */
  derived: Map<string, unknown>;
}
const endpointCaches = new WeakMap<Mesh, EndpointCache>();

function endpointCache(mesh: Mesh, nowMs: number): EndpointCache {
  const cached = endpointCaches.get(mesh);
  if (cached && cached.generation === mesh.generation && nowMs < cached.validUntilMs) return cached;
  let validUntilMs = Infinity;
  for (const c of mesh.clusters.values()) for (const w of c.workloads) for (const p of w.pods) if (p.startingUntilMs > nowMs) validUntilMs = Math.min(validUntilMs, p.startingUntilMs);
  const fresh = { generation: mesh.generation, validUntilMs, entries: new Map(), views: new Map(), derived: new Map() };
  endpointCaches.set(mesh, fresh);
  return fresh;
}

/**
 * A value computed from the endpoints' state, kept until that state changes (istiod holds its endpoint
 * index in memory: answering /debug/endpointShardz costs it no recomputation either).
 */
export function derivedFromEndpoints<T>(mesh: Mesh, nowMs: number, key: string, compute: () => T): T {
  const cache = endpointCache(mesh, nowMs);
  if (!cache.derived.has(key)) cache.derived.set(key, compute());
  return cache.derived.get(key) as T;
}

/** Endpoints of a service in its cluster, on every port (ready or not; callers decide). */
function allServiceEndpoints(mesh: Mesh, svc: MeshService, nowMs: number): MeshEndpoint[] {
  const cache = endpointCache(mesh, nowMs);
  const cached = cache.entries.get(svc);
  if (cached) return cached;
  const cluster = mesh.cluster(svc.cluster);
  const localities = nodeLocalities(cluster);
  const endpoints: MeshEndpoint[] = [];
  for (const b of serviceBackends(mesh, cluster, svc, nowMs)) {
    // Most meshes have no flagged endpoint: skip building the key then.
    const podKey = b.pod && (mesh.draining.size > 0 || mesh.ejected.size > 0) ? `${svc.cluster}/${b.pod.namespace}/${b.pod.name}` : '';
    for (const port of svc.ports) {
      endpoints.push({
        cluster: svc.cluster,
        network: cluster.network,
        ip: b.ip,
        port: port.targetPort,
        portName: port.name,
        node: b.node,
        locality: localities.get(b.node) ?? NO_LOCALITY,
        ready: b.ready,
        draining: mesh.draining.has(podKey),
        ejected: mesh.ejected.has(podKey),
        tlsMode: b.pod?.sidecar ? 'istio' : 'disabled',
        pod: b.pod,
      });
    }
  }
  cache.entries.set(svc, endpoints);
  return endpoints;
}

const NO_LOCALITY: Locality = Object.freeze({});

/** The locality of each node of a cluster, one object per node shared by its endpoints (nodes never change). */
const localityCache = new WeakMap<MeshCluster, Map<string, Locality>>();
function nodeLocalities(cluster: MeshCluster): Map<string, Locality> {
  let localities = localityCache.get(cluster);
  if (!localities) {
    localities = new Map(cluster.nodes.map((n) => [n.name, { ...(n.region ? { region: n.region } : {}), ...(n.zone ? { zone: n.zone } : {}) }]));
    localityCache.set(cluster, localities);
  }
  return localities;
}

/** Endpoints of one service port in one cluster (ready or not; callers decide). */
export function serviceEndpoints(mesh: Mesh, svc: MeshService, port: MeshServicePort, nowMs: number): MeshEndpoint[] {
  const all = allServiceEndpoints(mesh, svc, nowMs);
  // A single-port service's endpoints are all on that port: no copy needed.
  return svc.ports.length === 1 ? all : all.filter((ep) => ep.portName === port.name);
}

/** Network gateways istiod knows: labelled east-west Services, in clusters it reads, with an external address. */
export function networkGateways(mesh: Mesh, visible: string[]): NetworkGateway[] {
  const out: NetworkGateway[] = [];
  for (const id of visible) {
    for (const svc of mesh.cluster(id).services) {
      const network = svc.labels['topology.istio.io/network'];
      const addr = mesh.externalIP(svc);
      if (!network || !addr) continue;
      // An ambient cluster's east-west gateway is a Gateway with an HBONE listener: Port and HBONEPort
      // 15008, and its service account (serviceregistry/kube/controller/network.go handleGatewayResource).
      if (mesh.cluster(id).spec.ambient && svc.ports.some((p) => p.port === HBONE_PORT)) {
        out.push({ network, cluster: id, addr, port: HBONE_PORT, hbonePort: HBONE_PORT, serviceAccount: { namespace: svc.namespace, name: svc.name } });
        continue;
      }
      // istiod takes the gateway's port from the Service: without 15443 it is no gateway.
      if (!svc.ports.some((p) => p.port === DEFAULT_NETWORK_GATEWAY_PORT)) continue;
      out.push({ network, cluster: id, addr, port: DEFAULT_NETWORK_GATEWAY_PORT, hbonePort: 0 });
    }
  }
  return out;
}

/** Services of the clusters an istiod reads, merged by hostname (as the aggregate registry does). */
export function visibleServices(mesh: Mesh, visible: string[]): Map<string, MeshService[]> {
  const byHost = new Map<string, MeshService[]>();
  for (const id of visible) {
    for (const svc of mesh.cluster(id).services) {
      const host = serviceHostname(svc.name, svc.namespace);
      const list = byHost.get(host);
      if (list) list.push(svc);
      else byHost.set(host, [svc]);
    }
  }
  return byHost;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Every endpoint weight is multiplied by the least common multiple of the gateway counts per network
 * and per network + cluster (pilot/pkg/model/network.go NetworkGateways.update), so an endpoint's
 * weight splits into whole shares over whichever gateway list serves it.
 */
export function weightScaleFactor(gateways: NetworkGateway[]): number {
  const counts = new Map<string, number>();
  for (const g of gateways) {
    for (const k of [`n/${g.network}`, `nc/${g.network}/${g.cluster}`]) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let lcm = 1;
  for (const n of counts.values()) lcm = (lcm * n) / gcd(lcm, n);
  return lcm;
}

/** The services a proxy is configured for: the scenario's calls for its app, else every mesh service. */
function calledHostnames(mesh: Mesh, caller: MeshPod): Set<string> | null {
  const calls = mesh.scenario.calls.filter((c) => c.from.namespace === caller.namespace && c.from.app === caller.app);
  if (calls.length === 0 || caller.role !== 'workload') return null;
  const hosts = new Set<string>();
  for (const c of calls) for (const to of c.to) {
    const [name, namespace] = to.split('.');
    hosts.add(serviceHostname(name, namespace));
  }
  return hosts;
}

/**
 * The outbound EDS clusters of a proxy (a sidecar or a gateway pod), computed from the mesh. Shared by
 * every proxy with the same view (cached until the mesh changes): callers must not modify the result.
 */
export function outboundClusters(mesh: Mesh, caller: MeshPod, nowMs: number): OutboundCluster[] {
  // A proxy that stopped acking EDS keeps what it had (the eds-stale path fault).
  const frozen = mesh.frozenEds.size > 0 ? mesh.frozenEds.get(`${caller.cluster}/${caller.namespace}/${caller.name}`) : undefined;
  if (frozen) return frozen;
  const visible = mesh.visibleClusters(caller.cluster);
  const called = calledHostnames(mesh, caller);
  // An east-west gateway asks for its own network's view only (ISTIO_META_REQUESTED_NETWORK_VIEW).
  const ownNetworkOnly = caller.role === 'eastwest';
  // Clusters whose shard the caller's istiod replica holds empty (the istiod-shard-empty path fault).
  const blind = blindClusters(mesh, caller);
  // Everything the result depends on: the clusters read (in order), the caller's network and its calls.
  const waypoint = caller.role === 'waypoint';
  const viewKey = `${visible.join(',')}|${ownNetworkOnly}|${waypoint}|${called ? [...called].sort().join(',') : '*'}|${blind.join(',')}`;
  const cache = endpointCache(mesh, nowMs);
  let view = cache.views.get(viewKey);
  if (!view) {
    view = computeOutboundClusters(mesh, { cluster: caller.cluster, visible, called, ownNetworkOnly, waypoint, blind: new Set(blind) }, nowMs);
    cache.views.set(viewKey, view);
  }
  return view;
}

/** Remote clusters whose endpoints an istiod replica does not hold although it reads them. */
export function emptyShardsOf(mesh: Mesh, istiod: MeshPod): string[] {
  if (mesh.emptyShards.size === 0) return [];
  return mesh.remoteClusters(istiod.cluster).filter((remote) => mesh.emptyShards.has(`${istiod.cluster}/${istiod.name}/${remote}`));
}

function blindClusters(mesh: Mesh, caller: MeshPod): string[] {
  if (mesh.emptyShards.size === 0) return [];
  const istiod = mesh.istiodOf(caller);
  return istiod ? emptyShardsOf(mesh, istiod) : [];
}

interface CallerView {
  cluster: string;
  visible: string[];
  called: Set<string> | null;
  ownNetworkOnly: boolean;
  /** An ambient waypoint: its clusters are inbound-vip ones whose endpoints are HBONE tunnels. */
  waypoint: boolean;
  /** Clusters whose endpoints the caller's istiod replica does not hold. */
  blind: Set<string>;
}

/** The network gateways of a view and the weight scale that keeps every gateway's share whole. */
interface GatewayPlan {
  callerNetwork: string;
  gatewaysOf(network: string, cluster: string): NetworkGateway[];
  scale: number;
}

function gatewayPlan(mesh: Mesh, view: CallerView): GatewayPlan {
  const gateways = networkGateways(mesh, view.visible);
  const gatewaysByCluster = new Map<string, NetworkGateway[]>();
  const gatewaysOf = (network: string, cluster: string) => {
    const k = `${network}/${cluster}`;
    let found = gatewaysByCluster.get(k);
    if (!found) {
      const ofNetwork = gateways.filter((g) => g.network === network);
      const ofCluster = ofNetwork.filter((g) => g.cluster === cluster);
      found = ofCluster.length > 0 ? ofCluster : ofNetwork;
      gatewaysByCluster.set(k, found);
    }
    return found;
  };
  return { callerNetwork: mesh.cluster(view.cluster).network, gatewaysOf, scale: weightScaleFactor(gateways) };
}

/** The hosts of one port of a hostname as the caller's EDS has them, optionally only a subset's pods. */
function portHosts(mesh: Mesh, view: CallerView, plan: GatewayPlan, services: MeshService[], port: number, subset: Record<string, string> | null, nowMs: number): EnvoyHost[] {
  const direct: EnvoyHost[] = [];
  const viaGateway = new Map<string, EnvoyHost>();
  for (const svc of services) {
    const svcPort = svc.ports.find((p) => p.port === port);
    if (!svcPort || view.blind.has(svc.cluster)) continue;
    const persistentSession = Boolean(svc.labels[PERSISTENT_SESSION_LABEL]);
    // A service's endpoints all share its cluster and network, so its gateways too.
    const network = mesh.cluster(svc.cluster).network;
    const gws = network === plan.callerNetwork ? [] : plan.gatewaysOf(network, svc.cluster);
    for (const ep of serviceEndpoints(mesh, svc, svcPort, nowMs)) {
      if (!ep.ready) continue;
      // Draining endpoints only reach persistent-session services (endpoint_builder.go); else dropped.
      if (ep.draining && !persistentSession) continue;
      if (subset && !Object.entries(subset).every(([k, v]) => podLabel(ep.pod, k) === v)) continue;
      if (gws.length === 0) {
        if (view.ownNetworkOnly && ep.network !== plan.callerNetwork) continue;
        // Ambient sends no endpoint of a remote network it has no gateway for (ep_filters.go).
        if (view.waypoint && ep.network !== plan.callerNetwork) continue;
        const health = ep.draining ? 'DRAINING' : 'HEALTHY';
        // A waypoint reaches a pod through ztunnel's HBONE: the connect_originate listener (endpoint_builder.go).
        const internal = view.waypoint ? { listener: 'connect_originate' as const, id: `${ep.ip}:${ep.port}` } : undefined;
        direct.push({ address: ep.ip, port: ep.port, weight: 1, locality: ep.locality, health, ejected: ep.ejected, endpoint: ep, ...(internal ? { internal } : {}) });
        continue;
      }
      if (view.ownNetworkOnly || (!view.waypoint && ep.tlsMode !== 'istio')) continue;
      for (const gw of gws) {
        // A waypoint tunnels to another network's gateway twice over HBONE (inner_connect_originate).
        if (view.waypoint && gw.hbonePort === 0) continue;
        const internal = view.waypoint ? { listener: 'inner_connect_originate' as const, id: `${gw.addr}:${gw.hbonePort}` } : undefined;
        const k = `${internal?.listener ?? ''}${gw.addr}:${gw.port}/${ep.locality.region ?? ''}/${ep.locality.zone ?? ''}`;
        const share = plan.scale / gws.length;
        const host = viaGateway.get(k);
        if (host) host.weight += share;
        else viaGateway.set(k, { address: gw.addr, port: gw.port, weight: share, locality: ep.locality, health: 'HEALTHY', ejected: false, gateway: gw, ...(internal ? { internal } : {}) });
      }
    }
  }
  if (plan.scale > 1) for (const h of direct) h.weight = plan.scale;
  return [...direct, ...viaGateway.values()];
}

/** The labels a DestinationRule subset can select on (the lab's pods carry app and version). */
function podLabel(pod: MeshPod | undefined, label: string): string | undefined {
  if (label === 'app') return pod?.app;
  if (label === 'version') return pod?.version;
  return undefined;
}

function computeOutboundClusters(mesh: Mesh, view: CallerView, nowMs: number): OutboundCluster[] {
  const plan = gatewayPlan(mesh, view);
  const out: OutboundCluster[] = [];
  for (const [hostname, services] of visibleServices(mesh, view.visible)) {
    if (view.called && !view.called.has(hostname)) continue;
    const ports = new Map<number, MeshServicePort>();
    for (const svc of services) for (const p of svc.ports) if (!ports.has(p.port)) ports.set(p.port, p);
    const first = services[0];
    // Subset clusters come from the DestinationRule of the caller's own cluster (each primary reads its own config).
    const subsets = mesh.destinationSubsets(view.cluster, first.namespace, first.name);
    for (const port of [...ports.keys()].sort((a, b) => a - b)) {
      const base = { hostname, namespace: first.namespace, service: first.name, port };
      if (view.waypoint) {
        // A waypoint serves the service's VIP: one inbound-vip cluster per port (waypoint.go).
        out.push({ ...base, name: `inbound-vip|${port}|http|${hostname}`, hosts: portHosts(mesh, view, plan, services, port, null, nowMs) });
        continue;
      }
      out.push({ ...base, name: `outbound|${port}||${hostname}`, hosts: portHosts(mesh, view, plan, services, port, null, nowMs) });
      for (const subset of subsets) {
        out.push({ ...base, name: `outbound|${port}|${subset.name}|${hostname}`, subset: subset.name, hosts: portHosts(mesh, view, plan, services, port, subset.labels, nowMs) });
      }
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export { proxyId };
