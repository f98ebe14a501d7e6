import 'server-only';
import { parseEdsConfigDump, withEdsLocalities, type EdsEndpoint } from '@/lib/istio/config-dump';
import { endpointRows, parseEnvoyClusters, type EndpointFilter, type ParsedCluster } from '@/lib/istio/envoy-clusters';
import { NETWORK_LABEL } from '@/lib/format/kube';
import { buildAddressIndex, resolveTarget } from '@/lib/mesh/targets';
import type { EndpointsResponse, SourceError } from '@/lib/types/api';
import { fanOut } from './fanout';
import { NotFound } from './http';
import { createDeadline, type Deadline } from './k8s/deadline';
import { toSourceError } from './k8s/errors';
import { ENVOY_ADMIN_PORT, podGet } from './k8s/portforward';
import type { ClusterHandle, Registry } from './k8s/registry';
import { readNetworkGateways } from './istiod';
import { clusterSnapshot, snapshotNow } from './snapshot';

export type { EndpointFilter } from '@/lib/istio/envoy-clusters';

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
  // their caches hold now; a cluster still syncing or down is listed in errors (its targets unresolved).
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
  const snapshots = registry.clusters.map((c) => (c === cluster ? own : snapshotNow(c)));
  const base = { cluster: cluster.name, namespace, pod, rows: [], envoyClusters: [], fetchedAt: new Date().toISOString() };
  if (!own.reachable || own.watch?.state === 'syncing') return { ...base, errors: own.errors };

  const podsListed = !own.errors.some((e) => e.source === 'pods');
  const podInfo = own.pods.find((p) => p.namespace === namespace && p.name === pod);
  if (podsListed && !podInfo) throw new NotFound(`pod ${namespace}/${pod} not found in cluster ${cluster.name}`);
  if (!envoy.ok) return { ...base, errors: [...own.errors, envoy.error] };

  const errors = snapshots.flatMap((s) => s.errors); // their pods and gateways could not be used to resolve targets
  if (envoy.data.edsError) errors.push(envoy.data.edsError);
  if (!networkz.ok) errors.push(networkz.error);
  let rows = endpointRows(envoy.data.clusters, filter);
  if (envoy.data.eds) rows = withEdsLocalities(rows, envoy.data.eds);
  const index = buildAddressIndex(snapshots, networkz.ok ? networkz.data : []);
  const from = { cluster: cluster.name, network: podInfo?.labels[NETWORK_LABEL] ?? own.network };
  return {
    ...base,
    rows: rows.map((row) => ({ ...row, target: resolveTarget(row.address, row.port, index, from, row.cluster) })),
    envoyClusters: envoy.data.clusters.map((c) => c.name).sort(),
    errors,
  };
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
async function readEnvoy(cluster: ClusterHandle, namespace: string, pod: string, deadline: Deadline): Promise<EnvoyReading> {
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
