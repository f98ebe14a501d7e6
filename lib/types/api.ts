/**
 * Isthmus wire types: what /api/* returns and what the browser consumes.
 * Plain JSON only: timestamps are ISO strings, no client-node classes, no Dates.
 * docs/api.md documents every field; keep the two in step.
 */

/** Why one source (a cluster, or one call inside it) gave no data. */
export type SourceErrorKind =
  | 'unreachable' // connection refused / DNS / reset
  | 'timeout' // the per-cluster deadline passed
  | 'unauthorized' // 401
  | 'forbidden' // 403 (RBAC)
  | 'tls' // certificate verification failed
  | 'not-found' // 404 (object or endpoint)
  | 'bad-response' // the peer answered something we cannot parse
  | 'internal' // a programming error in Isthmus (logged with its stack on the server)
  | 'config'; // the kubeconfig entry cannot be used (unknown context, missing cluster or user, unreadable file)

export interface SourceError {
  kind: SourceErrorKind;
  /** Human readable, composed by us: never raw client exception text, never a credential. */
  message: string;
  /** What was being read, e.g. "pods", "istiod istiod-6696b6844d-cwj44 /debug/clusterz". */
  source: string;
  /** HTTP status when there was one. */
  status?: number;
}

/**
 * The result envelope: what one cluster gave one answer. Every JSON route that reads clusters carries
 * `clusters: ClusterStatus[]`, one entry per cluster it read, in kubeconfig order; a route whose data is
 * per cluster (/api/clusters, /api/mesh, the traffic routes) adds its fields to the entry, the others
 * carry their data beside the list. server/cluster-status.ts builds it, components/ClusterStatusBanner
 * shows it.
 */
export interface ClusterStatus {
  /** kubeconfig context name: the cluster's key in every URL. */
  cluster: string;
  /** Istio cluster ID (istiod CLUSTER_ID), null until known. */
  clusterId: string | null;
  /** False when the answer holds nothing of this cluster (down, slow, still syncing, its Prometheus missing): `errors[0]` says why. */
  ok: boolean;
  /** ok: the sources that failed while the rest was read; not ok: why nothing was (first), then any other. */
  errors: SourceError[];
  /** ISO time the cluster was read. */
  fetchedAt: string;
}

/** GET /api/contexts: the configured clusters' names, known without contacting any of them. */
export interface ContextsResponse {
  contexts: string[];
  demo: boolean;
}

/**
 * The watch-fed cache of one cluster: every kind Isthmus reads (namespaces, pods, services…) is listed
 * once, then kept current by a watch.
 */
export interface ClusterWatch {
  /**
   * syncing: a kind's first list has not completed; synced: every kind listed and watched;
   * reconnecting: a list or watch failed and is retried with backoff (`error` says why).
   */
  state: 'syncing' | 'synced' | 'reconnecting';
  /** ISO time every kind had first been listed, null before. */
  syncedAt: string | null;
  /** ISO time of the last list, event or bookmark from the API server. */
  lastEventAt: string | null;
  /** Why it is reconnecting (the first failing kind), null otherwise. */
  error: SourceError | null;
}

/** GET /api/clusters: `ok` says the API server answered and its cache can be read. */
export interface ClusterInfo extends ClusterStatus {
  /** API server URL from the kubeconfig. */
  server: string;
  kubernetesVersion: string | null;
  /** The cluster's watch-fed cache. */
  watch: ClusterWatch;
}

export interface ClustersResponse {
  clusters: ClusterInfo[];
  /** True when serving the lab's demo mesh. */
  demo: boolean;
  generatedAt: string;
}

export interface IstiodReplica {
  pod: string;
  namespace: string;
  /** Istio version from the istiod image tag / pod labels, null when unknown. */
  version: string | null;
  /** istio.io/rev label, "" when absent (as istioctl prints it). */
  revision: string;
  ready: boolean;
}

export type RemoteSyncStatus = 'synced' | 'syncing' | 'timeout' | 'closed';

/** One row of `istioctl remote-clusters`: what one istiod replica says about one cluster. */
export interface RemoteClusterRow {
  /** Istio cluster ID of the cluster being read (first row is the istiod's own cluster). */
  name: string;
  /** "namespace/name" of the remote secret, "" for the istiod's own cluster. */
  secret: string;
  status: RemoteSyncStatus | string;
  /** istiod pod name that reported the row. */
  istiod: string;
  revision: string;
}

export type GatewayRole = 'eastwest' | 'ingress' | 'egress' | 'other';

export interface GatewayService {
  name: string;
  namespace: string;
  role: GatewayRole;
  /** Service type: LoadBalancer, NodePort, ClusterIP. */
  type: string;
  clusterIP: string | null;
  /** status.loadBalancer.ingress[].ip plus spec.externalIPs. */
  externalIPs: string[];
  /** status.loadBalancer.ingress[].hostname (cloud load balancers), null when none. */
  hostname: string | null;
  /** LoadBalancer without any external address yet (kubectl's <pending>). */
  pending: boolean;
  /** As kubectl prints them: "15021:31046/TCP" (nodePort present) or "15010/TCP". */
  ports: string[];
  /** topology.istio.io/network label, null when absent. */
  network: string | null;
}

/** Per-type xDS state, as istioctl proxy-status prints it. */
export type XdsStatus = 'SYNCED' | 'NOT SENT' | 'STALE' | 'STALE (Never Acknowledged)' | 'ERROR' | 'IGNORED';
export const XDS_TYPES = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'] as const;
export type XdsType = (typeof XDS_TYPES)[number];

/** One xDS type istiod reports for a proxy (from 1.23 every type the proxy subscribed to). */
export interface XdsResourceState {
  /** Short name as istioctl prints it (CDS, LDS, EDS, RDS, ECDS, SDS, NDS, PCDS, WDS, WADS), else the type URL. */
  type: string;
  typeUrl: string;
  status: XdsStatus;
  /** When istiod last pushed this type (syncz `sentTime`, 1.23+); null when unknown or never sent. */
  sentAt: string | null;
}

/** One row of `istioctl proxy-status`. */
export interface ProxyStatusRow {
  /** "<pod>.<namespace>" */
  name: string;
  /** The proxy's Istio cluster ID. */
  cluster: string;
  istiod: string;
  /** `istio.io/rev` of the istiod that reported the proxy ("" when the pod has no such label). */
  revision: string;
  /** The proxy's Istio version ("" when it reports none). */
  version: string;
  /** The proxy's Envoy version when it reports one (istioctl ≤ 1.21 prints it, starred, when `version` is empty). */
  proxyVersion: string;
  proxyType: string;
  types: Record<XdsType, XdsStatus>;
  /** Every type istiod reports, in istioctl's order (CDS, LDS, EDS, RDS, then the others by type URL). */
  resources: XdsResourceState[];
  /** The worst of the per-type states (ERROR > STALE > NOT SENT > SYNCED; IGNORED never counts). */
  overall: 'SYNCED' | 'NOT SENT' | 'STALE' | 'ERROR';
}

export interface ProxySync {
  counts: Record<ProxyStatusRow['overall'], number>;
  proxies: ProxyStatusRow[];
}

/** GET /api/mesh: one entry per configured cluster (not ok: the lists are empty). */
export interface ClusterMesh extends ClusterStatus {
  istiod: IstiodReplica[];
  meshId: string | null;
  network: string | null;
  trustDomain: string | null;
  /** SHA-256 fingerprints (hex, colon separated upper case) of the certs in istio-ca-root-cert. */
  rootCertFingerprints: string[];
  remoteClusters: RemoteClusterRow[];
  gateways: GatewayService[];
  proxySync: ProxySync | null;
}

export interface MeshResponse {
  clusters: ClusterMesh[];
  generatedAt: string;
}

/* ------------------------------------------------------------------ topology */

export type TopologyNodeKind = 'cluster' | 'namespace' | 'service' | 'workload' | 'gateway';

/** How much /api/topology draws: clusters and gateways, namespaces too, or every service and workload. */
export type TopologyLevel = 'clusters' | 'namespaces' | 'workloads';

export interface TopologyNode {
  /** Deterministic: cluster:<c>, ns:<c>:<ns>, svc:<c>:<ns>:<name>, wl:<c>:<ns>:<app>:<version>, gw:<c>:<ns>:<name> */
  id: string;
  kind: TopologyNodeKind;
  /** Compound parent id (cluster for namespace, namespace for service/workload/gateway). */
  parent: string | null;
  /** What the node is called; absent on services and workloads, whose name says it (lib/topology/node-name.ts). */
  label?: string;
  /** Context name of the cluster that holds the node. */
  cluster: string;
  namespace?: string;
  /** Namespaces, services, gateways (a workload is its app and version). */
  name?: string;
  // cluster
  clusterId?: string | null;
  network?: string | null;
  reachable?: boolean;
  // service
  hostname?: string;
  ports?: string[];
  // workload
  app?: string;
  version?: string;
  pods?: number;
  readyPods?: number;
  // gateway
  role?: GatewayRole;
  addresses?: string[];
  pending?: boolean;
  // aggregated levels (cluster and namespace nodes standing for what they hold)
  counts?: { services: number; workloads: number; pods: number; readyPods: number };
  /** A cluster outside the asked cluster=/namespace= scope, drawn as one node for what it holds. */
  outside?: boolean;
}

export type TopologyEdgeKind =
  | 'local' // service -> workload in the same cluster
  | 'cross-cluster' // service -> workload in another cluster on the same network (pod IPs)
  | 'east-west' // service -> remote east-west gateway, or gateway -> the workload it fronts
  | 'unroutable'; // remote network without a gateway address: clients get raw pod IPs

/** An edge is named by what it joins: it carries no id (lib/topology/edge-id.ts derives one). */
export interface TopologyEdge {
  source: string;
  target: string;
  kind: TopologyEdgeKind;
  /** Address the client's Envoy dials for this hop, e.g. "172.40.143.182:15443". */
  address?: string;
  /** Aggregated levels: how many workload-level edges this edge stands for. */
  count?: number;
}

/** One hostname across every cluster that defines it. */
export interface LogicalService {
  hostname: string;
  namespace: string;
  name: string;
  clusters: Array<{
    cluster: string;
    clusterIP: string | null;
    ports: string[];
    readyEndpoints: number;
    notReadyEndpoints: number;
  }>;
}

export interface TopologyResponse {
  /** The level drawn (the most detailed that fits about 2,000 nodes when none was asked). */
  level?: TopologyLevel;
  /** Nodes of every level for the same scope, to offer the others. */
  levelSizes?: Partial<Record<TopologyLevel, number>>;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  services: LogicalService[];
  clusters: ClusterStatus[];
  generatedAt: string;
}

/* ----------------------------------------------------------------- endpoints */

/** Envoy's health statuses (config.core.v3.HealthStatus), in the enum's number order. */
export const ENDPOINT_HEALTH = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'] as const;

export type EndpointHealth = (typeof ENDPOINT_HEALTH)[number];

export type EndpointTarget =
  | {
      kind: 'pod';
      cluster: string;
      namespace: string;
      name: string;
      /** The pod's network (pod label, else its cluster's), null when unknown. */
      network?: string | null;
      /**
       * The pod is on another network than the caller and is dialled by its pod IP: istiod knows no
       * usable east-west gateway for that network (pending external IP, missing network labels), so
       * this traffic will not arrive. The classic multi-network failure.
       */
      crossNetwork?: boolean;
    }
  | { kind: 'eastwest-gateway'; cluster: string; network: string | null; service: string }
  | { kind: 'pipe' }
  /** The proxy's own pod: 127.0.0.1:15000 is Envoy's admin port, 127.0.0.1:15020 the istio-agent (pilot-agent). */
  | { kind: 'local'; name: 'Envoy admin' | 'istio-agent' | 'this pod' }
  /**
   * A Kubernetes API server (an address behind default/kubernetes). crossNetwork: it is another network's
   * and is dialled directly, not through an east-west gateway, so the traffic will not arrive.
   */
  | { kind: 'apiserver'; cluster: string; network: string | null; crossNetwork?: boolean }
  | { kind: 'unknown' };

/** One row of `istioctl proxy-config endpoints`, plus what the address is. */
export interface EndpointRow {
  /** As istioctl prints it: "172.40.143.182:15443", "unix://./etc/istio/proxy/XDS". */
  endpoint: string;
  address: string;
  port: number | null;
  status: EndpointHealth;
  outlierCheck: 'OK' | 'FAILED';
  /** Envoy cluster name, e.g. "outbound|9080||reviews.default.svc.cluster.local". */
  cluster: string;
  weight: number;
  /** "region/zone/subzone" (empty parts kept), "" when Envoy reports none. */
  locality: string;
  target: EndpointTarget;
  rqTotal: number;
  rqError: number;
  cxActive: number;
}

export interface EndpointsResponse {
  cluster: string;
  namespace: string;
  pod: string;
  rows: EndpointRow[];
  /**
   * Outbound Envoy clusters that have no endpoint at all (every backend gone, its cluster unreadable by
   * istiod...), matching the cluster filter; none when a port, status or address filter is set. istioctl's
   * table omits them; traffic to them fails.
   */
  emptyClusters: string[];
  /** Every Envoy cluster name the proxy has, for filter suggestions. */
  envoyClusters: string[];
  /** Why this pod has no Envoy to ask ("pod Pending: no Envoy yet", "no istio-proxy container"), null when it has one. */
  noEnvoy: string | null;
  /** The pod's cluster first, then every other cluster whose inventory resolves targets (not ok: its addresses stay unresolved). */
  clusters: ClusterStatus[];
  fetchedAt: string;
}

/** A pod's workload, derived once on the server (lib/mesh/workload.ts workloadOf). */
export interface WorkloadIdentity {
  /** The app label (or app.kubernetes.io/name); without one, the name of the pod's controller. */
  name: string;
  /** The version label (or app.kubernetes.io/version), else "unversioned". */
  version: string;
  /** The topology's workload node id: wl:<cluster>:<namespace>:<name>:<version>. */
  id: string;
}

/** Pods for the pod picker: GET /api/clusters/{cluster}/pods?namespace= */
export interface PodSummary {
  name: string;
  namespace: string;
  ip: string | null;
  phase: string;
  ready: boolean;
  hasSidecar: boolean;
  /** The workload the pod belongs to (lib/mesh/workload.ts): `id` is its topology node's. */
  workload: WorkloadIdentity;
}

export interface PodsResponse {
  cluster: string;
  namespaces: string[];
  pods: PodSummary[];
  /** The one cluster read. */
  clusters: ClusterStatus[];
  fetchedAt: string;
}
