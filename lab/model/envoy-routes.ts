/**
 * A sidecar's outbound listeners (LDS) and HTTP routes (RDS) as Istio builds them, consistent with the
 * Services, DestinationRules and VirtualServices the lab serves: one listener 0.0.0.0_<port> per service
 * port, HTTP ones pointing at the route configuration "<port>", whose virtual host per service sends
 * traffic to outbound|<port>||<host> or, when a VirtualService splits it, to the subset clusters.
 */
import type { OutboundCluster } from './eds';
import type { Mesh, MeshPod } from './mesh';
import { virtualServiceRoute } from './objects';
import { istioAtLeast } from './scenario';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP_PROXY = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

/** Protocol of a service port as Istio infers it from the port name (http, http2, grpc... prefixes). */
function isHttp(portName: string): boolean {
  return /^(http|http2|grpc|grpc-web)(-|$)/.test(portName);
}

interface PortService {
  cluster: OutboundCluster;
  portName: string;
  clusterIP: string | null;
}

/** The services of each outbound port, from the proxy's (non-subset) outbound clusters. */
function servicesByPort(mesh: Mesh, caller: MeshPod, outbound: OutboundCluster[]): Map<number, PortService[]> {
  const byPort = new Map<number, PortService[]>();
  const own = mesh.cluster(caller.cluster).services;
  for (const c of outbound) {
    if (c.subset) continue;
    const local = own.find((s) => s.namespace === c.namespace && s.name === c.service);
    const portName = local?.ports.find((p) => p.port === c.port)?.name ?? 'tcp';
    const list = byPort.get(c.port) ?? [];
    list.push({ cluster: c, portName, clusterIP: local?.clusterIP ?? null });
    byPort.set(c.port, list);
  }
  return byPort;
}

function virtualHost(mesh: Mesh, caller: MeshPod, s: PortService) {
  const c = s.cluster;
  const domains = [c.hostname, `${c.service}.${c.namespace}.svc`, `${c.service}.${c.namespace}`, ...(caller.namespace === c.namespace ? [c.service] : []), ...(s.clusterIP ? [s.clusterIP] : [])];
  // The VirtualService of the caller's own cluster applies (each primary reads its own config).
  const subsets = mesh.destinationSubsets(caller.cluster, c.namespace, c.service).map((x) => x.name);
  const route =
    subsets.length > 0
      ? {
          match: { prefix: '/' },
          route: { weighted_clusters: { clusters: virtualServiceRoute(c.hostname, subsets).map((r) => ({ name: `outbound|${c.port}|${r.destination.subset}|${c.hostname}`, weight: r.weight })) }, timeout: '0s' },
          // istiod names the config in its own schema's version of the kind (VirtualService: v1alpha3 until 1.24).
          metadata: { filter_metadata: { istio: { config: `/apis/networking.istio.io/${istioAtLeast(mesh.istiodVersion(caller.cluster), '1.24') ? 'v1' : 'v1alpha3'}/namespaces/${c.namespace}/virtual-service/${c.service}` } } },
          decorator: { operation: `${c.service}:${c.port}/*` },
        }
      : { name: 'default', match: { prefix: '/' }, route: { cluster: c.name, timeout: '0s' }, decorator: { operation: `${c.hostname}:${c.port}/*` } };
  return { name: `${c.hostname}:${c.port}`, domains, routes: [route], include_request_attempt_count: true };
}

/** Outbound listeners (plus virtualOutbound / virtualInbound) and route configurations of a sidecar. */
export function sidecarListenersAndRoutes(mesh: Mesh, caller: MeshPod, outbound: OutboundCluster[]) {
  const listeners: Array<{ name: string; listener: Record<string, unknown> }> = [];
  const routes: Array<{ name: string; virtual_hosts: unknown[] }> = [];
  for (const [port, services] of [...servicesByPort(mesh, caller, outbound)].sort((a, b) => a[0] - b[0])) {
    const name = `0.0.0.0_${port}`;
    const http = services.filter((s) => isHttp(s.portName));
    const chains: unknown[] = [];
    if (http.length > 0) {
      chains.push({ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': HCM, stat_prefix: `outbound_0.0.0.0_${port}`, rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: String(port) } } }] });
      routes.push({ name: String(port), virtual_hosts: http.map((s) => virtualHost(mesh, caller, s)) });
    }
    for (const s of services.filter((x) => !isHttp(x.portName))) {
      chains.push({
        filter_chain_match: s.clusterIP ? { prefix_ranges: [{ address_prefix: s.clusterIP, prefix_len: 32 }] } : {},
        filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TCP_PROXY, stat_prefix: s.cluster.name, cluster: s.cluster.name } }],
      });
    }
    listeners.push({ name, listener: { name, address: { socket_address: { address: '0.0.0.0', port_value: port } }, filter_chains: chains, traffic_direction: 'OUTBOUND', bind_to_port: false } });
  }
  listeners.push(
    { name: 'virtualOutbound', listener: { name: 'virtualOutbound', address: { socket_address: { address: '0.0.0.0', port_value: 15001 } }, traffic_direction: 'OUTBOUND', use_original_dst: true } },
    { name: 'virtualInbound', listener: { name: 'virtualInbound', address: { socket_address: { address: '0.0.0.0', port_value: 15006 } }, traffic_direction: 'INBOUND', use_original_dst: true } },
  );
  return { listeners, routes };
}
