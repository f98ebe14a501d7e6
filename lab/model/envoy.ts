/**
 * Envoy admin (:15000) of sidecars and gateways: /clusters?format=json, /config_dump[?include_eds],
 * /server_info. Envoy's JSON conventions (clusters_handler.cc, protobuf JSON with preserved field names):
 * snake_case, uint64 as strings, zero/false omitted, enums by name, `locality: {}` always, pretty-printed.
 */
import { hash32, hexOf } from './determinism';
import { type EnvoyHost, type Locality, outboundClusters, type OutboundCluster, proxyId } from './eds';
import { sidecarListenersAndRoutes } from './envoy-routes';
import type { Mesh, MeshPod } from './mesh';
import { timestamp } from './objects';
import type { RootCA } from './rootca';

/** Envoy shipped with Istio 1.21 (proxyv2 1.21.x). */
const ENVOY_VERSION = { major_number: 1, minor_number: 29, patch: 4 };
const ENVOY_SHA = hexOf('envoy-1.29.4', 40);

const OUTBOUND_CIRCUIT_BREAKERS = {
  thresholds: [
    { max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295 },
    { priority: 'HIGH', max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 },
  ],
};
const STATIC_CIRCUIT_BREAKERS = {
  thresholds: [
    { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 },
    { priority: 'HIGH', max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 },
  ],
};
const XDS_CIRCUIT_BREAKERS = {
  thresholds: [
    { max_connections: 100000, max_pending_requests: 100000, max_requests: 100000, max_retries: 3 },
    { priority: 'HIGH', max_connections: 100000, max_pending_requests: 100000, max_requests: 100000, max_retries: 3 },
  ],
};

type Address =
  | { socket_address: { address: string; port_value: number } }
  | { pipe: { path: string } }
  | { envoy_internal_address: { server_listener_name: string; endpoint_id: string } };

/** Per-host stats: counters (no "type") then gauges; a zero value is omitted, uint64 as a string. */
function hostStats(seed: string, failing: boolean) {
  const h = hash32(seed);
  const total = 20 + (h % 400);
  const errors = failing ? 5 + (h % 20) : 0;
  const counter = (name: string, value: number) => (value ? { value: String(value), name } : { name });
  const gauge = (name: string, value: number) => (value ? { type: 'GAUGE', value: String(value), name } : { type: 'GAUGE', name });
  return [
    counter('cx_connect_fail', failing ? 1 + (h % 3) : 0),
    counter('cx_total', 1 + (h % 12)),
    counter('rq_error', errors),
    counter('rq_success', total - errors),
    counter('rq_timeout', 0),
    counter('rq_total', total),
    gauge('cx_active', h % 2),
    gauge('rq_active', 0),
  ];
}

function localityJson(l: Locality): Locality {
  return { ...(l.region ? { region: l.region } : {}), ...(l.zone ? { zone: l.zone } : {}) };
}

function hostStatus(caller: MeshPod, clusterName: string, address: Address, health: EnvoyHost['health'], ejected: boolean, weight: number, locality: Locality) {
  const addrText =
    'pipe' in address
      ? address.pipe.path
      : 'envoy_internal_address' in address
        ? `${address.envoy_internal_address.server_listener_name}/${address.envoy_internal_address.endpoint_id}`
        : `${address.socket_address.address}:${address.socket_address.port_value}`;
  return {
    address,
    stats: hostStats(`${caller.cluster}/${proxyId(caller)}/${clusterName}/${addrText}`, ejected),
    health_status: { eds_health_status: health, ...(ejected ? { failed_outlier_check: true } : {}) },
    weight,
    locality: localityJson(locality),
  };
}

const socket = (address: string, port: number): Address => ({ socket_address: { address, port_value: port } });

/** An EDS host's address: ambient waypoints dial Envoy internal listeners (envoy_internal_address). */
const hostAddress = (h: EnvoyHost): Address =>
  h.internal ? { envoy_internal_address: { server_listener_name: h.internal.listener, endpoint_id: h.internal.id } } : socket(h.address, h.port);

/** Clusters from the bootstrap (static) and the CDS ones without hosts, as Istio configures every proxy. */
function fixedClusters(mesh: Mesh, caller: MeshPod) {
  const staticCluster = (name: string, address: Address, breakers = STATIC_CIRCUIT_BREAKERS) => ({
    name,
    observability_name: name,
    circuit_breakers: breakers,
    host_statuses: [hostStatus(caller, name, address, 'HEALTHY', false, 1, {})],
  });
  const cdsWithoutHosts = (name: string) => ({ name, observability_name: name, added_via_api: true, circuit_breakers: OUTBOUND_CIRCUIT_BREAKERS });
  const inbound = caller.sidecar ? caller.ports.map((p) => cdsWithoutHosts(`inbound|${p}||`)) : [];
  return {
    dynamic: [cdsWithoutHosts('BlackHoleCluster'), ...(caller.sidecar ? [cdsWithoutHosts('InboundPassthroughCluster')] : []), cdsWithoutHosts('PassthroughCluster'), ...inbound],
    static: [
      staticCluster('agent', socket('127.0.0.1', 15020)),
      staticCluster('prometheus_stats', socket('127.0.0.1', 15000)),
      staticCluster('sds-grpc', { pipe: { path: './var/run/secrets/workload-spiffe-uds/socket' } }),
      staticCluster('xds-grpc', { pipe: { path: './etc/istio/proxy/XDS' } }, XDS_CIRCUIT_BREAKERS),
    ],
  };
}

function outboundClusterStatus(caller: MeshPod, c: OutboundCluster) {
  return {
    name: c.name,
    observability_name: c.name,
    eds_service_name: c.name,
    added_via_api: true,
    circuit_breakers: OUTBOUND_CIRCUIT_BREAKERS,
    ...(c.hosts.length > 0
      ? { host_statuses: c.hosts.map((h) => hostStatus(caller, c.name, hostAddress(h), h.health, h.ejected, h.weight, h.locality)) }
      : {}),
  };
}

/** GET /clusters?format=json */
export function envoyClusters(mesh: Mesh, caller: MeshPod, nowMs: number) {
  const fixed = fixedClusters(mesh, caller);
  const outbound = outboundClusters(mesh, caller, nowMs).map((c) => outboundClusterStatus(caller, c));
  return { cluster_statuses: [...outbound, ...fixed.dynamic, ...fixed.static] };
}

/** The node the proxy announces (bootstrap node and server_info). */
export function envoyNode(mesh: Mesh, caller: MeshPod) {
  const cluster = mesh.cluster(caller.cluster);
  const node = cluster.nodes.find((n) => n.name === caller.node);
  const { istio } = mesh.scenario;
  return {
    id: `${caller.sidecar ? 'sidecar' : 'router'}~${caller.ip}~${proxyId(caller)}~${caller.namespace}.svc.cluster.local`,
    cluster: `${caller.owner}.${caller.namespace}`,
    metadata: {
      CLUSTER_ID: mesh.istioClusterId(cluster.id),
      ISTIO_VERSION: istio.version,
      LABELS: { app: caller.app, ...(caller.version ? { version: caller.version } : {}), 'service.istio.io/canonical-name': caller.app, 'service.istio.io/canonical-revision': caller.version ?? 'latest' },
      MESH_ID: mesh.meshConfig(cluster.id).meshId,
      NAME: caller.name,
      NAMESPACE: caller.namespace,
      NETWORK: cluster.network,
      NODE_NAME: caller.node,
      OWNER: `kubernetes://apis/apps/v1/namespaces/${caller.namespace}/deployments/${caller.owner}`,
      SERVICE_ACCOUNT: caller.serviceAccount,
      WORKLOAD_NAME: caller.owner,
      ...(istio.dnsCapture ? { DNS_AUTO_ALLOCATE: 'true', DNS_CAPTURE: 'true' } : {}),
      ...(caller.role === 'eastwest' ? { REQUESTED_NETWORK_VIEW: [cluster.network] } : {}),
    },
    locality: localityJson({ region: node?.region, zone: node?.zone }),
    user_agent_name: 'envoy',
    user_agent_build_version: {
      version: ENVOY_VERSION,
      metadata: { 'build.type': 'RELEASE', 'revision.sha': ENVOY_SHA, 'revision.status': 'Clean', 'ssl.version': 'BoringSSL' },
    },
  };
}

function duration(ms: number): string {
  return `${Math.max(0, Math.floor(ms / 1000))}s`;
}

/** GET /server_info */
export function envoyServerInfo(mesh: Mesh, caller: MeshPod, nowMs: number) {
  const uptime = duration(nowMs - caller.createdMs);
  return {
    version: `${ENVOY_SHA}/${ENVOY_VERSION.major_number}.${ENVOY_VERSION.minor_number}.${ENVOY_VERSION.patch}-dev/Clean/RELEASE/BoringSSL`,
    state: 'LIVE',
    hot_restart_version: 'disabled',
    command_line_options: {
      base_id: '0',
      concurrency: 2,
      config_path: 'etc/istio/proxy/envoy-rev.json',
      config_yaml: '',
      allow_unknown_static_fields: true,
      admin_address_path: '',
      local_address_ip_version: 'v4',
      log_level: 'warning',
      component_log_level: 'misc:error',
      log_format: '%Y-%m-%dT%T.%fZ\t%l\tenvoy %n %g:%#\t%v\tthread=%t',
      log_path: '',
      service_cluster: '',
      service_node: '',
      service_zone: '',
      mode: 'Serve',
      drain_time: '45s',
      parent_shutdown_time: '60s',
      drain_strategy: 'Immediate',
      file_flush_interval: '10s',
      restart_epoch: 0,
    },
    node: envoyNode(mesh, caller),
    uptime_current_epoch: uptime,
    uptime_all_epochs: uptime,
  };
}

function lbEndpoints(mesh: Mesh, c: OutboundCluster) {
  // One locality group per distinct locality, in host order.
  const groups = new Map<string, { locality: Locality; hosts: EnvoyHost[] }>();
  for (const h of c.hosts) {
    const k = `${h.locality.region ?? ''}/${h.locality.zone ?? ''}`;
    const g = groups.get(k) ?? { locality: h.locality, hosts: [] };
    g.hosts.push(h);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({
    locality: localityJson(g.locality),
    lb_endpoints: g.hosts.map((h) => {
      const ep = h.endpoint;
      const workload = ep?.pod
        ? `${ep.pod.owner};${ep.pod.namespace};${ep.pod.app};${ep.pod.version ?? 'latest'};${ep.cluster}`
        : undefined;
      const tlsMode = h.gateway || ep?.tlsMode === 'istio';
      return {
        endpoint: { address: hostAddress(h), health_check_config: {} },
        health_status: h.health,
        ...(tlsMode || workload
          ? {
              metadata: {
                filter_metadata: {
                  ...(tlsMode ? { 'envoy.transport_socket_match': { tlsMode: 'istio' } } : {}),
                  ...(workload ? { istio: { workload } } : {}),
                },
              },
            }
          : {}),
        load_balancing_weight: h.weight,
      };
    }),
    load_balancing_weight: g.hosts.reduce((sum, h) => sum + h.weight, 0),
  }));
}

/** GET /config_dump[?include_eds]: bootstrap, clusters, [endpoints], listeners, routes, secrets. */
export function envoyConfigDump(mesh: Mesh, caller: MeshPod, nowMs: number, rootCA: RootCA, includeEds: boolean) {
  const outbound = outboundClusters(mesh, caller, nowMs);
  const lds = caller.sidecar ? sidecarListenersAndRoutes(mesh, caller, outbound) : { listeners: [{ name: '0.0.0.0_15443', listener: { name: '0.0.0.0_15443' } }], routes: [] };
  const lastUpdated = timestamp(Math.max(caller.createdMs, nowMs - 60_000)).replace('Z', '.000Z');
  const versionInfo = `${timestamp(Math.max(caller.createdMs, nowMs - 60_000))}/${1 + (hash32(proxyId(caller)) % 50)}`;
  const edsCluster = (name: string) => ({
    '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, service_name: name },
    connect_timeout: '10s',
    circuit_breakers: OUTBOUND_CIRCUIT_BREAKERS,
    common_lb_config: { locality_weighted_lb_config: {} },
    metadata: { filter_metadata: { istio: { services: [] } } },
  });
  const configs: unknown[] = [
    { '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node: envoyNode(mesh, caller), admin: { address: socket('127.0.0.1', 15000) } }, last_updated: lastUpdated },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      version_info: versionInfo,
      static_clusters: ['agent', 'prometheus_stats', 'sds-grpc', 'xds-grpc'].map((name) => ({
        cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name, type: 'STATIC', connect_timeout: '1s' },
        last_updated: lastUpdated,
      })),
      dynamic_active_clusters: outbound.map((c) => ({ version_info: versionInfo, cluster: edsCluster(c.name), last_updated: lastUpdated })),
    },
  ];
  if (includeEds) {
    configs.push({
      '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
      dynamic_endpoint_configs: outbound.map((c) => ({
        endpoint_config: {
          '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
          cluster_name: c.name,
          ...(c.hosts.length > 0 ? { endpoints: lbEndpoints(mesh, c) } : {}),
          policy: { overprovisioning_factor: 140 },
        },
        last_updated: lastUpdated,
      })),
    });
  }
  configs.push(
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      version_info: versionInfo,
      dynamic_listeners: lds.listeners.map(({ name, listener }) => ({
        name,
        active_state: { version_info: versionInfo, listener: { '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', ...listener }, last_updated: lastUpdated },
      })),
    },
    { '@type': 'type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump' },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      ...(lds.routes.length > 0
        ? { dynamic_route_configs: lds.routes.map((r) => ({ version_info: versionInfo, route_config: { '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', ...r, validate_clusters: false }, last_updated: lastUpdated })) }
        : {}),
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
      dynamic_active_secrets: [
        {
          name: 'ROOTCA',
          version_info: '0',
          last_updated: lastUpdated,
          secret: {
            '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
            name: 'ROOTCA',
            validation_context: { trusted_ca: { inline_bytes: Buffer.from(rootCA.certPem).toString('base64') } },
          },
        },
      ],
    },
  );
  return { configs };
}
