/**
 * The reachability trace: "why can't this pod reach that service?". TraceInput is what server/trace.ts
 * reads (plain data, one entry per cluster); TraceResponse is what GET /api/trace answers (docs/api.md).
 * lib/trace/analyze.ts turns one into the other without I/O.
 */
import type { ParsedCluster } from '../istio/envoy-clusters';
import type { NetworkGateway } from '../istio/networkz';
import type { ClusterSnapshot } from '../mesh/snapshot';
import type { ClusterStatus, EndpointHealth, ProxyStatusRow, RemoteClusterRow, SourceError } from '../types/api';

/* ------------------------------------------------------------------------------------ input */

/** An Istio or Kubernetes config object as read: where it lives and its spec (untrusted, checked on use). */
export interface ConfigObject {
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number | string | null;
}

/** One endpoint of an EndpointSlice of the destination Service. */
export interface SliceEndpoint {
  ip: string;
  /** The endpoint's (target) port. */
  port: number;
  /** The Service port it serves (slices name their ports after the Service's). */
  servicePort: number;
  ready: boolean;
  /** targetRef pod name, null for endpoints that are not pods. */
  pod: string | null;
}

/** What was read of one cluster for the destination. */
export interface ClusterReading {
  snapshot: ClusterSnapshot;
  /** The destination Service in this cluster; null when the cluster does not define it; undefined when unknown. */
  service?: { ports: ServicePort[]; selector: Record<string, string> | null } | null;
  endpoints: SliceEndpoint[];
  /** null: could not be read (errors says why). */
  virtualServices: ConfigObject[] | null;
  destinationRules: ConfigObject[] | null;
  peerAuthentications: ConfigObject[] | null;
  /** Gateways of the Istio namespace (the cross-network one exposes *.local on 15443). */
  gateways: ConfigObject[] | null;
  /** A read failure that made the whole cluster unknown (down, slow, credentials). */
  error: SourceError | null;
  /** Failures of single sources while the rest was read. */
  errors: SourceError[];
}

/** One endpoint of istiod's /debug/endpointShardz for the destination. */
export interface ShardEndpoint {
  address: string;
  port: number;
  portName: string;
  network: string;
  healthy: boolean;
  tlsMode: string;
  labels: Record<string, string>;
}

export interface IstiodReading {
  pod: string;
  ready: boolean;
  clusterz: RemoteClusterRow[] | null;
  /** Istio cluster ID → endpoints; null when endpointShardz could not be read. */
  shards: Record<string, ShardEndpoint[]> | null;
  /** This replica's syncz row of the source proxy, when the proxy is connected to it. */
  sourceProxy: ProxyStatusRow | null;
  syncKnown: boolean;
  errors: SourceError[];
}

export interface ControlPlaneReading {
  /** Context name of the cluster whose istiod configures the source. */
  cluster: string;
  replicas: IstiodReading[];
  networkGateways: NetworkGateway[];
  error: SourceError | null;
}

/** One route destination of the virtual host that carries host:port. */
export interface RouteDestination {
  cluster: string;
  weight: number;
}

export interface RouteReading {
  listener: string;
  routeConfig: string;
  virtualHost: string;
  destinations: RouteDestination[];
  /** The VirtualService that produced the route (Istio's metadata), null for the default route. */
  virtualService: string | null;
}

export interface EnvoyReading {
  /** Envoy clusters of the destination host and port (the service's and its subsets'). */
  clusters: ParsedCluster[];
  route: RouteReading | null;
  error: SourceError | null;
}

export interface TraceInput {
  source: { cluster: string; namespace: string; pod: string };
  target: { host: string; port: number };
  clusters: ClusterReading[];
  controlPlane: ControlPlaneReading;
  /** null when the source has no sidecar (nothing to read). */
  envoy: EnvoyReading | null;
}

/* ----------------------------------------------------------------------------------- output */

export type TraceLink = 'source' | 'expected' | 'control-plane' | 'data-plane' | 'path' | 'config';

/** A problem on the path. `check` reuses the mesh doctor's ids where one exists. */
export interface TraceProblem {
  check: string;
  severity: 'error' | 'warning';
  link: TraceLink;
  /** Context name of the cluster the problem is in, null when mesh-wide. */
  cluster: string | null;
  /** What it is about, e.g. "istiod istiod-…-b", "DestinationRule default/reviews". */
  subject: string;
  message: string;
}

export interface ExpectedEndpoint {
  pod: string | null;
  ip: string;
  port: number;
  ready: boolean;
  version: string | null;
}

export interface ExpectedColumn {
  cluster: string;
  clusterId: string | null;
  network: string | null;
  /** absent: the cluster does not define the Service; unknown: it could not be read. */
  state: 'ok' | 'absent' | 'unknown';
  reason?: string;
  endpoints: ExpectedEndpoint[];
}

export interface ReplicaShard {
  clusterId: string;
  /** Context name, when a configured cluster has that ID. */
  cluster: string | null;
  /** `synced`, `syncing`…, `own` for the istiod's own cluster, `absent` when clusterz does not list it. */
  read: string;
  endpoints: number;
  expected: number | null;
  mismatch: boolean;
}

export interface ReplicaColumn {
  pod: string;
  ready: boolean;
  state: 'ok' | 'unknown';
  reason?: string;
  servesSource: boolean;
  shards: ReplicaShard[];
}

export interface ControlPlaneColumn {
  cluster: string;
  state: 'ok' | 'unknown';
  reason?: string;
  replicas: ReplicaColumn[];
  /** xDS status of the source proxy's EDS, as proxy-status prints it. */
  edsStatus: string | null;
}

export interface EnvoyHostRow {
  address: string;
  port: number | null;
  health: EndpointHealth;
  outlierEjected: boolean;
  weight: number;
  locality: string;
  /** What the address is: "reviews-v3-… (cluster2)", "cluster1 east-west gateway". */
  target: string;
  targetCluster: string | null;
  /** Network of the pod or gateway the address is, null when unknown. */
  targetNetwork: string | null;
  kind: 'pod' | 'gateway' | 'unknown';
  /** A pod IP of another network: not routable. */
  unroutable: boolean;
}

export interface EnvoyClusterColumn {
  name: string;
  subset: string | null;
  hosts: EnvoyHostRow[];
}

export interface DataPlaneColumn {
  state: 'ok' | 'unknown' | 'no-sidecar';
  reason?: string;
  /** outbound|<port>||<host> */
  envoyCluster: string;
  exists: boolean | null;
  clusters: EnvoyClusterColumn[];
  route: (RouteReading & { emptyDestinations: string[] }) | null;
}

export interface PathRow {
  cluster: string;
  pod: string | null;
  ip: string;
  via: 'direct' | 'gateway' | 'none' | 'unknown';
  /** "172.40.143.182:15443" when through a gateway. */
  gateway: string | null;
  gatewayCluster: string | null;
  crossNetworkGateway: boolean | null;
  /** The client's Envoy holds this endpoint (directly or through its gateway); null when unknown. */
  inEnvoy: boolean | null;
  ok: boolean;
  reason: string;
}

export interface ConfigRow {
  kind: 'VirtualService' | 'DestinationRule' | 'PeerAuthentication';
  cluster: string;
  namespace: string;
  name: string;
  summary: string;
  problem: boolean;
}

export interface TraceResponse {
  source: { cluster: string; clusterId: string | null; namespace: string; pod: string; network: string | null; sidecar: boolean | null; found: boolean | null };
  target: { host: string; port: number; namespace: string; service: string };
  expected: ExpectedColumn[];
  controlPlane: ControlPlaneColumn;
  dataPlane: DataPlaneColumn;
  paths: PathRow[];
  config: ConfigRow[];
  verdict: { healthy: boolean; sentence: string };
  problems: TraceProblem[];
  /** Every cluster read; the source's carries its istiod's and Envoy's errors. */
  clusters: ClusterStatus[];
  generatedAt: string;
}
