import 'server-only';
import { parseEdsConfigDump, withEdsLocalities, type EdsEndpoint } from '@/lib/istio/config-dump';
import { endpointRows, parseEnvoyClusters, type EndpointFilter, type ParsedCluster } from '@/lib/istio/envoy-clusters';
import { NETWORK_LABEL } from '@/lib/format/kube';
import { buildAddressIndex, resolveTarget } from '@/lib/mesh/targets';
import type { EndpointsResponse } from '@/lib/types/api';
import { fanOut } from './fanout';
import { NotFound } from './http';
import { ENVOY_ADMIN_PORT, podGet } from './k8s/portforward';
import type { ClusterHandle, Registry } from './k8s/registry';
import { getSnapshots } from './snapshot';

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
  const snapshots = await getSnapshots(registry);
  const own = snapshots.find((s) => s.cluster === cluster.name)!;
  const base = { cluster: cluster.name, namespace, pod, rows: [], envoyClusters: [], fetchedAt: new Date().toISOString() };
  if (!own.reachable) return { ...base, errors: own.errors };

  const podsListed = !own.errors.some((e) => e.source === 'pods');
  const podInfo = own.pods.find((p) => p.namespace === namespace && p.name === pod);
  if (podsListed && !podInfo) throw new NotFound(`pod ${namespace}/${pod} not found in cluster ${cluster.name}`);

  const { deadlineMs, cacheMs } = registry.config;
  const source = `Envoy admin of ${namespace}/${pod} /clusters`;
  const [envoy] = await fanOut(
    [cluster],
    `envoy-clusters\u0000${namespace}\u0000${pod}`,
    async (c, deadline): Promise<ParsedCluster[]> => parseEnvoyClusters(await podGet(c, { namespace, pod, port: ENVOY_ADMIN_PORT }, '/clusters?format=json', deadline)),
    { deadlineMs, cacheMs, source },
  );
  if (!envoy.ok) return { ...base, errors: [...own.errors, envoy.error] };

  const errors = snapshots.flatMap((s) => s.errors); // their pods and gateways could not be used to resolve targets
  let rows = endpointRows(envoy.data, filter);
  // Older Envoys leave /clusters localities empty; the EDS config dump has them.
  if (rows.some((r) => r.locality === '' && r.cluster.startsWith('outbound|'))) {
    const [eds] = await fanOut(
      [cluster],
      `envoy-eds\u0000${namespace}\u0000${pod}`,
      async (c, deadline): Promise<EdsEndpoint[]> => parseEdsConfigDump(await podGet(c, { namespace, pod, port: ENVOY_ADMIN_PORT }, '/config_dump?include_eds', deadline)),
      { deadlineMs, cacheMs, source: `Envoy admin of ${namespace}/${pod} /config_dump` },
    );
    if (eds.ok) rows = withEdsLocalities(rows, eds.data);
    else errors.push(eds.error);
  }
  const index = buildAddressIndex(snapshots);
  const from = { cluster: cluster.name, network: podInfo?.labels[NETWORK_LABEL] ?? own.network };
  return {
    ...base,
    rows: rows.map((row) => ({ ...row, target: resolveTarget(row.address, row.port, index, from) })),
    envoyClusters: envoy.data.map((c) => c.name).sort(),
    errors,
  };
}
