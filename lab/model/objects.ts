/**
 * Kubernetes objects of one cluster, rendered from the mesh model. uid is deterministic;
 * resourceVersion is left empty here and assigned by the world's store (it counts changes).
 * Built-in objects carry no apiVersion/kind (the API server adds them per response); CRDs keep theirs.
 */
import type { KubeObject, ResourceType } from '../world';
import { hexOf, kubeSuffix, nodePodCIDR, uuidOf } from './determinism';
import { istioAtLeast } from './scenario';
import { ISTIO_NAMESPACE, type Mesh, type MeshCluster, type MeshPod, type MeshService, type MeshWorkload, serviceHostname } from './mesh';
import type { RootCA } from './rootca';

export const RESOURCE_TYPES: ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'] },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'] },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'] },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'] },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  { group: 'networking.istio.io', version: 'v1', resource: 'gateways', kind: 'Gateway', namespaced: true, shortNames: ['gw'] },
  { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices', kind: 'VirtualService', namespaced: true, shortNames: ['vs'] },
  { group: 'networking.istio.io', version: 'v1', resource: 'destinationrules', kind: 'DestinationRule', namespaced: true, shortNames: ['dr'] },
  { group: 'networking.istio.io', version: 'v1', resource: 'serviceentries', kind: 'ServiceEntry', namespaced: true, shortNames: ['se'] },
  { group: 'security.istio.io', version: 'v1', resource: 'peerauthentications', kind: 'PeerAuthentication', namespaced: true, shortNames: ['pa'] },
];

/**
 * The versions of Istio's CRDs a release serves, preferred first (manifests/charts/base crd-all.gen.yaml
 * of each release): v1 came with 1.22, v1beta1 is served by every release since 1.21 (1.21 has no v1).
 * The store keeps one object per name, as etcd does; the API server answers in the version asked for.
 */
function istioCrdVersions(group: string, istioVersion: string): string[] {
  const v1 = istioAtLeast(istioVersion, '1.22') ? ['v1'] : [];
  return group === 'networking.istio.io' ? [...v1, 'v1beta1', 'v1alpha3'] : [...v1, 'v1beta1'];
}

/** The types the API server serves when the scenario runs `istioVersion`: Istio's CRDs in each version it serves. */
export function servedResourceTypes(istioVersion: string): ResourceType[] {
  return RESOURCE_TYPES.flatMap((t) =>
    (t.group.endsWith('.istio.io') ? istioCrdVersions(t.group, istioVersion) : [t.version]).map((version) => ({ ...t, version, ...(t.shortNames ? { shortNames: [...t.shortNames] } : {}) })),
  );
}

/** "<group>/<resource>" identifies a type in the store. */
export function typeKey(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return `${t.group}/${t.resource}`;
}

/** RFC 3339 in whole seconds, as Kubernetes prints metav1.Time. */
export function timestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  let text = timestampCache.get(seconds);
  if (text === undefined) {
    text = new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';
    // Pods of a workload share creation times, so a small cache saves most formatting at scale.
    if (timestampCache.size > 10_000) timestampCache.clear();
    timestampCache.set(seconds, text);
  }
  return text;
}
const timestampCache = new Map<number, string>();

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export interface RenderContext {
  mesh: Mesh;
  cluster: MeshCluster;
  nowMs: number;
  rootCA: RootCA;
}

/** Sort order of every list: namespace, then name (Intl.Collator is localeCompare without its per-call setup). */
const collator = new Intl.Collator();
function byNamespaceThenName(a: KubeObject, b: KubeObject): number {
  return collator.compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || collator.compare(a.metadata.name, b.metadata.name);
}

function metaOf(cluster: MeshCluster): Meta {
  return (kind, name, namespace, createdMs, extra = {}) => ({
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    uid: uuidOf(`${cluster.id}/${kind}/${namespace ?? ''}/${name}`),
    resourceVersion: '',
    creationTimestamp: timestamp(createdMs),
    ...extra,
  });
}

/**
 * How each type is rendered and counted. Rendered per type so the world can build a type on its first
 * list rather than every object of every cluster up front; `count` says how many objects `render` would
 * give without rendering the large types (absent: render and count).
 */
interface TypeRenderer {
  render(ctx: RenderContext, meta: Meta): KubeObject[];
  count?(cluster: MeshCluster): number;
}

const deployments = (cluster: MeshCluster) => cluster.workloads.filter((w) => w.kind === 'Deployment');

const RENDERERS: Record<string, TypeRenderer> = {
  '/namespaces': { render: renderNamespaces, count: (c) => c.namespaces.length },
  '/nodes': { render: (ctx, meta) => ctx.cluster.nodes.map((node) => renderNode(ctx, node, meta)), count: (c) => c.nodes.length },
  'apps/deployments': { render: (ctx, meta) => deployments(ctx.cluster).map((w) => renderDeployment(ctx, w, meta)), count: (c) => deployments(c).length },
  'apps/replicasets': { render: (ctx, meta) => deployments(ctx.cluster).map((w) => renderReplicaSet(ctx, w, meta)), count: (c) => deployments(c).length },
  '/pods': { render: renderPods, count: (c) => c.workloads.reduce((n, w) => n + w.pods.length, 0) },
  '/services': { render: (ctx, meta) => ctx.cluster.services.map((svc) => renderService(ctx, svc, meta)), count: (c) => c.services.length },
  '/endpoints': {
    render: (ctx, meta) => ctx.cluster.services.map((svc) => renderEndpoints(ctx, svc, serviceBackends(ctx.mesh, ctx.cluster, svc, ctx.nowMs), meta)),
    count: (c) => c.services.length,
  },
  'discovery.k8s.io/endpointslices': {
    render: (ctx, meta) => ctx.cluster.services.map((svc) => renderEndpointSlice(ctx, svc, serviceBackends(ctx.mesh, ctx.cluster, svc, ctx.nowMs), meta)),
    count: (c) => c.services.length,
  },
  // istio, istio-sidecar-injector, a root cert per namespace
  '/configmaps': { render: renderConfigMaps, count: (c) => 2 + c.namespaces.length },
  // cacerts, a remote secret per remote cluster
  '/secrets': { render: renderSecrets },
};

/** The objects of one type (by typeKey) in the cluster, sorted by namespace then name. */
export function renderType(ctx: RenderContext, key: string): KubeObject[] {
  const meta = metaOf(ctx.cluster);
  const renderer = RENDERERS[key];
  const out = renderer ? renderer.render(ctx, meta) : renderIstioConfig(ctx, meta).filter(([resource, group]) => `${group}/${resource}` === key).map(([, , obj]) => obj);
  return out.sort(byNamespaceThenName);
}

/** How many objects renderType would return, without rendering the large types. */
export function countType(ctx: RenderContext, key: string): number {
  const count = RENDERERS[key]?.count;
  return count ? count(ctx.cluster) : renderType(ctx, key).length;
}

function renderNamespaces(ctx: RenderContext, meta: Meta): KubeObject[] {
  const { cluster, mesh } = ctx;
  return cluster.namespaces.map((ns) => {
    const labels: Record<string, string> = { 'kubernetes.io/metadata.name': ns.name };
    const annotations: Record<string, string> = {};
    if (ns.injection) labels['istio-injection'] = 'enabled';
    if (ns.name === ISTIO_NAMESPACE) {
      if (!cluster.misconfig.networkLabelMissing) labels['topology.istio.io/network'] = cluster.network;
      // A remote cluster names the clusters whose istiod configures it (istioctl's remote-cluster marker).
      if (cluster.spec.controlPlane) annotations['topology.istio.io/controlPlaneClusters'] = mesh.istioClusterId(cluster.spec.controlPlane);
    }
    const extra = Object.keys(annotations).length ? { labels, annotations } : { labels };
    return { metadata: meta('Namespace', ns.name, undefined, ns.createdMs, extra), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  });
}

function renderPods(ctx: RenderContext): KubeObject[] {
  const out: KubeObject[] = [];
  for (const w of ctx.cluster.workloads) {
    const template = podTemplate(ctx, w);
    for (const pod of w.pods) out.push(renderPod(ctx, w, template, pod));
  }
  return out;
}

type Meta = (kind: string, name: string, namespace: string | undefined, createdMs: number, extra?: Partial<KubeObject['metadata']>) => KubeObject['metadata'];

/** A node's slice of the cluster's node pod range (misconfig.nodePodCIDR), when the cluster allocates one. */
function podCIDRs(cluster: MeshCluster, node: MeshCluster['nodes'][number]): { podCIDR?: string; podCIDRs?: string[] } {
  const cidr = cluster.misconfig.nodePodCIDR ? nodePodCIDR(cluster.misconfig.nodePodCIDR, cluster.nodes.indexOf(node)) : null;
  return cidr ? { podCIDR: cidr, podCIDRs: [cidr] } : {};
}

function renderNode(ctx: RenderContext, node: MeshCluster['nodes'][number], meta: Meta): KubeObject {
  const { cluster } = ctx;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
  };
  if (node.controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  if (node.region) labels['topology.kubernetes.io/region'] = node.region;
  if (node.zone) labels['topology.kubernetes.io/zone'] = node.zone;
  return {
    metadata: meta('Node', node.name, undefined, cluster.createdMs, { labels }),
    spec: {
      ...podCIDRs(cluster, node),
      ...(node.controlPlane ? { taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: node.ip },
        { type: 'Hostname', address: node.name },
      ],
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: timestamp(ctx.mesh.startMs), lastTransitionTime: timestamp(cluster.createdMs) },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.4 LTS',
        kernelVersion: '5.15.0-105-generic',
        containerRuntimeVersion: 'containerd://1.7.12',
        kubeletVersion: cluster.spec.kubernetesVersion,
        kubeProxyVersion: cluster.spec.kubernetesVersion,
      },
      capacity: { cpu: '4', memory: '8131732Ki', pods: '110' },
      allocatable: { cpu: '4', memory: '8029332Ki', pods: '110' },
    },
  };
}

function replicaSetName(w: MeshWorkload): string {
  return `${w.name}-${w.templateHash}`;
}

/** Labels of a workload's pods (selector labels plus the Istio ones the injector adds). */
function podLabels(ctx: RenderContext, w: MeshWorkload, pod: MeshPod | null): Record<string, string> {
  const labels: Record<string, string> = { ...w.labels };
  if (w.kind === 'Deployment') labels['pod-template-hash'] = w.templateHash;
  else if (w.kind === 'DaemonSet') labels['controller-revision-hash'] = w.templateHash;
  else {
    labels['controller-revision-hash'] = `${w.name}-${w.templateHash}`;
    labels['statefulset.kubernetes.io/pod-name'] = pod?.name ?? '';
  }
  if (w.proxy) {
    labels['service.istio.io/canonical-name'] = w.app;
    labels['service.istio.io/canonical-revision'] = w.version ?? 'latest';
    labels['topology.istio.io/network'] = ctx.cluster.network;
  }
  if (w.sidecar) labels['security.istio.io/tlsMode'] = 'istio';
  if (w.role !== 'workload') labels['sidecar.istio.io/inject'] = 'false';
  return labels;
}

function proxyEnv(ctx: RenderContext, w: MeshWorkload): Array<{ name: string; value: string }> {
  const { cluster, mesh } = ctx;
  const env = [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
    { name: 'ISTIO_META_CLUSTER_ID', value: mesh.istioClusterId(cluster.id) },
    { name: 'ISTIO_META_NETWORK', value: cluster.network },
    { name: 'ISTIO_META_MESH_ID', value: mesh.meshConfig(cluster.id).meshId },
    { name: 'TRUST_DOMAIN', value: mesh.meshConfig(cluster.id).trustDomain },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: w.name },
  ];
  if (w.role === 'eastwest') env.push({ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: cluster.network });
  return env;
}

interface PodTemplate {
  annotations: Record<string, string>;
  containers: Array<Record<string, unknown>>;
  initContainers: Array<Record<string, unknown>>;
  /** imageID per container image (hashing it per pod costs too much at scale). */
  imageIDs: Map<string, string>;
  ownerKind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet';
  ownerName: string;
  ownerReferences: unknown[];
  /** Labels of every replica (a Deployment's; a StatefulSet's pods add their own name). */
  labels: Record<string, string> | null;
  /** Pod spec per node name ('' = unscheduled) and the host address lists per node. */
  specs: Map<string, Record<string, unknown>>;
  hostIPs: Map<string, Array<{ ip: string }>>;
  /** Status pieces that depend only on the pod's times and state, shared between replicas. */
  shared: Map<string, unknown>;
}

/** A shared piece of a template: built once per distinct key. */
function sharedPiece<T>(template: PodTemplate, key: string, build: () => T): T {
  let piece = template.shared.get(key) as T | undefined;
  if (piece === undefined) {
    piece = build();
    template.shared.set(key, piece);
  }
  return piece;
}

/**
 * The parts of a pod that every replica of a workload shares (containers, annotations). Rendered once per
 * workload and shared between its pods' objects, which the store treats as immutable.
 */
function podTemplate(ctx: RenderContext, w: MeshWorkload): PodTemplate {
  const { mesh } = ctx;
  const istioVersion = mesh.scenario.istio.version;
  const proxyImage = `docker.io/istio/proxyv2:${istioVersion}`;
  const annotations: Record<string, string> = {};
  const containers: Array<Record<string, unknown>> = [];
  const initContainers: Array<Record<string, unknown>> = [];

  if (w.role === 'istiod') {
    annotations['prometheus.io/port'] = '15014';
    annotations['prometheus.io/scrape'] = 'true';
    annotations['sidecar.istio.io/inject'] = 'false';
    containers.push({
      name: 'discovery',
      image: w.image,
      args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'],
      ports: [
        { containerPort: 8080, protocol: 'TCP' },
        { containerPort: 15010, protocol: 'TCP' },
        { containerPort: 15017, protocol: 'TCP' },
      ],
      env: [
        { name: 'CLUSTER_ID', value: mesh.istioClusterId(ctx.cluster.id) },
        { name: 'REVISION', value: mesh.scenario.istio.revision },
        { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
      ],
      readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
    });
  } else if (!w.sidecar && w.proxy) {
    // A gateway: the pod is the proxy.
    annotations['prometheus.io/path'] = '/stats/prometheus';
    annotations['prometheus.io/port'] = '15020';
    annotations['prometheus.io/scrape'] = 'true';
    annotations['sidecar.istio.io/inject'] = 'false';
    containers.push({
      name: 'istio-proxy',
      image: proxyImage,
      args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
      ports: [...w.ports.map((p) => ({ containerPort: p, protocol: 'TCP' })), { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
      env: proxyEnv(ctx, w),
    });
  } else {
    annotations['kubectl.kubernetes.io/default-container'] = w.app;
    containers.push({
      name: w.app,
      image: w.image,
      imagePullPolicy: 'IfNotPresent',
      ports: w.ports.map((p) => ({ containerPort: p, protocol: 'TCP' })),
    });
    if (w.sidecar) {
      annotations['istio.io/rev'] = mesh.scenario.istio.revision;
      annotations['kubectl.kubernetes.io/default-logs-container'] = w.app;
      annotations['prometheus.io/path'] = '/stats/prometheus';
      annotations['prometheus.io/port'] = '15020';
      annotations['prometheus.io/scrape'] = 'true';
      annotations['sidecar.istio.io/status'] = JSON.stringify({
        initContainers: ['istio-init'],
        containers: ['istio-proxy'],
        volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'],
        imagePullSecrets: null,
        revision: mesh.scenario.istio.revision,
      });
      initContainers.push({ name: 'istio-init', image: proxyImage, args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'] });
      containers.push({
        name: 'istio-proxy',
        image: proxyImage,
        args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
        ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
        env: proxyEnv(ctx, w),
        readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, failureThreshold: 4, periodSeconds: 15, timeoutSeconds: 3 },
      });
    }
  }

  const imageIDs = new Map(containers.map((c) => [c.image as string, `${c.image as string}@sha256:${hexOf(`image/${c.image as string}`, 64)}`]));
  const ownerKind = w.kind === 'Deployment' ? 'ReplicaSet' : w.kind;
  const ownerName = w.kind === 'Deployment' ? replicaSetName(w) : w.name;
  const ownerReferences = [
    { apiVersion: 'apps/v1', kind: ownerKind, name: ownerName, uid: uuidOf(`${ctx.cluster.id}/${ownerKind}/${w.namespace}/${ownerName}`), controller: true, blockOwnerDeletion: true },
  ];
  const labels = w.kind !== 'StatefulSet' ? podLabels(ctx, w, null) : null;
  return { annotations, containers, initContainers, imageIDs, ownerKind, ownerName, ownerReferences, labels, specs: new Map(), hostIPs: new Map(), shared: new Map() };
}

/** A pod's spec: the template's containers and the node it runs on (one object per node, shared). */
function podSpec(w: MeshWorkload, template: PodTemplate, node: string): Record<string, unknown> {
  let spec = template.specs.get(node);
  if (!spec) {
    const { containers, initContainers } = template;
    spec = {
      ...(initContainers.length > 0 ? { initContainers } : {}),
      containers,
      ...(node !== '' ? { nodeName: node } : {}),
      serviceAccountName: w.serviceAccount,
      serviceAccount: w.serviceAccount,
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    };
    template.specs.set(node, spec);
  }
  return spec;
}

/** A pod's uid (its object's, and the targetRef of its endpoints): hashed once per pod. */
const podUids = new WeakMap<MeshPod, string>();
function podUid(pod: MeshPod): string {
  let uid = podUids.get(pod);
  if (uid === undefined) {
    uid = uuidOf(`${pod.cluster}/Pod/${pod.namespace}/${pod.name}`);
    podUids.set(pod, uid);
  }
  return uid;
}

/**
 * A pod object. Everything that is the same for many replicas (spec, labels, owner, conditions, container
 * states) is shared from the workload's template; only what is the pod's own is built per pod.
 */
function renderPod(ctx: RenderContext, w: MeshWorkload, template: PodTemplate, pod: MeshPod): KubeObject {
  const { mesh, nowMs, cluster } = ctx;
  const { containers, initContainers } = template;
  const starting = mesh.podStarting(pod, nowMs);
  const ready = mesh.podReady(pod, nowMs);
  const scheduled = pod.node !== '';
  const ip = mesh.podIP(pod, nowMs);
  const condition = (type: string, ok: boolean, reason?: string, message?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: timestamp(ok ? pod.createdMs + 3000 : pod.createdMs),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });

  const status: Record<string, unknown> = { phase: starting ? 'Pending' : pod.phase, qosClass: 'Burstable', startTime: timestamp(pod.createdMs) };
  if (!scheduled) {
    const nodes = cluster.nodes.length;
    status.conditions = sharedPiece(template, `unscheduled/${pod.createdMs}`, () => [
      condition('PodScheduled', false, 'Unschedulable', `0/${nodes} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`),
    ]);
    delete status.startTime;
  } else {
    status.conditions = sharedPiece(template, `conditions/${pod.createdMs}/${starting}/${ready}`, () => {
      const notReadyContainers = containers.map((c) => c.name as string).join(' ');
      return [
        condition('Initialized', !starting),
        condition('Ready', ready, ready ? undefined : 'ContainersNotReady', ready ? undefined : `containers with unready status: [${notReadyContainers}]`),
        condition('ContainersReady', ready, ready ? undefined : 'ContainersNotReady', ready ? undefined : `containers with unready status: [${notReadyContainers}]`),
        condition('PodScheduled', true),
      ];
    });
    let hostIPs = template.hostIPs.get(pod.node);
    if (!hostIPs) {
      const hostIP = cluster.nodes.find((n) => n.name === pod.node)?.ip;
      hostIPs = hostIP ? [{ ip: hostIP }] : [];
      template.hostIPs.set(pod.node, hostIPs);
    }
    status.hostIP = hostIPs[0]?.ip;
    status.hostIPs = hostIPs;
    if (ip) {
      status.podIP = ip;
      status.podIPs = [{ ip }];
    }
    const state = sharedPiece(template, `state/${pod.createdMs}/${starting}`, () =>
      starting ? { waiting: { reason: 'ContainerCreating' } } : { running: { startedAt: timestamp(pod.createdMs + 2000) } },
    );
    const lastState = sharedPiece(template, 'lastState', () => ({}));
    status.containerStatuses = containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: template.imageIDs.get(c.image as string),
      containerID: starting ? undefined : `containerd://${hexOf(`${pod.cluster}/${pod.namespace}/${pod.name}/${c.name as string}`, 64)}`,
      ready: ready,
      started: !starting,
      restartCount: pod.restarts,
      state,
      lastState,
    }));
    if (initContainers.length > 0 && !starting) {
      status.initContainerStatuses = sharedPiece(template, `init/${pod.createdMs}`, () =>
        initContainers.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: '',
          ready: true,
          restartCount: 0,
          started: false,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: timestamp(pod.createdMs + 1000), finishedAt: timestamp(pod.createdMs + 1500) } },
          lastState: {},
        })),
      );
    }
  }

  return {
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: podUid(pod),
      resourceVersion: '',
      creationTimestamp: timestamp(pod.createdMs),
      ...(w.kind !== 'StatefulSet' ? { generateName: `${template.ownerName}-` } : {}),
      labels: template.labels ?? podLabels(ctx, w, pod),
      annotations: template.annotations,
      ownerReferences: template.ownerReferences,
    },
    spec: podSpec(w, template, pod.node),
    status,
  };
}

function workloadStatus(ctx: RenderContext, w: MeshWorkload) {
  const ready = w.pods.filter((p) => ctx.mesh.podReady(p, ctx.nowMs)).length;
  return { replicas: w.pods.length, ready };
}

function renderDeployment(ctx: RenderContext, w: MeshWorkload, meta: Meta): KubeObject {
  const { replicas, ready } = workloadStatus(ctx, w);
  const available = ready === replicas;
  return {
    metadata: meta('Deployment', w.name, w.namespace, w.createdMs, { labels: { ...w.labels }, annotations: { 'deployment.kubernetes.io/revision': '1' } }),
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { ...w.labels } },
      template: { metadata: { labels: { ...w.labels } }, spec: { containers: [{ name: w.role === 'workload' ? w.app : w.role === 'istiod' ? 'discovery' : 'istio-proxy', image: w.image }], serviceAccountName: w.serviceAccount } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
      ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        {
          type: 'Available',
          status: available ? 'True' : 'False',
          reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
          lastUpdateTime: timestamp(w.createdMs),
          lastTransitionTime: timestamp(w.createdMs),
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${replicaSetName(w)}" has successfully progressed.`,
          lastUpdateTime: timestamp(w.createdMs),
          lastTransitionTime: timestamp(w.createdMs),
        },
      ],
    },
  };
}

function renderReplicaSet(ctx: RenderContext, w: MeshWorkload, meta: Meta): KubeObject {
  const { replicas, ready } = workloadStatus(ctx, w);
  const labels = { ...w.labels, 'pod-template-hash': w.templateHash };
  return {
    metadata: meta('ReplicaSet', replicaSetName(w), w.namespace, w.createdMs, {
      labels,
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(w.replicas), 'deployment.kubernetes.io/max-replicas': String(w.replicas + Math.ceil(w.replicas / 4)), 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: w.name, uid: uuidOf(`${ctx.cluster.id}/Deployment/${w.namespace}/${w.name}`), controller: true, blockOwnerDeletion: true }],
    }),
    spec: { replicas: w.replicas, selector: { matchLabels: labels }, template: { metadata: { labels } } },
    status: { replicas, fullyLabeledReplicas: replicas, observedGeneration: 1, ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}) },
  };
}

function renderService(ctx: RenderContext, svc: MeshService, meta: Meta): KubeObject {
  const external = ctx.mesh.externalIP(svc);
  return {
    metadata: meta('Service', svc.name, svc.namespace, svc.createdMs, { labels: { ...svc.labels } }),
    spec: {
      type: svc.type,
      clusterIP: svc.clusterIP,
      clusterIPs: [svc.clusterIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ...(svc.type === 'LoadBalancer' ? { externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true } : {}),
      ...(Object.keys(svc.selector).length > 0 ? { selector: { ...svc.selector } } : {}),
      ports: svc.ports.map((p) => ({ name: p.name, protocol: p.protocol, port: p.port, targetPort: p.targetPort, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}) })),
    },
    status: { loadBalancer: external ? { ingress: [{ ip: external, ipMode: 'VIP' }] } : {} },
  };
}

export interface Backend {
  ip: string;
  node: string;
  ready: boolean;
  pod?: MeshPod;
}

/** The addresses behind a Service: selected pods that have an IP (the kubernetes Service: control-plane nodes). */
export function serviceBackends(mesh: Mesh, cluster: MeshCluster, svc: MeshService, nowMs: number): Backend[] {
  if (svc.namespace === 'default' && svc.name === 'kubernetes') {
    return cluster.nodes.filter((n) => n.controlPlane).map((n) => ({ ip: n.ip, node: n.name, ready: true }));
  }
  const backends: Backend[] = [];
  for (const pod of selectPods(cluster, svc)) {
    const ip = mesh.podIP(pod, nowMs);
    if (ip !== null) backends.push({ ip, node: pod.node, ready: mesh.podReady(pod, nowMs), pod });
  }
  return backends;
}

/** Pods of the Service's cluster and namespace whose labels match its selector. */
export function selectPods(cluster: MeshCluster, svc: MeshService): MeshPod[] {
  const entries = Object.entries(svc.selector);
  if (entries.length === 0) return [];
  return workloadsIn(cluster, svc.namespace)
    .filter((w) => entries.every(([k, v]) => w.labels[k] === v))
    .flatMap((w) => w.pods);
}

/** A cluster's workloads by namespace (a cluster's workload list is fixed; scaling changes their pods). */
const workloadsByNamespace = new WeakMap<MeshCluster, Map<string, MeshWorkload[]>>();
function workloadsIn(cluster: MeshCluster, namespace: string): MeshWorkload[] {
  let index = workloadsByNamespace.get(cluster);
  if (!index) {
    index = new Map();
    for (const w of cluster.workloads) {
      const list = index.get(w.namespace);
      if (list) list.push(w);
      else index.set(w.namespace, [w]);
    }
    workloadsByNamespace.set(cluster, index);
  }
  return index.get(namespace) ?? [];
}

function targetRef(pod: MeshPod) {
  return { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: podUid(pod) };
}

function renderEndpoints(ctx: RenderContext, svc: MeshService, backends: Backend[], meta: Meta): KubeObject {
  const address = (b: Backend) => ({ ip: b.ip, nodeName: b.node, ...(b.pod ? { targetRef: targetRef(b.pod) } : {}) });
  const ready = backends.filter((b) => b.ready).map(address);
  const notReady = backends.filter((b) => !b.ready).map(address);
  const ports = svc.ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: p.protocol }));
  return {
    metadata: meta('Endpoints', svc.name, svc.namespace, svc.createdMs, { labels: { ...svc.labels } }),
    subsets: backends.length === 0 ? [] : [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }],
  };
}

function renderEndpointSlice(ctx: RenderContext, svc: MeshService, backends: Backend[], meta: Meta): KubeObject {
  const name = `${svc.name}-${kubeSuffix(`${ctx.cluster.id}/${svc.namespace}/${svc.name}`, 5)}`;
  const zoneOf = (node: string) => ctx.cluster.nodes.find((n) => n.name === node)?.zone;
  return {
    metadata: meta('EndpointSlice', name, svc.namespace, svc.createdMs, {
      generateName: `${svc.name}-`,
      labels: { ...svc.labels, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': svc.name },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.name, uid: uuidOf(`${ctx.cluster.id}/Service/${svc.namespace}/${svc.name}`), controller: true, blockOwnerDeletion: true }],
    }),
    addressType: 'IPv4',
    endpoints: backends.map((b) => {
      const zone = zoneOf(b.node);
      return {
        addresses: [b.ip],
        conditions: { ready: b.ready, serving: b.ready, terminating: false },
        nodeName: b.node,
        ...(zone ? { zone } : {}),
        ...(b.pod ? { targetRef: targetRef(b.pod) } : {}),
      };
    }),
    ports: svc.ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: p.protocol })),
  };
}

function meshConfigYaml(ctx: RenderContext): string {
  const istio = ctx.mesh.meshConfig(ctx.cluster.id);
  const dns = istio.dnsCapture ? `\n  proxyMetadata:\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"\n    ISTIO_META_DNS_CAPTURE: "true"` : '';
  return `defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n  meshId: ${istio.meshId}${dns}\n  tracing:\n    zipkin:\n      address: zipkin.istio-system:9411\ndefaultProviders:\n  metrics:\n  - prometheus\nenablePrometheusMerge: true\nrootNamespace: istio-system\ntrustDomain: ${istio.trustDomain}`;
}

function renderConfigMaps(ctx: RenderContext, meta: Meta): KubeObject[] {
  const { mesh, cluster } = ctx;
  const { istio } = mesh.scenario;
  const istiodCreated = cluster.workloads.find((w) => w.role === 'istiod')?.createdMs ?? cluster.createdMs;
  const out: KubeObject[] = [];
  const istioLabels = { 'app.kubernetes.io/name': 'istiod', 'istio.io/rev': istio.revision, 'operator.istio.io/component': 'Pilot', release: 'istio' };
  out.push({
    metadata: meta('ConfigMap', 'istio', ISTIO_NAMESPACE, istiodCreated, { labels: istioLabels }),
    data: { mesh: meshConfigYaml(ctx), meshNetworks: 'networks: {}' },
  });
  const values = {
    global: {
      hub: 'docker.io/istio',
      tag: istio.version,
      istioNamespace: ISTIO_NAMESPACE,
      meshID: mesh.meshConfig(cluster.id).meshId,
      multiCluster: { clusterName: mesh.istioClusterId(cluster.id), enabled: true },
      network: cluster.network,
      proxy: { image: 'proxyv2', clusterDomain: 'cluster.local' },
      caAddress: '',
      pilotCertProvider: 'istiod',
    },
    revision: istio.revision === 'default' ? '' : istio.revision,
    sidecarInjectorWebhook: { defaultTemplates: [], enableNamespacesByDefault: false, rewriteAppHTTPProbe: true, templates: {} },
  };
  out.push({
    metadata: meta('ConfigMap', 'istio-sidecar-injector', ISTIO_NAMESPACE, istiodCreated, { labels: istioLabels }),
    data: { config: 'defaultTemplates: [sidecar]\npolicy: enabled\nalwaysInjectSelector: []\nneverInjectSelector: []\ninjectedAnnotations: {}\ntemplate: "{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}"\ntemplates:\n  sidecar: |\n    # (template elided by the lab)\n', values: JSON.stringify(values, null, 2) },
  });
  for (const ns of cluster.namespaces) {
    out.push({
      metadata: meta('ConfigMap', 'istio-ca-root-cert', ns.name, Math.max(ns.createdMs, istiodCreated), { labels: { 'istio.io/config': 'true' } }),
      data: { 'root-cert.pem': ctx.rootCA.certPem },
    });
  }
  return out;
}

function renderSecrets(ctx: RenderContext, meta: Meta): KubeObject[] {
  const { mesh, cluster, rootCA } = ctx;
  const istiodCreated = cluster.workloads.find((w) => w.role === 'istiod')?.createdMs ?? cluster.createdMs;
  const out: KubeObject[] = [
    {
      metadata: meta('Secret', 'cacerts', ISTIO_NAMESPACE, istiodCreated - 60_000),
      type: 'Opaque',
      // The lab's CA signs workload certificates directly, so the chain is the root itself.
      data: { 'ca-cert.pem': b64(rootCA.certPem), 'ca-key.pem': b64(rootCA.keyPem), 'cert-chain.pem': b64(rootCA.certPem), 'root-cert.pem': b64(rootCA.certPem) },
    },
  ];
  for (const remoteId of mesh.remoteClusters(cluster.id)) {
    const remote = { cluster: remoteId, id: mesh.remoteSecretId(cluster.id, remoteId) };
    const target = mesh.clusters.get(remote.cluster);
    const server = target?.nodes.find((n) => n.controlPlane)?.ip ?? target?.nodes[0]?.ip ?? '127.0.0.1';
    const kubeconfig = [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      `    certificate-authority-data: ${b64(`lab CA of ${remote.cluster}`)}`,
      `    server: https://${server}:6443`,
      `  name: ${remote.cluster}`,
      'contexts:',
      '- context:',
      `    cluster: ${remote.cluster}`,
      `    user: ${remote.cluster}`,
      `  name: ${remote.cluster}`,
      `current-context: ${remote.cluster}`,
      'kind: Config',
      'preferences: {}',
      'users:',
      `- name: ${remote.cluster}`,
      '  user:',
      `    token: lab-fake-token-istio-reader-service-account-${remote.cluster}`,
      '',
    ].join('\n');
    out.push({
      metadata: meta('Secret', `istio-remote-secret-${remote.cluster}`, ISTIO_NAMESPACE, istiodCreated + 60_000, {
        labels: { 'istio/multiCluster': 'true' },
        annotations: { 'networking.istio.io/cluster': remote.id },
      }),
      type: 'Opaque',
      // istiod names the cluster after the data key (the ID `istioctl create-remote-secret --name` wrote).
      data: { [remote.id]: b64(kubeconfig) },
    });
  }
  return out;
}

/** A VirtualService's weighted route over a service's subsets: equal shares, the last one taking the rest of 100. */
export function virtualServiceRoute(host: string, subsets: string[]): Array<{ destination: { host: string; subset: string }; weight: number }> {
  const share = Math.floor(100 / subsets.length);
  return subsets.map((subset, i) => ({ destination: { host, subset }, weight: i === subsets.length - 1 ? 100 - share * (subsets.length - 1) : share }));
}

/** Istio config: the cross-network gateway (expose-services.yaml), mesh-wide mTLS, and bookinfo-style routing. */
function renderIstioConfig(ctx: RenderContext, meta: Meta): Array<[string, string, KubeObject]> {
  const { cluster } = ctx;
  const out: Array<[string, string, KubeObject]> = [];
  const networking = (kind: string, resource: string, name: string, namespace: string, createdMs: number, spec: unknown): [string, string, KubeObject] => [
    resource,
    'networking.istio.io',
    { apiVersion: 'networking.istio.io/v1', kind, metadata: { ...meta(kind, name, namespace, createdMs), generation: 1 } as KubeObject['metadata'], spec },
  ];
  // The Gateways of the east-west gateway (samples/multicluster expose-services.yaml, expose-istiod.yaml)
  // stay when its Service is deleted: they select pods, which still run.
  const eastwest = cluster.scenarioServices.find((s) => s.gatewayKind === 'eastwest');
  if (eastwest && !cluster.misconfig.crossNetworkGatewayMissing) {
    out.push(
      networking('Gateway', 'gateways', 'cross-network-gateway', ISTIO_NAMESPACE, eastwest.createdMs + 30_000, {
        selector: { istio: eastwest.selector.istio },
        servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }],
      }),
    );
  }
  if (eastwest && !cluster.misconfig.istiodGatewayMissing) {
    out.push(
      networking('Gateway', 'gateways', 'istiod-gateway', ISTIO_NAMESPACE, eastwest.createdMs + 30_000, {
        selector: { istio: eastwest.selector.istio },
        servers: [
          { port: { name: 'tls-istiod', number: 15012, protocol: 'tls' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
          { port: { name: 'tls-istiodwebhook', number: 15017, protocol: 'tls' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
        ],
      }),
    );
  }
  const istiodCreated = cluster.workloads.find((w) => w.role === 'istiod')?.createdMs ?? cluster.createdMs;
  out.push([
    'peerauthentications',
    'security.istio.io',
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { ...meta('PeerAuthentication', 'default', ISTIO_NAMESPACE, istiodCreated + 120_000), generation: 1 } as KubeObject['metadata'], spec: { mtls: { mode: 'STRICT' } } },
  ]);
  // Routing for every service that has several versions somewhere in the mesh: a DestinationRule with
  // subsets per version and a VirtualService (the bookinfo samples' pattern).
  // A failover drill adds locality load balancing without outlier detection (which failover needs).
  for (const svc of cluster.services) {
    const subsets = ctx.mesh.destinationSubsets(cluster.id, svc.namespace, svc.name);
    const failover = cluster.misconfig.failoverWithoutOutlier.has(`${svc.namespace}/${svc.name}`);
    if (subsets.length === 0 && !failover) continue;
    const host = serviceHostname(svc.name, svc.namespace);
    const trafficPolicy = failover ? { trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN', localityLbSetting: { enabled: true } } } } : {};
    out.push(networking('DestinationRule', 'destinationrules', svc.name, svc.namespace, svc.createdMs + 60_000, { host, ...trafficPolicy, subsets }));
    if (subsets.length === 0) continue;
    out.push(networking('VirtualService', 'virtualservices', svc.name, svc.namespace, svc.createdMs + 60_000, { hosts: [svc.name], http: [{ route: virtualServiceRoute(svc.name, subsets.map((s) => s.name)) }] }));
  }
  out.push(
    networking('ServiceEntry', 'serviceentries', 'external-httpbin', 'istio-system', istiodCreated + 180_000, {
      hosts: ['httpbin.org'],
      location: 'MESH_EXTERNAL',
      ports: [{ number: 443, name: 'https', protocol: 'TLS' }],
      resolution: 'DNS',
    }),
  );
  return out;
}
