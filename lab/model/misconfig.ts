/**
 * Multi-cluster misconfigurations of one cluster: what the mesh checks (lib/checks) look for. The
 * scenario's cluster fields give the start state; MisconfigFaults (POST /faults) change it at run time.
 * The state lives on the cluster (MeshCluster.misconfig); objects.ts, istiod.ts and eds.ts read it, so
 * every answer of the lab shows the same misconfiguration.
 */
import type { MisconfigFault } from '../world';
import type { ClusterSpec, Scenario } from './scenario';

export type XdsState = 'synced' | 'stale' | 'never-acked' | 'not-sent' | 'error';

export interface ClusterMisconfig {
  /** Root CA name when it is not the scenario's (shared or clusters[].rootCA). */
  rootCA: string | null;
  /** The root certificate expires this many days from now (negative: expired); null = ten years. */
  rootExpiresInDays: number | null;
  networkLabelMissing: boolean;
  eastwestMissing: boolean;
  eastwestPortMissing: boolean;
  crossNetworkGatewayMissing: boolean;
  /** No istiod-gateway (expose-istiod.yaml) on the east-west gateway. */
  istiodGatewayMissing: boolean;
  /** What the nodes' spec.podCIDR slices come from (null: nodes carry none). */
  nodePodCIDR: string | null;
  /** Remote secrets by remote cluster: absent, or naming another cluster ID. */
  remoteSecrets: Map<string, { present: boolean; id?: string }>;
  /** istiod's CLUSTER_ID; null = the cluster's id. */
  clusterId: string | null;
  trustDomain: string | null;
  meshId: string | null;
  dnsCaptureOff: boolean;
  istiodVersion: string | null;
  /** Services by "<namespace>/<name>": removed from this cluster, or with other ports. */
  services: Map<string, { absent: boolean; ports: number[] | null }>;
  /** Services ("<namespace>/<name>") whose DestinationRule has localityLbSetting without outlierDetection. */
  failoverWithoutOutlier: Set<string>;
  /** xDS state per "<namespace>/<pod>/<type>" (overrides the scenario's xds:). */
  xds: Map<string, XdsState>;
}

export function initialMisconfig(spec: ClusterSpec, scenario: Scenario): ClusterMisconfig {
  const { istio } = scenario;
  return {
    rootCA: null,
    rootExpiresInDays: null,
    networkLabelMissing: !spec.networkLabel,
    eastwestMissing: false,
    eastwestPortMissing: false,
    crossNetworkGatewayMissing: !spec.crossNetworkGateway,
    istiodGatewayMissing: !spec.exposeIstiod,
    nodePodCIDR: spec.nodePodCIDR ?? null,
    remoteSecrets: new Map(spec.remoteSecrets.filter((r) => r.id !== undefined).map((r) => [r.cluster, { present: true, id: r.id }])),
    clusterId: spec.istiod.clusterId ?? null,
    trustDomain: spec.trustDomain !== undefined && spec.trustDomain !== istio.trustDomain ? spec.trustDomain : null,
    meshId: spec.meshId !== undefined && spec.meshId !== istio.meshId ? spec.meshId : null,
    dnsCaptureOff: !(spec.dnsCapture ?? istio.dnsCapture),
    istiodVersion: spec.istiod.version ?? null,
    services: new Map(),
    failoverWithoutOutlier: new Set(),
    xds: new Map(
      scenario.xds.filter((x) => x.cluster === spec.id).map((x) => [`${x.namespace}/${x.pod}/${x.type}`, x.status]),
    ),
  };
}

/**
 * Applies a misconfiguration to a cluster's state. Returns true when Services of the cluster changed
 * (the caller recomputes the effective list).
 */
export function applyMisconfig(m: ClusterMisconfig, fault: MisconfigFault): boolean {
  const serviceKey = 'name' in fault ? `${fault.namespace}/${fault.name}` : '';
  const serviceOverride = () => m.services.get(serviceKey) ?? { absent: false, ports: null };
  switch (fault.type) {
    case 'root-ca':
      m.rootCA = fault.ca;
      return false;
    case 'root-expiry':
      m.rootExpiresInDays = fault.days;
      return false;
    case 'network-label-missing':
      m.networkLabelMissing = fault.on;
      return false;
    case 'eastwest-missing':
      m.eastwestMissing = fault.on;
      return true;
    case 'eastwest-port-missing':
      m.eastwestPortMissing = fault.on;
      return true;
    case 'cross-network-gateway-missing':
      m.crossNetworkGatewayMissing = fault.on;
      return false;
    case 'istiod-gateway-missing':
      m.istiodGatewayMissing = fault.on;
      return false;
    case 'node-pod-cidr':
      m.nodePodCIDR = fault.cidr;
      return false;
    case 'remote-secret':
      m.remoteSecrets.set(fault.remote, { present: fault.present, ...(fault.id !== undefined ? { id: fault.id } : {}) });
      return false;
    case 'cluster-id':
      m.clusterId = fault.id;
      return false;
    case 'trust-domain':
      m.trustDomain = fault.trustDomain;
      return false;
    case 'mesh-id':
      m.meshId = fault.meshId;
      return false;
    case 'dns-capture-off':
      m.dnsCaptureOff = fault.on;
      return false;
    case 'istiod-version':
      m.istiodVersion = fault.version;
      return false;
    case 'service-ports':
      m.services.set(serviceKey, { ...serviceOverride(), ports: fault.ports });
      return true;
    case 'service-absent':
      m.services.set(serviceKey, { ...serviceOverride(), absent: fault.on });
      return true;
    case 'failover-without-outlier': {
      const key = `${fault.namespace}/${fault.service}`;
      if (fault.on) m.failoverWithoutOutlier.add(key);
      else m.failoverWithoutOutlier.delete(key);
      return false;
    }
    case 'xds':
      m.xds.set(`${fault.namespace}/${fault.pod}/${fault.xdsType}`, fault.status);
      return false;
  }
}

export const MISCONFIG_FAULTS = new Set<MisconfigFault['type']>([
  'root-ca',
  'root-expiry',
  'network-label-missing',
  'eastwest-missing',
  'eastwest-port-missing',
  'cross-network-gateway-missing',
  'istiod-gateway-missing',
  'node-pod-cidr',
  'remote-secret',
  'cluster-id',
  'trust-domain',
  'mesh-id',
  'dns-capture-off',
  'istiod-version',
  'service-ports',
  'service-absent',
  'failover-without-outlier',
  'xds',
]);
