import 'server-only';
import { runChecks } from '@/lib/checks/catalogue';
import type { ClusterStatus, SourceError } from '@/lib/types/api';
import type { ChecksResponse, ClusterSnapshot, IstiodFacts, MeshSnapshot, NodeFacts, PodFacts, ProxyEndpointFacts, Read, ServiceFacts, Severity } from '@/lib/checks/types';
import { outboundHostAddresses } from '@/lib/istio/envoy-clusters';
import { parseNetworkz } from '@/lib/istio/networkz';
import { parseClusterz } from '@/lib/istio/clusterz';
import { parseSynczDetails } from '@/lib/istio/syncz';
import { knownClusterId, rememberClusterId } from './cluster-id';
import { fanOut } from './fanout';
import { clusterStatus, fanOutStatus } from './cluster-status';
import { optionalSourceDeadline, type Deadline } from './k8s/deadline';
import { clusterIdFromIstiods, istiodReplica, ISTIO_NAMESPACE, meshFacts, rootCerts, runningIstiods } from './k8s/convert';
import { toSourceError } from './k8s/errors';
import { listJson } from './k8s/list-json';
import { ENVOY_ADMIN_PORT, podGet } from './k8s/portforward';
import type { ClusterHandle, Registry } from './k8s/registry';
import type { KeepPolicy } from './k8s/kept-reading';
import { NodeShape } from './k8s/shapes';
import { ClusterFailure, isClusterFatal } from './sources';
import { portOf } from '@/lib/format/kube';
import { clusterCache, type CachedKind } from './cache/cluster-cache';
import type { PodEntry, ServiceEntry } from './cache/kinds';
import type { IstiodTarget } from './istiod';

/** Sidecars sampled per cluster for endpoints-unroutable (besides the gateways): bounded work under the deadline. */
const SAMPLED_SIDECARS = 1;

type Reader = <T>(source: string, work: Promise<T>, opts?: { optional?: boolean }) => Promise<Read<T>>;

/**
 * Every source as a Read: its value or why not. A failure that means the cluster cannot be read at all
 * (down, timeout, TLS, credentials) throws ClusterFailure for Kubernetes sources; optional sources
 * (istiod, Envoy) never fail the cluster.
 */
function reader(cluster: ClusterHandle): Reader {
  return async (source, work, opts = {}) => {
    try {
      return { ok: true, value: await work };
    } catch (err) {
      const e = toSourceError(err, { cluster: cluster.name, server: cluster.server, source });
      if (!opts.optional && isClusterFatal(e)) throw new ClusterFailure(e);
      return { ok: false, reason: e.message };
    }
  };
}

const map = <T, U>(r: Read<T>, f: (v: T) => U): Read<U> => (r.ok ? { ok: true, value: f(r.value) } : r);

/** A Service of the watch-fed cache as the checks read it ("15021:31046/TCP" ports back to numbers). */
function serviceFacts({ service, gateway }: ServiceEntry): ServiceFacts {
  return {
    namespace: service.namespace,
    name: service.name,
    type: service.type,
    ports: service.ports.map((cell) => ({ name: '', port: portOf(cell) ?? 0, protocol: cell.split('/')[1] ?? 'TCP' })),
    labels: { ...service.labels },
    selector: service.selector ? { ...service.selector } : null,
    externalAddresses: gateway ? [...gateway.externalIPs, ...(gateway.hostname ? [gateway.hostname] : [])] : [],
    pending: gateway?.pending ?? false,
    role: gateway?.role ?? 'other',
  };
}

const podFacts = (p: PodEntry): PodFacts => ({ namespace: p.namespace, name: p.name, ip: p.ip, hostNetwork: p.hostNetwork === true, labels: { ...p.labels } });

/**
 * The proxies whose EDS is sampled: the gateways of istio-system that see every network (not the east-west
 * gateway: it asks for its own network's view only), then the first ready sidecar(s).
 */
function sampledProxies(pods: PodEntry[]): PodTarget[] {
  const running = pods.filter((p) => p.phase === 'Running' && p.ready && p.hasSidecar && p.ip);
  const byName = (a: PodEntry, b: PodEntry) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
  const gateways = running.filter((p) => p.namespace === ISTIO_NAMESPACE && p.labels.istio && !p.labels.istio.includes('eastwest')).sort(byName);
  const sidecars = running.filter((p) => p.namespace !== ISTIO_NAMESPACE).sort(byName).slice(0, SAMPLED_SIDECARS);
  return [...gateways, ...sidecars].map((p) => ({ namespace: p.namespace, pod: p.name }));
}

/**
 * A kind of the watch-fed cache as a Read: its items once listed, else why not (still syncing,
 * forbidden...). `strict`: a kind failing since it listed is unknown too, not its kept items.
 */
function fromCache<T, U>(kind: CachedKind<T>, view: (items: T[]) => U, { strict = false } = {}): Read<U> {
  if (!kind.ok || (strict && kind.error)) return { ok: false, reason: kind.error!.message };
  return { ok: true, value: view(kind.items) };
}

interface PodTarget {
  namespace: string;
  pod: string;
}

const targetKey = (t: PodTarget & { port?: number }) => `${t.namespace}/${t.pod}:${t.port ?? ENVOY_ADMIN_PORT}`;

type IstiodAnswers = Pick<IstiodFacts, 'clusterz' | 'syncz' | 'networkz'>;

/** clusterz and syncz at once, networkz after clusterz: two forwards per replica, reused on the next read. */
async function readIstiodAnswers(cluster: ClusterHandle, istiod: IstiodTarget, deadline: Deadline, read: Reader): Promise<IstiodAnswers> {
  const get = <T>(path: '/debug/clusterz' | '/debug/syncz' | '/debug/networkz', parse: (body: string) => T) =>
    read(`istiod ${istiod.pod} ${path}`, podGet(cluster, { namespace: istiod.namespace, pod: istiod.pod, port: istiod.port }, path, deadline).then(parse), { optional: true });
  const syncz = get('/debug/syncz', (b) => parseSynczDetails(b, istiod.pod));
  const clusterz = await get('/debug/clusterz', (b) => parseClusterz(b, istiod.pod, istiod.revision));
  const networkz = await get('/debug/networkz', (b) => parseNetworkz(b, istiod.pod));
  return { clusterz, syncz: await syncz, networkz };
}

function readProxyEndpoints(cluster: ClusterHandle, { namespace, pod }: PodTarget, deadline: Deadline, read: Reader): Promise<Read<string[]>> {
  return read(
    `${namespace}/${pod} Envoy /clusters`,
    podGet(cluster, { namespace, pod, port: ENVOY_ADMIN_PORT }, '/clusters?format=json', deadline).then(outboundHostAddresses),
    { optional: true },
  );
}

/**
 * The sampled proxies' EDS, kept on the cluster (cluster.state.proxySample, server/k8s/kept-reading.ts):
 * a full EDS dump per proxy is the costliest read of the catalogue for the cluster's Envoys, the API
 * server and us, and a page polls every few seconds. Kept as read, failures included: a proxy that did
 * not answer stays unknown until the next read. A sample of other proxies, or read while istiod's
 * gateways or remote clusters (`routing`) were different, is never used: what changes the proxies'
 * endpoints is read again at once.
 */
const PROXY_SAMPLE_KEPT: KeepPolicy<ProxyEndpointFacts[]> = { maxAgeMs: 15_000 };

function proxySample(cluster: ClusterHandle, targets: PodTarget[], routing: string, readAll: (targets: PodTarget[]) => Promise<ProxyEndpointFacts[]>): Promise<ProxyEndpointFacts[]> {
  const key = JSON.stringify([targets.map(targetKey), routing]);
  return cluster.state.proxySample.get(PROXY_SAMPLE_KEPT, () => readAll(targets), key);
}

/**
 * What istiod routes by (its gateways and remote clusters): a kept sample read under others is not used.
 * An answer that failed is only unknown: its reason names the deadline's milliseconds, different on
 * every request, so a replica timing out would otherwise make every request read the sample again,
 * after the replica's timeout, when the optional deadline has passed (every proxy then a timeout).
 */
export function routingOf(answers: Array<Pick<IstiodAnswers, 'clusterz' | 'networkz'>>): string {
  return JSON.stringify(answers.map((a) => [a.networkz.ok ? a.networkz.value : null, a.clusterz.ok ? a.clusterz.value.map((r) => [r.name, r.status]) : null]));
}

export interface NodesRead {
  nodes: Read<NodeFacts[]>;
  error: SourceError | null;
}

/**
 * The nodes' pod ranges. Optional (pod-cidr-overlap falls back to pod IPs), yet its failure is said in
 * the cluster's envelope: with pod IPs alone a range overlap without a shared address goes unseen.
 */
async function readNodes(cluster: ClusterHandle, deadline: Deadline): Promise<NodesRead> {
  try {
    const list = await listJson(cluster, '/api/v1/nodes', deadline, NodeShape);
    return { nodes: { ok: true, value: list.items.map((n) => ({ name: n.metadata?.name ?? '', podCIDRs: n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []) })) }, error: null };
  } catch (err) {
    const error = toSourceError(err, { cluster: cluster.name, server: cluster.server, source: 'nodes' });
    return { nodes: { ok: false, reason: error.message }, error };
  }
}

/**
 * The nodes' pod ranges change only when a node joins, and the list is a whole node object per node: the
 * reading is kept on the cluster (cluster.state.nodeRanges, server/k8s/kept-reading.ts) for a minute; a
 * failed one is said until the next read.
 */
const NODES_KEPT: KeepPolicy<NodesRead> = { maxAgeMs: 60_000, failed: (v) => v.error !== null };

/**
 * Everything the checks read of one cluster, every source in parallel under the cluster's deadline, and
 * the errors of sources the cluster's envelope reports while it is read (`partial`).
 */
export async function readClusterSnapshot(cluster: ClusterHandle, deadline: Deadline): Promise<{ snapshot: ClusterSnapshot; partial: SourceError[] }> {
  const read = reader(cluster);
  const ns = ISTIO_NAMESPACE;
  const optional = optionalSourceDeadline(deadline);
  // Namespaces, pods (istiod's too), Services, the Istio ConfigMaps, Gateways and DestinationRules come
  // from the cluster's watch-fed cache (server/cache); the nodes are read now and then.
  const cache = clusterCache(cluster);
  const [, nodes] = await Promise.all([cache.ready(deadline), cluster.state.nodeRanges.get(NODES_KEPT, () => readNodes(cluster, optional))]);
  const cached = cache.snapshot(knownClusterId(cluster));
  if (!cached.reachable) throw new ClusterFailure(cached.errors[0]);
  const namespace = fromCache(cache.read(cache.namespaces), (items) => items.find((n) => n.name === ns) ?? null);
  const services = fromCache(cache.read(cache.services), (items) => items.map(serviceFacts));
  const pods = fromCache(cache.read(cache.pods), (items) => items);
  // istiod and the mesh config are unknown while their kind fails: no istiod is a finding, not a gap.
  const istiodList = fromCache(cache.istiodPods(), runningIstiods, { strict: true });
  const configMaps = fromCache(cache.configMaps(), (items) => items, { strict: true });
  const istiodPods = istiodList.ok ? istiodList.value : [];
  const replicas = istiodPods.map(istiodReplica);
  const proxies = pods.ok ? sampledProxies(pods.value) : [];
  // When no kept sample serves (see PROXY_SAMPLE_KEPT), the proxies' EDS is read beside istiod's answers
  // rather than after them; the routing they are kept under is only known once istiod has answered.
  const early = cluster.state.proxySample.due(PROXY_SAMPLE_KEPT) ? new Map(proxies.map((p) => [targetKey(p), readProxyEndpoints(cluster, p, optional, read)])) : new Map<string, Promise<Read<string[]>>>();
  const answers = await Promise.all(replicas.map((i) => readIstiodAnswers(cluster, i, optional, read)));
  const sample = await proxySample(cluster, proxies, routingOf(answers), (targets) =>
    Promise.all(targets.map((p) => (early.get(targetKey(p)) ?? readProxyEndpoints(cluster, p, optional, read)).then((addresses) => ({ ...p, addresses })))),
  );
  const istiods: IstiodFacts[] = replicas.map((i, n) => ({ pod: i.pod, ready: i.ready, version: i.version, ...answers[n] }));
  const revision = istiodPods.length ? istiodReplica(istiodPods[0]).revision : 'default';
  const facts = configMaps.ok ? meshFacts(configMaps.value, revision) : null;
  const clusterId = clusterIdFromIstiods(istiodPods) ?? facts?.clusterId ?? knownClusterId(cluster);
  if (clusterId) rememberClusterId(cluster, clusterId);
  const snapshot: ClusterSnapshot = {
    cluster: cluster.name,
    clusterId,
    istioNamespace: map(namespace, (n) => (n ? { labels: { ...n.labels }, annotations: { ...n.annotations } } : null)),
    services,
    pods: map(pods, (items) => items.map(podFacts)),
    nodes: nodes.nodes,
    meshConfig:
      facts && facts.trustDomain !== null
        ? { ok: true, value: { trustDomain: facts.trustDomain, meshId: facts.meshId, dnsCapture: facts.dnsCapture === true } }
        : configMaps.ok
          ? { ok: false, reason: `${cluster.name}: ${ns}/istio has no mesh config` }
          : configMaps,
    rootCerts: map(configMaps, rootCerts),
    gateways: fromCache(cache.read(cache.istioGateways), (items) => items),
    destinationRules: fromCache(cache.read(cache.destinationRules), (items) => items),
    istiods: map(istiodList, () => istiods),
    proxySample: map(pods, () => sample),
  };
  return { snapshot, partial: nodes.error ? [nodes.error] : [] };
}

/** A cluster that could not be read at all: every source unknown with the cluster's reason. */
function unreadableCluster(cluster: string, clusterId: string | null, reason: string): ClusterSnapshot {
  const failed = { ok: false as const, reason };
  return { cluster, clusterId, istioNamespace: failed, services: failed, pods: failed, nodes: failed, meshConfig: failed, rootCerts: failed, gateways: failed, destinationRules: failed, istiods: failed, proxySample: failed };
}

/** The mesh snapshot: every configured cluster read in parallel, each under its own deadline. */
export async function readMeshSnapshot(registry: Registry, clusters: ClusterHandle[] = registry.clusters): Promise<MeshSnapshot & { statuses: ClusterStatus[] }> {
  const { deadlineMs, cacheMs } = registry.config;
  const results = await fanOut(clusters, 'checks', readClusterSnapshot, { deadlineMs, cacheMs, source: 'the mesh checks' });
  return {
    nowMs: Date.now(),
    statuses: results.map((r, i) => (r.ok ? clusterStatus(clusters[i], true, r.data.partial) : fanOutStatus(clusters[i], r))),
    clusters: results.map((r, i) => (r.ok ? r.data.snapshot : unreadableCluster(r.cluster, knownClusterId(clusters[i]), r.error.message))),
  };
}

export interface ChecksFilter {
  cluster?: string | null;
  severity?: Severity | null;
}

/** GET /api/checks: every check over every cluster (the checks need the whole mesh), then filtered. */
export async function getChecks(registry: Registry, filter: ChecksFilter = {}): Promise<ChecksResponse> {
  const snapshot = await readMeshSnapshot(registry);
  const result = runChecks(snapshot);
  const findings = result.findings.filter((f) => (!filter.cluster || f.cluster === filter.cluster) && (!filter.severity || f.severity === filter.severity));
  const unknown = result.unknown.filter((u) => !filter.cluster || u.cluster === filter.cluster);
  return {
    findings,
    unknown,
    clusters: snapshot.statuses,
    checks: result.checks,
    generatedAt: new Date(snapshot.nowMs).toISOString(),
  };
}
