import 'server-only';
import { parseClusterz } from '@/lib/istio/clusterz';
import { parseEnvoyClusters } from '@/lib/istio/envoy-clusters';
import { parseNetworkz } from '@/lib/istio/networkz';
import { parseSyncz } from '@/lib/istio/syncz';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import { analyzeTrace } from '@/lib/trace/analyze';
import { parseEndpointShardz, parseRoute } from '@/lib/trace/parse';
import type { ClusterReading, ConfigObject, ControlPlaneReading, EnvoyReading, IstiodReading, SliceEndpoint, TraceInput, TraceResponse } from '@/lib/trace/types';
import type { ClusterStatus, SourceError } from '@/lib/types/api';
import { knownClusterId } from './cluster-id';
import { clusterStatus } from './cluster-status';
import { fanOut } from './fanout';
import { BadRequest } from './http';
import { cachedIstiods, fetchIstiod, type IstiodTarget } from './istiod';
import type { NetworkGateway } from '@/lib/istio/networkz';
import { istioConfigPath, ISTIO_NAMESPACE } from './k8s/convert';
import { optionalSourceDeadline, type Deadline } from './k8s/deadline';
import { toSourceError } from './k8s/errors';
import { listJson } from './k8s/list-json';
import { ENVOY_ADMIN_PORT, podGet, type IstiodPath } from './k8s/portforward';
import type { ClusterHandle, Registry } from './k8s/registry';
import { EndpointSliceShape, IstioConfigShape, ServicePortsShape } from './k8s/trace-shapes';
import { getSnapshots } from './snapshot';
import { sourceReader, type SourceReader } from './sources';

export interface TraceRequest {
  cluster: ClusterHandle;
  namespace: string;
  pod: string;
  /** Fully qualified service host, e.g. reviews.default.svc.cluster.local. */
  host: string;
  port: number;
}

/** What one cluster holds of the destination (its snapshot is read separately, and shared). */
type Destination = Omit<ClusterReading, 'snapshot' | 'error'>;

/**
 * "Why can't this pod reach that service?": every cluster's view of the destination (Service,
 * EndpointSlices, VirtualServices, DestinationRules, PeerAuthentications, Gateways), the source's
 * istiod replicas (clusterz, endpointShardz, syncz, networkz) and the source's Envoy (/clusters and
 * /config_dump), all at once, each cluster under the one deadline of the request; then the pure
 * analysis (lib/trace). A cluster that cannot be read is `unknown` with its reason; the rest answers.
 */
export async function getTrace(registry: Registry, req: TraceRequest): Promise<TraceResponse> {
  // Fresh reads every time (single-flight only): a trace is asked for when something just broke.
  const opts = { deadlineMs: registry.config.deadlineMs, cacheMs: 0 };
  const [service, namespace] = req.host.split('.');
  // The source's istiod and Envoy first: theirs is the longest chain (a forward per replica and path).
  const [[controlPlane], [envoy], snapshots, destinations] = await Promise.all([
    fanOut([req.cluster], `trace-istiod\u0000${req.namespace}\u0000${req.pod}\u0000${req.host}`, (c, d) => readControlPlane(c, req, d), { ...opts, source: 'istiod' }),
    fanOut([req.cluster], `trace-envoy\u0000${req.namespace}\u0000${req.pod}\u0000${req.host}\u0000${req.port}`, (c, d) => readEnvoy(c, req, d), { ...opts, source: `Envoy admin of ${req.namespace}/${req.pod}` }),
    getSnapshots(registry),
    fanOut(registry.clusters, `trace\u0000${namespace}\u0000${service}\u0000${req.cluster.name}`, (c, d) => readDestination(c, namespace, service, c === req.cluster, d), { ...opts, source: `${service}.${namespace} and its configuration` }),
  ]);
  const clusters: ClusterReading[] = registry.clusters.map((c, i) => {
    const snapshot = snapshots[i];
    const dest = destinations[i];
    if (!dest.ok) return { ...emptyDestination(), snapshot, error: dest.error };
    return { ...dest.data, snapshot, error: snapshot.reachable ? null : (snapshot.errors[0] ?? null) };
  });
  const sourceSnapshot = snapshots.find((s) => s.cluster === req.cluster.name);
  const input: TraceInput = {
    source: { cluster: req.cluster.name, namespace: req.namespace, pod: req.pod },
    target: { host: req.host, port: req.port },
    clusters,
    controlPlane: controlPlane.ok ? controlPlane.data : { cluster: req.cluster.name, replicas: [], networkGateways: [], error: controlPlane.error },
    envoy: sidecarless(sourceSnapshot, req) ? null : envoy.ok ? envoy.data : { clusters: [], route: null, error: envoy.error },
  };
  return { ...analyzeTrace(input), clusters: registry.clusters.map((c, i) => readingStatus(c, input, clusters[i])) };
}

/** A cluster's status in the trace: its reading, and for the source's cluster its istiod's and Envoy's errors too. */
function readingStatus(cluster: ClusterHandle, input: TraceInput, reading: ClusterReading): ClusterStatus {
  const errors = [reading.error, ...reading.errors];
  if (cluster.name === input.source.cluster) {
    errors.push(input.controlPlane.error, ...input.controlPlane.replicas.flatMap((r) => r.errors), input.envoy?.error ?? null);
  }
  return clusterStatus(cluster, reading.error === null, errors.filter((e) => e !== null), reading.snapshot.clusterId ?? knownClusterId(cluster));
}

/** The source pod is known to run without an istio-proxy (nothing to read, and that is the finding). */
function sidecarless(snapshot: ClusterSnapshot | undefined, req: TraceRequest): boolean {
  return snapshot?.pods.find((p) => p.namespace === req.namespace && p.name === req.pod)?.hasSidecar === false;
}

function emptyDestination(): Destination {
  return { endpoints: [], virtualServices: null, destinationRules: null, peerAuthentications: null, gateways: null, errors: [] };
}

const configObjects = (items: Array<{ metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown> }>): ConfigObject[] =>
  items.map((o) => ({ namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '', spec: o.spec ?? {} }));

/**
 * One cluster's view of the destination. VirtualServices and DestinationRules only from the client's
 * cluster: each primary's istiod applies its own, so no other cluster's can be in the way of this call.
 */
async function readDestination(cluster: ClusterHandle, namespace: string, service: string, clientCluster: boolean, deadline: Deadline): Promise<Destination> {
  const reader = sourceReader(cluster);
  const istio = (group: 'networking.istio.io' | 'security.istio.io', resource: string, ns?: string) =>
    reader.optional(resource, listJson(cluster, istioConfigPath(group, resource, ns), deadline, IstioConfigShape).then((l) => configObjects(l.items)));
  const [services, slices, virtualServices, destinationRules, peerAuthentications, gateways] = await Promise.all([
    reader.kube('services', listJson(cluster, `/api/v1/namespaces/${namespace}/services`, deadline, ServicePortsShape)),
    reader.kube('endpointslices', listJson(cluster, `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`, deadline, EndpointSliceShape, { labelSelector: `kubernetes.io/service-name=${service}` })),
    clientCluster ? istio('networking.istio.io', 'virtualservices') : null,
    clientCluster ? istio('networking.istio.io', 'destinationrules') : null,
    istio('security.istio.io', 'peerauthentications'),
    istio('networking.istio.io', 'gateways', ISTIO_NAMESPACE),
  ]);
  const svc = services?.items.find((s) => s.metadata?.name === service);
  const ports = svc?.spec?.ports ?? [];
  const endpoints: SliceEndpoint[] = [];
  for (const slice of slices?.items ?? []) {
    for (const p of slice.ports ?? []) {
      // A slice port carries the name of the Service port it serves.
      const servicePort = ports.find((sp) => (sp.name ?? '') === (p.name ?? '')) ?? (ports.length === 1 ? ports[0] : undefined);
      if (!servicePort) continue;
      for (const ep of slice.endpoints ?? []) {
        const pod = ep.targetRef?.kind === 'Pod' ? (ep.targetRef.name ?? null) : null;
        for (const ip of ep.addresses ?? []) endpoints.push({ ip, port: p.port ?? 0, servicePort: servicePort.port, ready: ep.conditions?.ready !== false, pod });
      }
    }
  }
  return {
    service: services === null ? undefined : svc ? { ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, targetPort: p.targetPort ?? null })), selector: svc.spec?.selector ?? null } : null,
    endpoints,
    virtualServices,
    destinationRules,
    peerAuthentications,
    gateways,
    errors: reader.errors,
  };
}

async function readControlPlane(cluster: ClusterHandle, req: TraceRequest, deadline: Deadline): Promise<ControlPlaneReading> {
  // Every running replica: the trace is about replicas that disagree, a not-ready one included.
  const istiods = await cachedIstiods(cluster, deadline);
  const optional = optionalSourceDeadline(deadline);
  const replicas = await Promise.all(istiods.map((istiod, i) => readReplica(cluster, istiod, req, optional, i === 0)));
  return { cluster: cluster.name, replicas: replicas.map((r) => r.reading), networkGateways: replicas[0]?.networkGateways ?? [], error: null };
}

/**
 * One replica's view: endpointShardz (large) on one forward, clusterz, syncz and (from one replica)
 * networkz one after the other on a second, so a running server reuses its two kept-open forwards
 * instead of opening new ones through the API server on every trace.
 */
async function readReplica(cluster: ClusterHandle, istiod: IstiodTarget, req: TraceRequest, deadline: Deadline, withNetworkz: boolean): Promise<{ reading: IstiodReading; networkGateways: NetworkGateway[] }> {
  const reader: SourceReader = sourceReader(cluster);
  const namespace = req.host.split('.')[1];
  const get = <T>(path: IstiodPath, parse: (body: string) => T) => reader.optional(`istiod ${istiod.pod} ${path}`, fetchIstiod(cluster, istiod, path, deadline).then(parse));
  const small = async () => {
    const clusterz = await get('/debug/clusterz', (b) => parseClusterz(b, istiod.pod, istiod.revision));
    const syncz = await get('/debug/syncz', (b) => parseSyncz(b, istiod.pod));
    const gateways = withNetworkz ? await get('/debug/networkz', (b) => parseNetworkz(b, istiod.pod)) : null;
    return { clusterz, syncz, gateways };
  };
  const [shards, { clusterz, syncz, gateways }] = await Promise.all([get('/debug/endpointShardz', (b) => parseEndpointShardz(b, istiod.pod, req.host, namespace)), small()]);
  const proxyId = `${req.pod}.${req.namespace}`;
  return {
    reading: { pod: istiod.pod, ready: istiod.ready, clusterz, shards, sourceProxy: syncz?.find((r) => r.name === proxyId) ?? null, syncKnown: syncz !== null, errors: reader.errors },
    networkGateways: gateways ?? [],
  };
}

async function readEnvoy(cluster: ClusterHandle, req: TraceRequest, deadline: Deadline): Promise<EnvoyReading> {
  const target = { namespace: req.namespace, pod: req.pod, port: ENVOY_ADMIN_PORT };
  const [clustersBody, dump] = await Promise.all([
    podGet(cluster, target, '/clusters?format=json', deadline),
    podGet(cluster, target, '/config_dump', deadline).then(
      (b) => ({ body: b, error: null }),
      (e: unknown) => ({ body: null, error: toSourceError(e, { cluster: cluster.name, server: cluster.server, source: `Envoy admin of ${req.namespace}/${req.pod} /config_dump` }) as SourceError }),
    ),
  ]);
  // The service's cluster and its subset clusters: outbound|<port>|<subset>|<host>.
  const clusters = parseEnvoyClusters(clustersBody).filter((c) => c.name.startsWith(`outbound|${req.port}|`) && c.name.endsWith(`|${req.host}`));
  return { clusters, route: dump.body ? parseRoute(dump.body, req.host, req.port) : null, error: null };
}
