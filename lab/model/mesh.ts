/**
 * The resolved mesh: the scenario with every generated value filled in (pod names, IPs, nodes, cluster
 * IPs, ages) plus the run-time state that faults change. Kubernetes objects (objects.ts), Envoy admin
 * (envoy.ts) and istiod debug (istiod.ts) are all rendered from this one model, so they stay consistent.
 */
import type { ClusterFaults, LabFault, MisconfigFault, PathFault } from '../world';
import type { OutboundCluster } from './eds';
import { AddressPool, hash32, kubeSuffix, parseAge, podTemplateHash } from './determinism';
import { applyMisconfig, type ClusterMisconfig, initialMisconfig, MISCONFIG_FAULTS } from './misconfig';
import type { ClusterSpec, GatewaySpec, Scenario, WorkloadSpec } from './scenario';

export type RemoteSyncStatus = 'synced' | 'syncing' | 'timeout' | 'closed';
export type PodRole = 'workload' | 'istiod' | 'eastwest' | 'ingress' | 'ztunnel' | 'waypoint';

export interface MeshNode {
  name: string;
  ip: string;
  controlPlane: boolean;
  region?: string;
  zone?: string;
}

export interface MeshPod {
  cluster: string;
  namespace: string;
  name: string;
  role: PodRole;
  /** Owning Deployment / StatefulSet name. */
  owner: string;
  ownerKind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  templateHash?: string;
  app: string;
  version?: string;
  ip: string;
  node: string;
  phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed';
  /** Readiness stated by the scenario (faults and start-up are applied on top, see Mesh.podReady). */
  scenarioReady: boolean;
  restarts: number;
  createdMs: number;
  /** Until this time a freshly scaled pod is still starting (Pending, ContainerCreating). */
  startingUntilMs: number;
  /** istio-proxy injected (workloads) or the proxy itself (gateways). */
  proxy: boolean;
  /** istio-proxy is a sidecar container next to the app (false for gateways, which are the proxy). */
  sidecar: boolean;
  ports: number[];
  image: string;
  serviceAccount: string;
}

export interface MeshServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP' | 'UDP';
  nodePort?: number;
}

export interface MeshService {
  cluster: string;
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'LoadBalancer';
  clusterIP: string;
  ports: MeshServicePort[];
  selector: Record<string, string>;
  labels: Record<string, string>;
  createdMs: number;
  /** Scenario external address of a LoadBalancer (the eastwest-pending fault hides it, see Mesh.externalIP). */
  scenarioExternalIP?: string;
  gatewayKind?: 'eastwest' | 'ingress';
}

export interface MeshCluster {
  spec: ClusterSpec;
  id: string;
  network: string;
  createdMs: number;
  nodes: MeshNode[];
  /** Deployments / StatefulSets of the cluster, istio-system ones included. */
  workloads: MeshWorkload[];
  /** The Services the cluster has now: scenarioServices with its misconfiguration applied. */
  services: MeshService[];
  scenarioServices: MeshService[];
  misconfig: ClusterMisconfig;
  namespaces: Array<{ name: string; injection: boolean | null; createdMs: number }>;
  podPool: AddressPool;
}

export interface MeshWorkload {
  cluster: string;
  namespace: string;
  name: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  role: PodRole;
  app: string;
  version?: string;
  labels: Record<string, string>;
  templateHash: string;
  replicas: number;
  createdMs: number;
  pods: MeshPod[];
  ports: number[];
  image: string;
  proxy: boolean;
  sidecar: boolean;
  serviceAccount: string;
  /** Pods stated in the scenario, used first when replicas are (re)created. */
  explicitPods: WorkloadSpec['pods'];
}

export const ISTIO_NAMESPACE = 'istio-system';

/** Faults that change Kubernetes objects (LoadBalancer status, istiod readiness, pods, misconfigurations); see Mesh.apply. */
const OBJECT_CHANGING_FAULTS = new Set<LabFault['type']>(['eastwest-pending', 'istiod-not-ready', 'scale-workload', ...[...MISCONFIG_FAULTS].filter((t) => t !== 'xds')]);

/** Names of the well-known Istio gateway ports (the Helm chart's), and their container ports. */
const GATEWAY_PORTS: Record<number, { name: string; targetPort: number }> = {
  15021: { name: 'status-port', targetPort: 15021 },
  15443: { name: 'tls', targetPort: 15443 },
  15012: { name: 'tls-istiod', targetPort: 15012 },
  15017: { name: 'tls-webhook', targetPort: 15017 },
  80: { name: 'http2', targetPort: 8080 },
  443: { name: 'https', targetPort: 8443 },
};

export function defaultContext(spec: ClusterSpec): string {
  return spec.context ?? `${defaultUser(spec)}@${spec.id}`;
}
export function defaultUser(spec: ClusterSpec): string {
  return spec.user ?? `${spec.id}-admin`;
}

/** Proxy ID as istiod and istioctl know it: "<pod>.<namespace>". */
export function proxyId(pod: Pick<MeshPod, 'name' | 'namespace'>): string {
  return `${pod.name}.${pod.namespace}`;
}

const PATH_FAULT_TYPES = new Set<string>(['istiod-shard-empty', 'eds-stale', 'subset-unmatched', 'sidecar-removed'] satisfies PathFault['type'][]);

/** A fault applied by lab/model/path-faults.ts rather than Mesh.apply (it needs the EDS model). */
export function isPathFault(fault: LabFault): fault is PathFault {
  return PATH_FAULT_TYPES.has(fault.type);
}

export function serviceHostname(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

const key = (...parts: string[]) => parts.join('/');

export class Mesh {
  readonly clusters = new Map<string, MeshCluster>();
  readonly apiFaults = new Map<string, ClusterFaults>();
  readonly remoteSyncOverride = new Map<string, RemoteSyncStatus>();
  readonly eastwestPending = new Set<string>();
  readonly ejected = new Set<string>();
  readonly draining = new Set<string>();
  readonly istiodNotReady = new Set<string>();
  readonly istiodMalformed = new Set<string>();
  /**
   * "<cluster>/<remote>" pairs whose first sync finished: the remote's API server answered at some point
   * while this istiod ran. An API server failing after that leaves the remote `synced` (informers keep
   * their cache, so istiod keeps serving its endpoints); one that never answered is `timeout`
   * (pkg/kube/multicluster/cluster.go SyncDidTimeout).
   */
  readonly firstSynced = new Set<string>();
  // Path faults (path-faults.ts), keyed by "<cluster>/...":
  /** "<cluster>/<istiod pod>/<remote>": that istiod replica holds no endpoints of the remote cluster. */
  readonly emptyShards = new Set<string>();
  /** "<cluster>/<ns>/<pod>" → the outbound clusters that proxy last acked: it ignores EDS pushes since. */
  readonly frozenEds = new Map<string, OutboundCluster[]>();
  /** "<cluster>/<ns>/<service>" → subsets added to that DestinationRule which no pod carries. */
  readonly extraSubsets = new Map<string, string[]>();
  /** service-errors faults by "<cluster>/<namespace>/<service>". */
  readonly serviceErrors = new Map<string, { ratio: number; code: number }>();
  /** Bumped on every change, so computed views (endpoint indexes) know when to rebuild. */
  generation = 0;

  constructor(
    readonly scenario: Scenario,
    /** Lab start time: creation timestamps are computed back from it so AGE reads as in the scenario. */
    readonly startMs: number,
  ) {
    for (const spec of scenario.clusters) this.clusters.set(spec.id, this.resolveCluster(spec));
    // Path faults need the EDS model: the world applies them (path-faults.ts).
    for (const fault of scenario.faults) if (!isPathFault(fault)) this.apply(fault, startMs);
    for (const id of this.clusters.keys()) for (const remote of this.remoteClusters(id)) this.noteFirstSync(id, remote);
  }

  /** Records that `clusterId`'s istiod finished its first sync of `remote` if that API server is up. */
  private noteFirstSync(clusterId: string, remote: string): void {
    if (this.clusters.has(remote) && !this.faults(remote).apiDown) this.firstSynced.add(key(clusterId, remote));
  }

  // ---------------------------------------------------------------- resolution

  private ago(age: string | undefined, fallback: string): number {
    return this.startMs - parseAge(age ?? fallback);
  }

  /** A cluster of the scenario with every generated value resolved: nodes, namespaces, istiod, gateways, applications. */
  private resolveCluster(spec: ClusterSpec): MeshCluster {
    const cluster = this.newCluster(spec);
    const { pool: servicePool, first: firstServiceIP } = this.servicePool(spec);
    for (const w of this.scenario.workloads) if (w.cluster === spec.id) for (const p of w.pods) if (p.ip) cluster.podPool.reserve(p.ip);
    cluster.namespaces = this.namespacesOf(spec, cluster.createdMs);
    cluster.services.push({
      cluster: spec.id,
      namespace: 'default',
      name: 'kubernetes',
      type: 'ClusterIP',
      clusterIP: firstServiceIP,
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
      selector: {},
      labels: { component: 'apiserver', provider: 'kubernetes' },
      createdMs: cluster.createdMs,
    });

    this.addIstiod(cluster, servicePool);
    if (spec.ambient) this.addAmbient(cluster);
    for (const g of spec.gateways) this.addGateway(cluster, g, servicePool);
    if (this.scenario.addons.includes('prometheus')) this.addPrometheus(cluster, servicePool.allocate(`${spec.id}/svc/prometheus`));
    this.addApplications(cluster, servicePool);
    cluster.scenarioServices = cluster.services;
    cluster.services = effectiveServices(cluster);
    return cluster;
  }

  /** The cluster with its nodes, no workloads or Services yet. */
  private newCluster(spec: ClusterSpec): MeshCluster {
    const createdMs = this.ago(spec.age, '30d');
    const nodePool = new AddressPool(spec.nodeCIDR);
    const nodeSpecs = spec.nodes ?? [
      { name: `${spec.id}-control-plane`, controlPlane: true },
      ...[1, 2, 3].map((i) => ({ name: `${spec.id}-worker${i}` })),
    ];
    for (const n of nodeSpecs) if ('ip' in n && n.ip) nodePool.reserve(n.ip);
    const nodes: MeshNode[] = nodeSpecs.map((n) => ({
      name: n.name,
      ip: ('ip' in n && n.ip) || nodePool.allocate(`${spec.id}/node/${n.name}`),
      controlPlane: ('controlPlane' in n && n.controlPlane) || false,
      region: ('region' in n && n.region) || spec.region,
      zone: ('zone' in n && n.zone) || spec.zone,
    }));

    return {
      spec,
      id: spec.id,
      network: spec.network,
      createdMs,
      nodes,
      workloads: [],
      services: [],
      scenarioServices: [],
      misconfig: initialMisconfig(spec, this.scenario),
      namespaces: [],
      podPool: new AddressPool(spec.podCIDR),
    };
  }

  /** The service CIDR's allocator with the scenario's explicit cluster IPs reserved, and its first address. */
  private servicePool(spec: ClusterSpec): { pool: AddressPool; first: string } {
    const servicePool = new AddressPool(spec.serviceCIDR);
    // The kubernetes Service always holds the first address of the service CIDR.
    const firstServiceIP = spec.serviceCIDR.replace(/\.\d+\/\d+$/, '.1');
    servicePool.reserve(firstServiceIP);
    const explicitServiceIPs = [
      spec.istiod.clusterIP,
      ...spec.gateways.map((g) => g.clusterIP),
      ...this.scenario.services.map((s) => s.clusterIPs[spec.id]),
    ];
    for (const ip of explicitServiceIPs) if (ip) servicePool.reserve(ip);
    return { pool: servicePool, first: firstServiceIP };
  }

  private namespacesOf(spec: ClusterSpec, createdMs: number): MeshCluster['namespaces'] {
    const injected = new Map(this.scenario.namespaces.map((n) => [n.name, n.injection]));
    return [
      { name: 'default', injection: injected.get('default') ?? null, createdMs },
      { name: 'kube-node-lease', injection: null, createdMs },
      { name: 'kube-public', injection: null, createdMs },
      { name: 'kube-system', injection: null, createdMs },
      { name: ISTIO_NAMESPACE, injection: null, createdMs: this.ago(spec.istiod.serviceAge ?? spec.istiod.age, '2h') },
      ...this.scenario.namespaces
        .filter((n) => n.name !== 'default')
        .map((n) => ({ name: n.name, injection: n.injection, createdMs: this.ago(n.age, '2h') })),
    ].sort((a, b) => a.name.localeCompare(b.name));

  }

  private addIstiod(cluster: MeshCluster, servicePool: AddressPool): void {
    const { spec } = cluster;
    const istiodAge = spec.istiod.age ?? '2h';
    const istiodPods = spec.istiod.pods ?? [];
    // A remote cluster (primary-remote) runs no istiod of its own unless the scenario says so.
    const istiodReplicas = spec.istiod.replicas ?? (spec.controlPlane ? istiodPods.length : Math.max(1, istiodPods.length));
    if (istiodReplicas > 0) {
      cluster.workloads.push(
        this.newWorkload(cluster, {
          namespace: ISTIO_NAMESPACE,
          name: 'istiod',
          kind: 'Deployment',
          role: 'istiod',
          app: 'istiod',
          labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': this.scenario.istio.revision },
          replicas: istiodReplicas,
          age: istiodAge,
          ports: [8080, 15010, 15012, 15014, 15017],
          image: `docker.io/istio/pilot:${spec.istiod.version ?? this.scenario.istio.version}`,
          proxy: false,
          sidecar: false,
          serviceAccount: 'istiod',
          explicitPods: istiodPods.map((name) => ({ name, phase: 'Running' as const, restarts: 0 })),
        }),
      );
      cluster.services.push({
        cluster: spec.id,
        namespace: ISTIO_NAMESPACE,
        name: 'istiod',
        type: 'ClusterIP',
        clusterIP: spec.istiod.clusterIP ?? servicePool.allocate(`${spec.id}/svc/istiod`),
        ports: [
          { name: 'grpc-xds', port: 15010, targetPort: 15010, protocol: 'TCP' },
          { name: 'https-dns', port: 15012, targetPort: 15012, protocol: 'TCP' },
          { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
          { name: 'http-monitoring', port: 15014, targetPort: 15014, protocol: 'TCP' },
        ],
        selector: { app: 'istiod', istio: 'pilot' },
        labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': this.scenario.istio.revision, release: 'istio' },
        createdMs: this.ago(spec.istiod.serviceAge ?? istiodAge, '2h'),
      });
    }
    const { canary } = spec.istiod;
    if (canary) {
      cluster.workloads.push(
        this.newWorkload(cluster, {
          namespace: ISTIO_NAMESPACE,
          name: `istiod-${canary.revision}`,
          kind: 'Deployment',
          role: 'istiod',
          app: 'istiod',
          labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': canary.revision },
          replicas: canary.replicas,
          age: '30m',
          ports: [8080, 15010, 15012, 15014, 15017],
          image: `docker.io/istio/pilot:${canary.version ?? spec.istiod.version ?? this.scenario.istio.version}`,
          proxy: false,
          sidecar: false,
          serviceAccount: `istiod-${canary.revision}`,
          explicitPods: [],
        }),
      );
    }
  }

  private addGateway(cluster: MeshCluster, g: GatewaySpec, servicePool: AddressPool): void {
    const { spec } = cluster;
    const istioLabel = g.name.replace(/^istio-/, '');
    const selector = { app: g.name, istio: istioLabel };
    const networkLabel: Record<string, string> = g.kind === 'eastwest' ? { 'topology.istio.io/network': spec.network } : {};
    cluster.workloads.push(
      this.newWorkload(cluster, {
        namespace: ISTIO_NAMESPACE,
        name: g.name,
        kind: 'Deployment',
        role: g.kind,
        app: g.name,
        labels: { ...selector, 'istio.io/rev': this.scenario.istio.revision, ...networkLabel },
        replicas: g.replicas ?? Math.max(1, g.pods?.length ?? 0),
        age: g.age ?? '2h',
        ports: g.ports.map((p) => p.targetPort ?? GATEWAY_PORTS[p.port]?.targetPort ?? p.port),
        image: `docker.io/istio/proxyv2:${this.scenario.istio.version}`,
        proxy: true,
        sidecar: false,
        serviceAccount: `${g.name}-service-account`,
        explicitPods: (g.pods ?? []).map((name) => ({ name, phase: 'Running' as const, restarts: 0 })),
      }),
    );
    const usedNodePorts = new Set(g.ports.map((p) => p.nodePort).filter((n): n is number => n !== undefined));
    cluster.services.push({
      cluster: spec.id,
      namespace: ISTIO_NAMESPACE,
      name: g.name,
      type: 'LoadBalancer',
      clusterIP: g.clusterIP ?? servicePool.allocate(`${spec.id}/svc/${g.name}`),
      ports: g.ports.map((p) => {
        let nodePort = p.nodePort;
        if (nodePort === undefined) {
          nodePort = 30000 + (hash32(`${spec.id}/${g.name}/${p.port}`) % 2768);
          while (usedNodePorts.has(nodePort)) nodePort++;
          usedNodePorts.add(nodePort);
        }
        return {
          name: p.name ?? GATEWAY_PORTS[p.port]?.name ?? `tcp-${p.port}`,
          port: p.port,
          targetPort: p.targetPort ?? GATEWAY_PORTS[p.port]?.targetPort ?? p.port,
          protocol: 'TCP' as const,
          nodePort,
        };
      }),
      selector,
      labels: { ...selector, 'istio.io/rev': this.scenario.istio.revision, ...networkLabel },
      createdMs: this.ago(g.serviceAge ?? g.age, '2h'),
      scenarioExternalIP: g.externalIP,
      gatewayKind: g.kind,
    });
  }

  /**
   * Ambient data plane: ztunnel on every node (a DaemonSet; it subscribes to workloads and
   * authorizations, not Envoy config) and a waypoint proxy in each application namespace.
   */
  private addAmbient(cluster: MeshCluster): void {
    const { istio } = this.scenario;
    cluster.workloads.push(
      this.newWorkload(cluster, {
        namespace: ISTIO_NAMESPACE,
        name: 'ztunnel',
        kind: 'DaemonSet',
        role: 'ztunnel',
        app: 'ztunnel',
        labels: { app: 'ztunnel', 'istio.io/rev': istio.revision },
        replicas: cluster.nodes.length,
        age: cluster.spec.istiod.age ?? '2h',
        ports: [15001, 15006, 15008, 15020, 15021],
        image: `docker.io/istio/ztunnel:${istio.version}`,
        proxy: true,
        sidecar: false,
        serviceAccount: 'ztunnel',
        explicitPods: [],
      }),
    );
    for (const ns of this.scenario.namespaces) {
      cluster.workloads.push(
        this.newWorkload(cluster, {
          namespace: ns.name,
          name: 'waypoint',
          kind: 'Deployment',
          role: 'waypoint',
          app: 'waypoint',
          labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint', 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'istio.io/dataplane-mode': 'none' },
          replicas: 1,
          age: ns.age ?? '2h',
          ports: [15008, 15021],
          image: `docker.io/istio/proxyv2:${istio.version}`,
          proxy: true,
          sidecar: false,
          serviceAccount: 'waypoint',
          explicitPods: [],
        }),
      );
    }
  }

  private addApplications(cluster: MeshCluster, servicePool: AddressPool): void {
    const { spec } = cluster;
    for (const w of this.scenario.workloads) {
      if (w.cluster !== spec.id) continue;
      const injection = this.scenario.namespaces.find((n) => n.name === w.namespace)?.injection ?? false;
      const sidecar = w.sidecar ?? injection;
      cluster.workloads.push(
        this.newWorkload(cluster, {
          namespace: w.namespace,
          name: w.name,
          kind: w.kind,
          role: 'workload',
          app: w.app,
          version: w.version,
          labels: { app: w.app, ...(w.version ? { version: w.version } : {}) },
          replicas: w.replicas ?? Math.max(1, w.pods.length),
          age: w.age,
          ports: w.ports,
          image: w.image ?? `docker.io/istio/examples-${w.namespace === 'default' ? 'bookinfo-' : ''}${w.app}-${w.version ?? 'v1'}:1.19.1`,
          proxy: sidecar,
          sidecar,
          serviceAccount: w.serviceAccount ?? (w.namespace === 'default' ? `bookinfo-${w.app}` : w.app),
          explicitPods: w.pods,
        }),
      );
    }
    for (const s of this.scenario.services) {
      if (s.clusters && !s.clusters.includes(spec.id)) continue;
      cluster.services.push({
        cluster: spec.id,
        namespace: s.namespace,
        name: s.name,
        type: 'ClusterIP',
        clusterIP: s.clusterIPs[spec.id] ?? servicePool.allocate(`${spec.id}/svc/${s.namespace}/${s.name}`),
        ports: s.ports.map((p) => ({ name: p.name ?? `tcp-${p.port}`, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol })),
        selector: s.selector ?? { app: s.name },
        labels: { app: s.name, service: s.name, ...s.labels },
        createdMs: this.ago(s.age, '79m'),
      });
    }
  }

  /** samples/addons/prometheus.yaml: a Deployment without a sidecar and its Service on 9090. */
  private addPrometheus(cluster: MeshCluster, clusterIP: string): void {
    const labels = { app: 'prometheus', component: 'server', release: 'prometheus' };
    cluster.workloads.push(
      this.newWorkload(cluster, {
        namespace: ISTIO_NAMESPACE,
        name: 'prometheus',
        kind: 'Deployment',
        role: 'workload',
        app: 'prometheus',
        labels,
        replicas: 1,
        age: cluster.spec.istiod.age ?? '2h',
        ports: [9090],
        image: 'prom/prometheus:v2.41.0',
        proxy: false,
        sidecar: false,
        serviceAccount: 'prometheus',
        explicitPods: [],
      }),
    );
    cluster.services.push({
      cluster: cluster.id,
      namespace: ISTIO_NAMESPACE,
      name: 'prometheus',
      type: 'ClusterIP',
      clusterIP,
      ports: [{ name: 'http', port: 9090, targetPort: 9090, protocol: 'TCP' }],
      selector: { app: 'prometheus', component: 'server', release: 'prometheus' },
      labels,
      createdMs: this.ago(cluster.spec.istiod.age, '2h'),
    });
  }

  private newWorkload(
    cluster: MeshCluster,
    w: Omit<MeshWorkload, 'cluster' | 'createdMs' | 'pods' | 'templateHash'> & { age: string },
  ): MeshWorkload {
    const explicitHash = w.explicitPods.map((p) => p.name.split('-').slice(-2, -1)[0]).find((h) => h && h.length >= 8);
    const workload: MeshWorkload = {
      ...w,
      cluster: cluster.id,
      createdMs: this.ago(w.age, '79m'),
      templateHash: explicitHash ?? podTemplateHash(key(cluster.id, w.namespace, w.name)),
      pods: [],
    };
    this.setReplicas(cluster, workload, w.replicas, this.startMs);
    return workload;
  }

  /** (Re)creates a workload's pods for a replica count; new pods beyond the initial ones start up first. */
  private setReplicas(cluster: MeshCluster, w: MeshWorkload, replicas: number, nowMs: number): void {
    w.replicas = replicas;
    const workers = cluster.nodes.filter((n) => !n.controlPlane);
    const schedulable = workers.length > 0 ? workers : cluster.nodes;
    const pods: MeshPod[] = [];
    for (let i = 0; i < replicas; i++) {
      const existing = w.pods[i];
      if (existing) {
        pods.push(existing);
        continue;
      }
      const explicit = w.explicitPods[i];
      const name =
        explicit?.name ??
        (w.kind === 'StatefulSet'
          ? `${w.name}-${i}`
          : w.kind === 'DaemonSet'
            ? `${w.name}-${kubeSuffix(key(cluster.id, w.namespace, w.name, String(i)), 5)}`
            : `${w.name}-${w.templateHash}-${kubeSuffix(key(cluster.id, w.namespace, w.name, String(i)), 5)}`);
      const initial = nowMs === this.startMs;
      const phase = explicit?.phase ?? 'Running';
      pods.push({
        cluster: cluster.id,
        namespace: w.namespace,
        name,
        role: w.role,
        owner: w.name,
        ownerKind: w.kind,
        templateHash: w.kind === 'Deployment' ? w.templateHash : undefined,
        app: w.app,
        version: w.version,
        ip: explicit?.ip ?? cluster.podPool.allocate(key(cluster.id, w.namespace, name)),
        // A DaemonSet's pod i runs on node i (control plane included: ztunnel tolerates it).
        node: explicit?.node ?? (phase === 'Pending' ? '' : w.kind === 'DaemonSet' ? cluster.nodes[i % cluster.nodes.length].name : schedulable[hash32(name) % schedulable.length].name),
        phase,
        scenarioReady: explicit?.ready ?? phase === 'Running',
        restarts: explicit?.restarts ?? 0,
        createdMs: !initial ? nowMs : explicit?.age ? this.ago(explicit.age, '') : w.createdMs,
        startingUntilMs: initial ? 0 : nowMs + this.scenario.podStartMs,
        proxy: w.proxy,
        sidecar: w.sidecar,
        ports: w.ports,
        image: w.image,
        serviceAccount: w.serviceAccount,
      });
    }
    w.pods = pods;
  }

  // ---------------------------------------------------------------- queries

  cluster(id: string): MeshCluster {
    const c = this.clusters.get(id);
    if (!c) throw new Error(`unknown cluster "${id}"`);
    return c;
  }

  pods(clusterId: string): MeshPod[] {
    return this.cluster(clusterId).workloads.flatMap((w) => w.pods);
  }

  findPod(clusterId: string, namespace: string, name: string): MeshPod | undefined {
    return this.clusters.get(clusterId)?.workloads.find((w) => w.namespace === namespace && w.pods.some((p) => p.name === name))?.pods.find((p) => p.name === name);
  }

  /** A pod is still starting (scaled up at run time, not yet running). */
  podStarting(pod: MeshPod, nowMs: number): boolean {
    return nowMs < pod.startingUntilMs;
  }

  podReady(pod: MeshPod, nowMs: number): boolean {
    if (pod.phase !== 'Running' || !pod.scenarioReady || this.podStarting(pod, nowMs)) return false;
    return !(pod.role === 'istiod' && this.istiodNotReady.has(pod.cluster));
  }

  /** Pod IP as the API shows it: none while Pending or starting. */
  podIP(pod: MeshPod, nowMs: number): string | null {
    return pod.phase === 'Pending' || this.podStarting(pod, nowMs) ? null : pod.ip;
  }

  /** A LoadBalancer's current external address (null = <pending>). */
  externalIP(svc: MeshService): string | null {
    if (!svc.scenarioExternalIP) return null;
    if (svc.gatewayKind === 'eastwest' && this.eastwestPending.has(svc.cluster)) return null;
    return svc.scenarioExternalIP;
  }

  faults(clusterId: string): ClusterFaults {
    let f = this.apiFaults.get(clusterId);
    if (!f) {
      f = { apiDown: false, latencyMs: 0, forbid: [], prometheusDown: false, prometheusLatencyMs: 0 };
      this.apiFaults.set(clusterId, f);
    }
    return f;
  }

  /** Sync status of a remote cluster as seen by `clusterId`'s istiod (clusterz). */
  remoteStatus(clusterId: string, remote: string): RemoteSyncStatus {
    if (this.istiodNotReady.has(clusterId)) return 'syncing';
    const override = this.remoteSyncOverride.get(key(clusterId, remote));
    if (override && override !== 'synced') return override;
    if (!this.firstSynced.has(key(clusterId, remote))) return 'timeout';
    const cluster = this.cluster(clusterId);
    return override ?? cluster.spec.remoteSecrets.find((r) => r.cluster === remote)?.status ?? (cluster.misconfig.remoteSecrets.get(remote)?.present ? 'synced' : 'timeout');
  }

  /** The running istiod replicas of a cluster. */
  istiodReplicas(clusterId: string): MeshPod[] {
    return this.pods(clusterId).filter((p) => p.role === 'istiod' && p.phase === 'Running');
  }

  /** The istiod replica a proxy is connected to (proxies spread over the running replicas deterministically). */
  istiodOf(proxy: MeshPod, replicas = this.istiodReplicas(proxy.cluster)): MeshPod | undefined {
    // A proxy talks to its revision's replicas: the canary's for the namespaces moved to it, else the default's.
    const canary = this.cluster(proxy.cluster).spec.istiod.canary;
    const owner = canary?.namespaces.includes(proxy.namespace) ? `istiod-${canary.revision}` : 'istiod';
    const ofRevision = replicas.filter((r) => r.owner === owner);
    return ofRevision.length === 0 ? undefined : ofRevision[hash32(proxyId(proxy)) % ofRevision.length];
  }

  /** Remote clusters istiod reads (one per remote-secret data key, its own ID excluded, first secret wins). */
  remoteClusters(clusterId: string): string[] {
    const seen = new Set<string>([clusterId]);
    const out: string[] = [];
    const { misconfig } = this.cluster(clusterId);
    for (const r of this.cluster(clusterId).spec.remoteSecrets) {
      if (seen.has(r.cluster) || misconfig.remoteSecrets.get(r.cluster)?.present === false) continue;
      seen.add(r.cluster);
      out.push(r.cluster);
    }
    for (const [remote, secret] of misconfig.remoteSecrets) {
      if (!secret.present || seen.has(remote) || !this.clusters.has(remote)) continue;
      seen.add(remote);
      out.push(remote);
    }
    return out;
  }

  /** The cluster ID a remote secret names (its data key): the remote's own unless misconfigured. */
  remoteSecretId(clusterId: string, remote: string): string {
    return this.cluster(clusterId).misconfig.remoteSecrets.get(remote)?.id ?? remote;
  }

  /** istiod's CLUSTER_ID in a cluster. */
  istioClusterId(clusterId: string): string {
    return this.cluster(clusterId).misconfig.clusterId ?? clusterId;
  }

  /** The Istio version of a cluster's istiod. */
  istiodVersion(clusterId: string): string {
    return this.cluster(clusterId).misconfig.istiodVersion ?? this.scenario.istio.version;
  }

  /** Mesh config values of a cluster (the istio ConfigMap). */
  meshConfig(clusterId: string): { meshId: string; trustDomain: string; dnsCapture: boolean } {
    const { misconfig } = this.cluster(clusterId);
    const { istio } = this.scenario;
    return { meshId: misconfig.meshId ?? istio.meshId, trustDomain: misconfig.trustDomain ?? istio.trustDomain, dnsCapture: !misconfig.dnsCaptureOff };
  }

  /** Clusters whose endpoints `clusterId`'s istiod has: its own plus remotes that synced. */
  visibleClusters(clusterId: string): string[] {
    return [clusterId, ...this.remoteClusters(clusterId).filter((r) => this.remoteStatus(clusterId, r) === 'synced')];
  }

  private appVersionsCache: { generation: number; versions: Map<string, string[]> } | null = null;

  /** Versions of an app across the whole mesh, sorted (for the DestinationRule subsets). */
  appVersions(namespace: string, app: string): string[] {
    if (this.appVersionsCache?.generation !== this.generation) {
      const sets = new Map<string, Set<string>>();
      for (const c of this.clusters.values()) {
        for (const w of c.workloads) {
          if (w.role !== 'workload' || !w.version) continue;
          const k = key(w.namespace, w.app);
          sets.set(k, (sets.get(k) ?? new Set()).add(w.version));
        }
      }
      this.appVersionsCache = { generation: this.generation, versions: new Map([...sets].map(([k, v]) => [k, [...v].sort()])) };
    }
    return this.appVersionsCache.versions.get(key(namespace, app)) ?? [];
  }

  /**
   * The subsets of a service's DestinationRule in a cluster (bookinfo's pattern): one per version when the
   * app runs several somewhere in the mesh, plus those a subset-unmatched fault added.
   */
  destinationSubsets(clusterId: string, namespace: string, service: string): Array<{ name: string; labels: Record<string, string> }> {
    const versions = this.appVersions(namespace, service);
    const extra = this.extraSubsets.size > 0 ? (this.extraSubsets.get(key(clusterId, namespace, service)) ?? []) : [];
    if (versions.length < 2 && extra.length === 0) return [];
    if (!this.cluster(clusterId).services.some((s) => s.namespace === namespace && s.name === service)) return [];
    return [...(versions.length >= 2 ? versions : []), ...extra].map((v) => ({ name: v, labels: { version: v } }));
  }

  // ---------------------------------------------------------------- changes

  /** Whether a fault can change its cluster's Kubernetes objects (the rest only change what servers answer). */
  changesObjects(fault: LabFault): boolean {
    if (fault.type === 'istiod-version') return true;
    return OBJECT_CHANGING_FAULTS.has(fault.type);
  }

  /**
   * Applies a fault or state change. Returns the clusters whose Kubernetes objects may have changed
   * (the world re-renders and diffs those): the fault's own cluster when changesObjects says so.
   */
  apply(fault: LabFault, nowMs: number): string[] {
    this.cluster(fault.cluster); // unknown cluster ⇒ throws
    this.generation++;
    this.change(fault, nowMs);
    return this.changesObjects(fault) ? [fault.cluster] : [];
  }

  private change(fault: LabFault, nowMs: number): void {
    if (isPathFault(fault)) throw new Error(`${fault.type} is applied by the world (lab/model/path-faults.ts)`);
    const podKey = 'pod' in fault ? key(fault.cluster, fault.namespace, fault.pod) : '';
    const toggle = (set: Set<string>, k: string, on: boolean) => (on ? set.add(k) : set.delete(k));
    switch (fault.type) {
      case 'api-down':
        this.faults(fault.cluster).apiDown = fault.down;
        // Informers that never synced retry; once the API server answers, their first sync finishes.
        if (!fault.down) for (const id of this.clusters.keys()) if (this.remoteClusters(id).includes(fault.cluster)) this.noteFirstSync(id, fault.cluster);
        return;
      case 'api-latency':
        this.faults(fault.cluster).latencyMs = fault.ms;
        return;
      case 'forbid': {
        const f = this.faults(fault.cluster);
        const same = (r: ClusterFaults['forbid'][number]) =>
          r.user === fault.user && r.verb === fault.verb && r.resource === fault.resource && r.namespace === fault.namespace;
        f.forbid = f.forbid.filter((r) => !same(r));
        if (fault.on) f.forbid.push({ user: fault.user, verb: fault.verb, resource: fault.resource, ...(fault.namespace ? { namespace: fault.namespace } : {}) });
        return;
      }
      case 'remote-sync':
        this.remoteSyncOverride.set(key(fault.cluster, fault.remote), fault.status);
        return;
      case 'eastwest-pending':
        toggle(this.eastwestPending, fault.cluster, fault.pending);
        return;
      case 'endpoint-ejected':
        toggle(this.ejected, podKey, fault.on);
        return;
      case 'endpoint-draining':
        toggle(this.draining, podKey, fault.on);
        return;
      case 'istiod-not-ready':
        toggle(this.istiodNotReady, fault.cluster, fault.on);
        return;
      case 'istiod-malformed':
        toggle(this.istiodMalformed, fault.cluster, fault.on);
        return;
      case 'scale-workload': {
        const cluster = this.cluster(fault.cluster);
        const w = cluster.workloads.find((x) => x.namespace === fault.namespace && x.name === fault.workload);
        if (!w) throw new Error(`unknown workload ${fault.namespace}/${fault.workload} in ${fault.cluster}`);
        this.setReplicas(cluster, w, fault.replicas, nowMs);
        return;
      }
      case 'service-errors': {
        const k = key(fault.cluster, fault.namespace, fault.service);
        if (fault.ratio > 0) this.serviceErrors.set(k, { ratio: fault.ratio, code: fault.code ?? 503 });
        else this.serviceErrors.delete(k);
        return;
      }
      case 'prometheus-down':
        this.faults(fault.cluster).prometheusDown = fault.down;
        return;
      case 'prometheus-latency':
        this.faults(fault.cluster).prometheusLatencyMs = fault.ms;
        return;
      default:
        this.misconfigure(fault);
    }
  }

  private misconfigure(fault: MisconfigFault): void {
    const cluster = this.cluster(fault.cluster);
    if (fault.type === 'remote-secret') this.cluster(fault.remote);
    if (fault.type === 'xds' && !this.findPod(fault.cluster, fault.namespace, fault.pod)) throw new Error(`unknown pod ${fault.namespace}/${fault.pod} in ${fault.cluster}`);
    if (applyMisconfig(cluster.misconfig, fault)) cluster.services = effectiveServices(cluster);
    // A remote secret added at run time is read at once: synced if that API server answers.
    if (fault.type === 'remote-secret' && fault.present) this.noteFirstSync(fault.cluster, fault.remote);
    if (fault.type === 'istiod-version') {
      for (const w of cluster.workloads) if (w.role === 'istiod') w.image = `docker.io/istio/pilot:${this.istiodVersion(cluster.id)}`;
    }
  }
}

/** A cluster's Services with its misconfiguration applied (east-west gateway removed or without 15443, Services absent or re-ported). */
function effectiveServices(cluster: MeshCluster): MeshService[] {
  const m = cluster.misconfig;
  if (!m.eastwestMissing && !m.eastwestPortMissing && m.services.size === 0) return cluster.scenarioServices;
  const out: MeshService[] = [];
  for (const svc of cluster.scenarioServices) {
    const override = m.services.get(`${svc.namespace}/${svc.name}`);
    if (override?.absent || (svc.gatewayKind === 'eastwest' && m.eastwestMissing)) continue;
    let ports = svc.ports;
    if (svc.gatewayKind === 'eastwest' && m.eastwestPortMissing) ports = ports.filter((p) => p.port !== 15443);
    if (override?.ports) ports = override.ports.map((port) => ({ name: `tcp-${port}`, port, targetPort: port, protocol: 'TCP' as const }));
    out.push(ports === svc.ports ? svc : { ...svc, ports });
  }
  return out;
}
