import 'server-only';
import { parseEdsConfigDump, withEdsLocalities, type EdsEndpoint } from '@/lib/istio/config-dump';
import { emptyOutboundClusters, endpointRows, parseEnvoyClusters, type EndpointFilter, type ParsedCluster } from '@/lib/istio/envoy-clusters';
import { NETWORK_LABEL, noEnvoyReason } from '@/lib/format/kube';
import { listed } from '@/lib/mesh/snapshot';
import { buildAddressIndex, resolveTarget } from '@/lib/mesh/targets';
import type { EndpointsResponse, SourceError } from '@/lib/types/api';
import { fanOut } from './fanout';
import { NotFound } from './http';
import { podSnapshot } from './k8s/convert';
import { createDeadline, type Deadline } from './k8s/deadline';
import { DescribedError, toSourceError, UpstreamStatusError } from './k8s/errors';
import { CLUSTER_FATAL } from './sources';
import { readJson } from './k8s/list-json';
import { EndpointsShape, PodShape } from './k8s/shapes';
import { ENVOY_ADMIN_PORT, podGet } from './k8s/portforward';
import { usableClusters, type ClusterHandle, type Registry } from './k8s/registry';
import { clusterCache } from './cache/cluster-cache';
import { readNetworkGateways } from './istiod';
import { clusterSnapshot, snapshotNow } from './snapshot';
import { snapshotStatus } from './cluster-status';

export type { EndpointFilter } from '@/lib/istio/envoy-clusters';

/**
 * Every cluster's API server addresses name the kubernetes.default endpoints. Labels only: they are
 * waited for until the Envoy read is done plus this, never for a slow cluster's deadline; a cluster whose
 * addresses are not known by then (cached for a minute after) leaves those rows "unknown".
 */
const API_SERVER_GRACE_MS = 200;

/**
 * `istioctl proxy-config endpoints <pod>` for any pod of any cluster: the pod's Envoy /clusters over a
 * port-forward to its admin port, rows filtered and sorted as istioctl does, each address resolved
 * against every cluster's pods and east-west gateways.
 */
export async function getEndpoints(
  registry: Registry,
  cluster: ClusterHandle,
  namespace: string,
  pod: string,
  filter: EndpointFilter,
): Promise<EndpointsResponse> {
  const { deadlineMs, cacheMs } = registry.config;
  // The pod's Envoy, istiod's gateways and the cluster's own inventory are read at the same time, each
  // under the deadline. Other clusters are never waited for: targets resolve against the inventories
  // their caches hold now; a cluster still syncing or down is not ok in the envelope (its targets unresolved).
  const addresses = new Map<string, string[]>();
  // Kept a minute (the addresses change only when the control plane does); a failure only as long as any read's.
  const apiServerOptions = { deadlineMs, cacheMs: Math.max(cacheMs, 60_000), failureCacheMs: cacheMs, source: 'endpoints default/kubernetes' };
  // A failed read is said (a 403 names the missing permission), not dropped: unmarked API server addresses would read as pods.
  const apiServerErrors = new Map<ClusterHandle, SourceError>();
  const apiServerReads = registry.clusters.map((c) =>
    fanOut([c], 'apiserver-addresses', readApiServerAddresses, apiServerOptions).then(([r]) => {
      if (r.ok) addresses.set(r.cluster, r.data);
      // A cluster that cannot be read at all is said once, by its snapshot.
      else if (!CLUSTER_FATAL.has(r.error.kind)) apiServerErrors.set(c, r.error);
    }),
  );
  for (const c of usableClusters(registry)) if (c !== cluster) clusterCache(c); // started now if not yet: ready by the time Envoy answered, or marked
  const [own, [envoy], [networkz]] = await Promise.all([
    clusterSnapshot(cluster, createDeadline(deadlineMs)),
    fanOut([cluster], `envoy-clusters\u0000${namespace}\u0000${pod}`, (c, deadline) => readEnvoy(c, namespace, pod, deadline), {
      deadlineMs,
      cacheMs,
      source: `Envoy admin of ${namespace}/${pod} /clusters`,
    }),
    // The gateways as this cluster's istiod resolved them: what the pod's Envoy was told to dial.
    fanOut([cluster], 'networkz', readNetworkGateways, { deadlineMs, cacheMs, source: 'istiod /debug/networkz' }),
  ]);
  await Promise.race([Promise.all(apiServerReads), new Promise((resolve) => setTimeout(resolve, API_SERVER_GRACE_MS))]);
  const snapshots = registry.clusters.map((c) => ({ ...(c === cluster ? own : snapshotNow(c)), apiServerAddresses: addresses.get(c.name) ?? [] }));
  // Each error under its cluster: another cluster's failure must not read as this pod's. The other
  // clusters are those whose pods and gateways resolve targets: one not ok leaves its addresses unresolved.
  const apiServerError = (c: ClusterHandle) => [apiServerErrors.get(c)].filter((e) => e !== undefined);
  const others = registry.clusters.flatMap((c, i) => {
    if (c === cluster) return [];
    const status = snapshotStatus(c, snapshots[i]);
    return [{ ...status, errors: [...status.errors, ...apiServerError(c)] }];
  });
  const ownStatus = snapshotStatus(cluster, own);
  const clusters = (ok: boolean, errors: SourceError[]) => [{ ...ownStatus, ok: ownStatus.ok && ok, errors: [...ownStatus.errors, ...errors] }, ...others];
  const base = { cluster: cluster.name, namespace, pod, rows: [], emptyClusters: [], envoyClusters: [], noEnvoy: null, fetchedAt: new Date().toISOString() };
  if (!ownStatus.ok) return { ...base, clusters: clusters(false, []) };

  const podsListed = listed(own, 'pods');
  const podInfo = own.pods.find((p) => p.namespace === namespace && p.name === pod);
  const notFound = () => new NotFound(`pod ${namespace}/${pod} not found in cluster ${cluster.name}`);
  if (podsListed && !podInfo) throw notFound();
  // A pod without an Envoy is said as such, not as a port-forward that nothing accepted.
  const noEnvoy = podInfo ? noEnvoyReason(podInfo) : null;
  if (noEnvoy) return { ...base, noEnvoy, clusters: clusters(true, []) };
  // No Envoy answer: nothing of the pod's cluster to show.
  if (!envoy.ok) return { ...base, clusters: clusters(false, [envoy.error]) };
  if (envoy.data === null) throw notFound();

  const ownErrors = [envoy.data.edsError, networkz.ok ? null : networkz.error, ...apiServerError(cluster)].filter((e) => e !== null);
  let rows = endpointRows(envoy.data.clusters, filter);
  if (envoy.data.eds) rows = withEdsLocalities(rows, envoy.data.eds);
  const index = buildAddressIndex(snapshots, networkz.ok ? networkz.data : []);
  const from = { cluster: cluster.name, network: podInfo?.labels[NETWORK_LABEL] ?? own.network };
  return {
    ...base,
    rows: rows.map((row) => ({ ...row, target: resolveTarget(row.address, row.port, index, from, row.cluster) })),
    emptyClusters: emptyOutboundClusters(envoy.data.clusters, filter),
    envoyClusters: envoy.data.clusters.map((c) => c.name).sort(),
    clusters: clusters(true, ownErrors),
  };
}

/** "ip:port" of the cluster's API servers: the endpoints of default/kubernetes. */
async function readApiServerAddresses(cluster: ClusterHandle, deadline: Deadline): Promise<string[]> {
  const endpoints = await readJson(cluster, '/api/v1/namespaces/default/endpoints/kubernetes', deadline, EndpointsShape);
  return (endpoints.subsets ?? []).flatMap((sub) => (sub.addresses ?? []).flatMap((a) => (sub.ports ?? []).map((p) => `${a.ip}:${p.port}`)));
}

interface EnvoyReading {
  clusters: ParsedCluster[];
  /** EDS endpoints with localities, read only from an Envoy whose /clusters carries none. */
  eds: EdsEndpoint[] | null;
  edsError: SourceError | null;
}

/**
 * The pod's /clusters. Current Envoys always report each host's `locality` there (`{}` when the node
 * has no zone labels); only an older one that omits the field is asked for its EDS config dump too
 * (several MB), under the same deadline.
 */
async function readEnvoy(cluster: ClusterHandle, namespace: string, pod: string, deadline: Deadline): Promise<EnvoyReading | null> {
  // The pod first: a port-forward to a made-up name would still cost the API server an upgrade and the
  // kubelet a lookup, and any page could ask for thousands of them.
  const found = await readJson(cluster, `/api/v1/namespaces/${namespace}/pods/${pod}`, deadline, PodShape).catch((e: unknown) => {
    if (e instanceof UpstreamStatusError && e.status === 404) return null;
    throw e;
  });
  if (!found) return null;
  const noEnvoy = noEnvoyReason(podSnapshot(found));
  if (noEnvoy) throw new DescribedError('not-found', `pod ${namespace}/${pod}: ${noEnvoy}`);
  const target = { namespace, pod, port: ENVOY_ADMIN_PORT };
  const body = await podGet(cluster, target, '/clusters?format=json', deadline);
  const clusters = parseEnvoyClusters(body);
  if (body.includes('"locality"') || !clusters.some((c) => c.name.startsWith('outbound|'))) return { clusters, eds: null, edsError: null };
  const source = `Envoy admin of ${namespace}/${pod} /config_dump`;
  try {
    return { clusters, eds: parseEdsConfigDump(await podGet(cluster, target, '/config_dump?include_eds', deadline)), edsError: null };
  } catch (e) {
    return { clusters, eds: null, edsError: toSourceError(e, { cluster: cluster.name, server: cluster.server, source }) };
  }
}
