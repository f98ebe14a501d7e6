/**
 * The mesh checks' wire types: the snapshot they read (built by server/checks.ts from every cluster)
 * and the findings they give (GET /api/checks, `npm run check`, the /checks page; docs/checks.md).
 */
import type { ClusterStatus, GatewayRole, ProxyStatusRow, RemoteClusterRow, XdsType } from '../types/api';
import type { NetworkGateway } from '../istio/networkz';

export const CHECK_IDS = [
  'istiod-not-ready',
  'remote-secret-missing',
  'remote-cluster-not-synced',
  'remote-cluster-unknown-id',
  'cluster-id-duplicate',
  'root-ca-mismatch',
  'root-cert-expiring',
  'trust-domain-mismatch',
  'mesh-id-mismatch',
  'network-label-missing',
  'eastwest-gateway-missing',
  'eastwest-gateway-no-address',
  'eastwest-gateway-port-missing',
  'cross-network-gateway-missing',
  'istiod-not-exposed',
  'endpoints-unroutable',
  'proxy-config-rejected',
  'proxy-not-synced',
  'istio-version-skew',
  'dns-capture-off',
  'service-inconsistent',
  'pod-cidr-overlap',
  'locality-failover-without-outlier-detection',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Subject {
  /** Kubernetes kind: Pod, Service, Namespace, ConfigMap, Secret, Gateway, DestinationRule, Deployment. */
  kind: string;
  namespace?: string;
  name: string;
}

export interface Evidence {
  /** What was read and where, e.g. "cluster2 istio-system/istio-ca-root-cert". */
  source: string;
  /** What it said, e.g. "SHA-256 1F:2A:…". */
  fact: string;
}

export interface Finding {
  check: CheckId;
  severity: Severity;
  /** Context name of the cluster where the fix applies. */
  cluster: string;
  subject: Subject;
  message: string;
  evidence: Evidence[];
  /** The command or YAML to apply. */
  fix: string;
  /** The Istio documentation page. */
  docs: string;
}

/** A check that could not be decided for a cluster because a source it needs could not be read. */
export interface UnknownResult {
  check: CheckId;
  cluster: string;
  reason: string;
}

/* ---------------------------------------------------------------------------------- snapshot */

/** One source of one cluster: its value, or why it could not be read. */
export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ServiceFacts {
  namespace: string;
  name: string;
  type: string;
  ports: Array<{ name: string; port: number; protocol: string }>;
  labels: Record<string, string>;
  selector: Record<string, string> | null;
  /** Load balancer IPs/hostnames and spec.externalIPs. */
  externalAddresses: string[];
  /** A LoadBalancer without any external address yet. */
  pending: boolean;
  role: GatewayRole;
}

export interface PodFacts {
  namespace: string;
  name: string;
  ip: string | null;
  hostNetwork: boolean;
  labels: Record<string, string>;
}

/** A node's pod ranges (spec.podCIDRs, else spec.podCIDR): empty when the cluster's IPAM assigns none (Calico's own pools, cloud CNIs). */
export interface NodeFacts {
  name: string;
  podCIDRs: string[];
}

export interface MeshConfigFacts {
  trustDomain: string;
  /** defaultConfig.meshId, null when unset (Istio then uses the trust domain). */
  meshId: string | null;
  /** defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE is "true". */
  dnsCapture: boolean;
}

export interface RootCertFacts {
  /** SHA-256, upper-case hex, colon separated. */
  fingerprint: string;
  subject: string;
  /** ISO time. */
  notAfter: string;
}

export interface IstioGatewayFacts {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  servers: Array<{ port: number; protocol: string; tlsMode: string | null; hosts: string[] }>;
}

export interface DestinationRuleFacts {
  namespace: string;
  name: string;
  host: string;
  /** trafficPolicy.loadBalancer.localityLbSetting present and not disabled. */
  localityLb: boolean;
  outlierDetection: boolean;
}

export type SynczRow = ProxyStatusRow & { lastErrors: Partial<Record<XdsType, string>> };

export interface IstiodFacts {
  pod: string;
  ready: boolean;
  version: string | null;
  clusterz: Read<RemoteClusterRow[]>;
  syncz: Read<SynczRow[]>;
  networkz: Read<NetworkGateway[]>;
}

/** A sampled proxy's EDS: the IPs of the endpoints its Envoy holds. */
export interface ProxyEndpointFacts {
  namespace: string;
  pod: string;
  addresses: Read<string[]>;
}

export interface ClusterSnapshot {
  /** Context name. */
  cluster: string;
  /** Istio cluster ID (istiod CLUSTER_ID, the injector's clusterName, or as last seen). */
  clusterId: string | null;
  /** The istio-system namespace (null when it does not exist). */
  istioNamespace: Read<{ labels: Record<string, string>; annotations: Record<string, string> } | null>;
  services: Read<ServiceFacts[]>;
  pods: Read<PodFacts[]>;
  /** Optional source: pod-cidr-overlap falls back to pod IPs when nodes carry no range or cannot be read. */
  nodes: Read<NodeFacts[]>;
  meshConfig: Read<MeshConfigFacts>;
  rootCerts: Read<RootCertFacts[]>;
  gateways: Read<IstioGatewayFacts[]>;
  destinationRules: Read<DestinationRuleFacts[]>;
  /** istiod replicas (running pods of app=istiod), each with its debug answers. */
  istiods: Read<IstiodFacts[]>;
  proxySample: Read<ProxyEndpointFacts[]>;
}

export interface MeshSnapshot {
  clusters: ClusterSnapshot[];
  /** ms since the epoch, for certificate expiry. */
  nowMs: number;
}

/* ----------------------------------------------------------------------------------- results */

export interface CheckSummary {
  id: CheckId;
  title: string;
  /** passed: decided everywhere, nothing found; found: at least one finding; unknown: undecided somewhere, nothing found. */
  status: 'passed' | 'found' | 'unknown';
}

export interface ChecksResponse {
  findings: Finding[];
  unknown: UnknownResult[];
  /** Every cluster checked; one not ok could not be read at all (every check is unknown there). */
  clusters: ClusterStatus[];
  checks: CheckSummary[];
  generatedAt: string;
}
