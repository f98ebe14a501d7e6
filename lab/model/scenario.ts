/**
 * The scenario: a concise YAML description of a multi-cluster Istio mesh. Everything the lab serves is
 * computed from it (lab/model/mesh.ts resolves the generated values, the other modules render them).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TrafficSpec } from '../traffic/spec';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 name');
const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address');
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR');
/** Istio versions are "major.minor.patch"; the lab's version knob takes the same form. */
export const ISTIO_VERSION = /^\d+\.\d+\.\d+$/;
const age = z.string().regex(/^(\d+[dhms])+$/, 'must be an age like 103m, 10d or 9m43s');

const NodeSpec = z.union([
  name.transform((n) => ({ name: n })),
  z.object({ name, ip: ipv4.optional(), region: z.string().optional(), zone: z.string().optional(), controlPlane: z.boolean().optional() }),
]);

/**
 * A gateway Service port as kubectl prints it: "15021:31046" (port:nodePort) or "15443" (nodePort
 * generated); or spelled out.
 */
const GatewayPort = z.union([
  z.string().regex(/^\d+(:\d+)?$/, 'must be "port" or "port:nodePort"').transform((text) => {
    const [port, nodePort] = text.split(':').map(Number);
    return { port, nodePort: nodePort as number | undefined, name: undefined as string | undefined, targetPort: undefined as number | undefined };
  }),
  z.number().int().transform((port) => ({ port, nodePort: undefined as number | undefined, name: undefined as string | undefined, targetPort: undefined as number | undefined })),
  z.object({ port: z.number().int(), nodePort: z.number().int().optional(), name: z.string().optional(), targetPort: z.number().int().optional() }),
]);

const GatewaySpec = z.object({
  name,
  /** eastwest: the cross-network gateway (labelled with the network); ingress: north-south. */
  kind: z.enum(['eastwest', 'ingress']),
  clusterIP: ipv4.optional(),
  /** LoadBalancer address; omitted = <pending>. */
  externalIP: ipv4.optional(),
  ports: z.array(GatewayPort).min(1),
  /** Explicit pod names; their count is the replica count. */
  pods: z.array(name).optional(),
  replicas: z.number().int().min(0).optional(),
  /** Age of the pods; serviceAge of the Service (default: the same). */
  age: age.optional(),
  serviceAge: age.optional(),
});

const RemoteSync = z.enum(['synced', 'syncing', 'timeout', 'closed']);

const ClusterSpec = z.object({
  /** Istio cluster ID (also the kubeconfig cluster name). */
  id: name,
  /** kubeconfig context and user names; default "<id>-admin@<id>" and "<id>-admin". */
  context: z.string().optional(),
  user: z.string().optional(),
  auth: z.enum(['cert', 'token']).default('cert'),
  /** Extra users (each gets a context "<user>@<id>"), e.g. a restricted viewer for 403 drills. */
  extraUsers: z.array(z.object({ name: z.string(), auth: z.enum(['cert', 'token']).default('token') })).default([]),
  network: name,
  kubernetesVersion: z.string().regex(/^v\d+\.\d+\.\d+$/).default('v1.29.4'),
  podCIDR: cidr.default('192.168.0.0/16'),
  /**
   * The range kube-controller-manager (--allocate-node-cidrs) slices into the nodes' spec.podCIDR, a /24
   * each. Absent: nodes carry none, as with an IPAM of its own (Calico's pools; the seed's clusters).
   */
  nodePodCIDR: cidr.optional(),
  serviceCIDR: cidr.default('10.96.0.0/12'),
  nodeCIDR: cidr.default('172.40.140.0/24'),
  nodes: z.array(NodeSpec).min(1).optional(),
  /** Locality applied to nodes that do not state their own. */
  region: z.string().optional(),
  zone: z.string().optional(),
  /** How long ago the cluster (kube-system, nodes) was created. */
  age: age.default('30d'),
  istiod: z
    .object({
      pods: z.array(name).optional(),
      replicas: z.number().int().min(0).optional(),
      clusterIP: ipv4.optional(),
      age: age.optional(),
      serviceAge: age.optional(),
      /** This istiod's Istio version (default istio.version), e.g. mid-upgrade clusters. */
      version: z.string().regex(/^\d+\.\d+\.\d+$/).optional(),
      /**
       * A second control plane revision installed beside the default one (a canary upgrade): Deployment
       * istiod-<revision> labelled istio.io/rev=<revision>, serving the proxies of `namespaces` only.
       */
      canary: z
        .object({ revision: name, version: z.string().regex(ISTIO_VERSION).optional(), replicas: z.number().int().min(1).default(1), namespaces: z.array(name).default([]) })
        .optional(),
      /** istiod's CLUSTER_ID when it is not the cluster's id (a misconfiguration drill). */
      clusterId: name.optional(),
    })
    .default({}),
  gateways: z.array(GatewaySpec).default([]),
  /** Remote secrets this cluster's istiod reads: one Secret istio-remote-secret-<cluster> each. */
  /** `id`: the cluster ID the secret names (default the cluster's; e.g. `Kubernetes` for a wrong secret). */
  remoteSecrets: z.array(z.object({ cluster: name, status: RemoteSync.default('synced'), id: z.string().optional() })).default([]),
  /** Mesh config of this cluster when it differs from istio: (drills for mismatches). */
  meshId: z.string().optional(),
  trustDomain: z.string().optional(),
  dnsCapture: z.boolean().optional(),
  /** istio-system carries topology.istio.io/network (false: the label is missing). */
  networkLabel: z.boolean().default(true),
  /** The cross-network Gateway (expose-services.yaml) on the east-west gateway. */
  crossNetworkGateway: z.boolean().default(true),
  /** The istiod Gateway (expose-istiod.yaml, ports 15012/15017) for remote clusters. */
  exposeIstiod: z.boolean().default(false),
  /** A remote cluster (primary-remote): configured by this cluster's istiod, no istiod of its own. */
  controlPlane: name.optional(),
  /** Ambient data plane: ztunnel on every node, a waypoint per namespace, HBONE east-west gateways. */
  ambient: z.boolean().default(false),
  /** Root CA identity when istio.sharedRootCA is false (clusters naming the same CA share it). */
  rootCA: z.string().optional(),
});

const ServicePort = z.union([
  z.number().int().transform((port) => ({ port, name: undefined as string | undefined, targetPort: undefined as number | undefined, protocol: 'TCP' as const })),
  z.object({ port: z.number().int(), name: z.string().optional(), targetPort: z.number().int().optional(), protocol: z.enum(['TCP', 'UDP']).default('TCP') }),
]);

const PodSpec = z.object({
  name,
  ip: ipv4.optional(),
  node: z.string().optional(),
  phase: z.enum(['Running', 'Pending', 'Succeeded', 'Failed']).default('Running'),
  ready: z.boolean().optional(),
  restarts: z.number().int().min(0).default(0),
  age: age.optional(),
});

const WorkloadSpec = z.object({
  /** Deployment (or StatefulSet) name, e.g. reviews-v1. */
  name,
  namespace: name,
  cluster: name,
  app: name,
  version: z.string().optional(),
  kind: z.enum(['Deployment', 'StatefulSet']).default('Deployment'),
  replicas: z.number().int().min(0).optional(),
  /** Container ports of the main container (service targetPorts point here). */
  ports: z.array(z.number().int()).default([]),
  image: z.string().optional(),
  /** Injected istio-proxy sidecar; default: the namespace's injection label. */
  sidecar: z.boolean().optional(),
  serviceAccount: z.string().optional(),
  pods: z.array(PodSpec).default([]),
  age: age.default('79m'),
});

const ServiceSpec = z.object({
  name,
  namespace: name,
  /** Clusters defining the Service; default every cluster. */
  clusters: z.array(name).optional(),
  ports: z.array(ServicePort).min(1),
  /** Explicit cluster IPs per cluster; others are generated. */
  clusterIPs: z.record(z.string(), ipv4).default({}),
  selector: z.record(z.string(), z.string()).optional(),
  /** Extra Service labels, e.g. istio.io/persistent-session (istiod then sends its draining endpoints). */
  labels: z.record(z.string(), z.string()).default({}),
  age: age.optional(),
});

/** Which services a workload's sidecar is configured for (a Sidecar egress); default every mesh service. */
const CallSpec = z.object({
  from: z.object({ namespace: name, app: name }),
  /** "<service>.<namespace>" names. */
  to: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'must be "<service>.<namespace>"')),
});

/** Per-proxy xDS state for syncz (default SYNCED everywhere). */
const XdsStateSpec = z.object({
  cluster: name,
  namespace: name,
  pod: name,
  type: z.enum(['cds', 'lds', 'rds', 'eds', 'nds', 'wds', 'wads']),
  /** error: the proxy rejected the last push (a NACK: lastError from 1.23, STALE before). */
  status: z.enum(['stale', 'never-acked', 'not-sent', 'error']),
});

/** The xDS states a proxy can be put in (error: a NACK, 1.23+ istiods report it). */
const XdsStatus = z.enum(['synced', 'stale', 'never-acked', 'not-sent', 'error']);

/** A LabFault (lab/world.ts) as the scenario's faults: and POST /faults accept it. */
export const LabFaultSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api-down'), cluster: z.string(), down: z.boolean() }),
  z.object({ type: z.literal('api-latency'), cluster: z.string(), ms: z.number().min(0) }),
  z.object({
    type: z.literal('forbid'),
    cluster: z.string(),
    user: z.string(),
    verb: z.string(),
    resource: z.string(),
    namespace: z.string().optional(),
    on: z.boolean(),
  }),
  z.object({ type: z.literal('remote-sync'), cluster: z.string(), remote: z.string(), status: RemoteSync }),
  z.object({ type: z.literal('eastwest-pending'), cluster: z.string(), pending: z.boolean() }),
  z.object({ type: z.literal('endpoint-ejected'), cluster: z.string(), namespace: z.string(), pod: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('endpoint-draining'), cluster: z.string(), namespace: z.string(), pod: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('istiod-not-ready'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('istiod-malformed'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('scale-workload'), cluster: z.string(), namespace: z.string(), workload: z.string(), replicas: z.number().int().min(0) }),
  z.object({ type: z.literal('root-ca'), cluster: z.string(), ca: z.string().nullable() }),
  z.object({ type: z.literal('root-expiry'), cluster: z.string(), days: z.number().nullable() }),
  z.object({ type: z.literal('network-label-missing'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('eastwest-missing'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('eastwest-port-missing'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('cross-network-gateway-missing'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('istiod-gateway-missing'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('node-pod-cidr'), cluster: z.string(), cidr: cidr.nullable() }),
  z.object({ type: z.literal('remote-secret'), cluster: z.string(), remote: z.string(), present: z.boolean(), id: z.string().optional() }),
  z.object({ type: z.literal('cluster-id'), cluster: z.string(), id: z.string().nullable() }),
  z.object({ type: z.literal('trust-domain'), cluster: z.string(), trustDomain: z.string().nullable() }),
  z.object({ type: z.literal('mesh-id'), cluster: z.string(), meshId: z.string().nullable() }),
  z.object({ type: z.literal('dns-capture-off'), cluster: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('istiod-version'), cluster: z.string(), version: z.string().regex(/^\d+\.\d+\.\d+$/).nullable() }),
  z.object({ type: z.literal('service-ports'), cluster: z.string(), namespace: z.string(), name: z.string(), ports: z.array(z.number().int()).nullable() }),
  z.object({ type: z.literal('service-absent'), cluster: z.string(), namespace: z.string(), name: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('failover-without-outlier'), cluster: z.string(), namespace: z.string(), service: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('xds'), cluster: z.string(), namespace: z.string(), pod: z.string(), xdsType: z.enum(['cds', 'lds', 'rds', 'eds']), status: XdsStatus }),
  z.object({ type: z.literal('istiod-shard-empty'), cluster: z.string(), replica: z.string(), remote: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('eds-stale'), cluster: z.string(), namespace: z.string(), pod: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('subset-unmatched'), cluster: z.string(), namespace: z.string(), service: z.string(), subset: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('sidecar-removed'), cluster: z.string(), namespace: z.string(), workload: z.string(), on: z.boolean() }),
  z.object({
    type: z.literal('service-errors'),
    cluster: z.string(),
    namespace: z.string(),
    service: z.string(),
    ratio: z.number().min(0).max(1),
    code: z.number().int().min(500).max(599).optional(),
  }),
  z.object({ type: z.literal('prometheus-down'), cluster: z.string(), down: z.boolean() }),
  z.object({ type: z.literal('prometheus-latency'), cluster: z.string(), ms: z.number().min(0) }),
]);

export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    istio: z
      .object({
        version: z.string().regex(ISTIO_VERSION).default('1.21.2'),
        revision: z.string().default('default'),
        meshId: z.string().default('mesh1'),
        trustDomain: z.string().default('cluster.local'),
        dnsCapture: z.boolean().default(true),
        sharedRootCA: z.boolean().default(true),
      })
      .default({ version: '1.21.2', revision: 'default', meshId: 'mesh1', trustDomain: 'cluster.local', dnsCapture: true, sharedRootCA: true }),
    /** Time a new replica (scale-workload) takes from Pending to Ready. */
    podStartMs: z.number().int().min(0).default(1500),
    clusters: z.array(ClusterSpec).min(1),
    namespaces: z.array(z.object({ name, injection: z.boolean().default(true), age: age.optional() })).default([]),
    workloads: z.array(WorkloadSpec).default([]),
    services: z.array(ServiceSpec).default([]),
    calls: z.array(CallSpec).default([]),
    xds: z.array(XdsStateSpec).default([]),
    /**
     * Istio's addons installed in istio-system (samples/addons): `prometheus` is a Deployment and Service
     * prometheus:9090; the lab runs a real Prometheus behind it (lab/prometheus).
     */
    addons: z.array(z.enum(['prometheus'])).default([]),
    /** Requests each caller sends to each service (lab/traffic): rates, errors, latency. */
    traffic: z.array(TrafficSpec).default([]),
    faults: z.array(LabFaultSpec).default([]),
  })
  .superRefine((s, ctx) => {
    const clusterIds = new Set(s.clusters.map((c) => c.id));
    const namespaces = new Set(s.namespaces.map((n) => n.name));
    const unknownCluster = (id: string, path: (string | number)[]) => {
      if (!clusterIds.has(id)) ctx.addIssue({ code: 'custom', path, message: `unknown cluster "${id}"` });
    };
    if (clusterIds.size !== s.clusters.length) ctx.addIssue({ code: 'custom', path: ['clusters'], message: 'cluster ids must be unique' });
    // One kubeconfig holds every cluster's users: a name used twice would make it invalid (kubectl and
    // Isthmus reject duplicate user names).
    const userNames = s.clusters.flatMap((c) => [c.user ?? `${c.id}-admin`, ...c.extraUsers.map((u) => u.name)]);
    const duplicateUsers = [...new Set(userNames.filter((n, i) => userNames.indexOf(n) !== i))];
    if (duplicateUsers.length) ctx.addIssue({ code: 'custom', path: ['clusters'], message: `user names must be unique across clusters: ${duplicateUsers.join(', ')}` });
    s.clusters.forEach((c, i) => c.remoteSecrets.forEach((r, j) => unknownCluster(r.cluster, ['clusters', i, 'remoteSecrets', j, 'cluster'])));
    s.workloads.forEach((w, i) => {
      unknownCluster(w.cluster, ['workloads', i, 'cluster']);
      if (!namespaces.has(w.namespace)) ctx.addIssue({ code: 'custom', path: ['workloads', i, 'namespace'], message: `namespace "${w.namespace}" is not declared under namespaces:` });
    });
    s.services.forEach((svc, i) => {
      (svc.clusters ?? []).forEach((c, j) => unknownCluster(c, ['services', i, 'clusters', j]));
      Object.keys(svc.clusterIPs).forEach((c) => unknownCluster(c, ['services', i, 'clusterIPs', c]));
      if (!namespaces.has(svc.namespace)) ctx.addIssue({ code: 'custom', path: ['services', i, 'namespace'], message: `namespace "${svc.namespace}" is not declared under namespaces:` });
    });
    s.faults.forEach((f, i) => unknownCluster(f.cluster, ['faults', i, 'cluster']));
    s.xds.forEach((x, i) => unknownCluster(x.cluster, ['xds', i, 'cluster']));
    s.traffic.forEach((t, i) => t.from.cluster && unknownCluster(t.from.cluster, ['traffic', i, 'from', 'cluster']));
  });

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ClusterSpec = Scenario['clusters'][number];
export type GatewaySpec = ClusterSpec['gateways'][number];
export type WorkloadSpec = Scenario['workloads'][number];
export type ServiceSpec = Scenario['services'][number];

/**
 * The version knob: the same mesh run by another Istio release (istiod, proxies and every debug shape
 * follow it). Throws on a version that is not "major.minor.patch".
 */
export function withIstioVersion(scenario: Scenario, version: string): Scenario {
  if (!ISTIO_VERSION.test(version)) throw new Error(`invalid Istio version "${version}" (expected e.g. 1.26.3)`);
  return { ...scenario, istio: { ...scenario.istio, version } };
}

/** Whether an Istio version is at least major.minor (patch ignored). */
export function istioAtLeast(version: string, minimum: string): boolean {
  const [a, b] = version.split('.').map(Number);
  const [c, d] = minimum.split('.').map(Number);
  return a > c || (a === c && b >= d);
}

/** Validates a scenario object (already parsed from YAML or built in code); throws a readable error. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = ScenarioSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid ${source}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

export function loadScenario(path: string): Scenario {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read scenario ${path}: ${(err as Error).message}`);
  }
  return parseScenario(document, `scenario ${path}`);
}
