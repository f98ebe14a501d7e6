/**
 * istiod's HTTP debug and monitoring endpoints (:15014 and :8080), computed from the mesh.
 * Shapes follow Istio's Go structs (field names as json tags or Go names), compact unless ?pretty.
 */
import { hash32, hexOf, uuidOf } from './determinism';
import { envoyConfigDump } from './envoy';
import { derivedFromEndpoints, emptyShardsOf, networkGateways, proxyId, serviceEndpoints, visibleServices } from './eds';
import type { Mesh, MeshPod } from './mesh';
import { timestamp } from './objects';
import type { RootCA } from './rootca';
import { istioAtLeast } from './scenario';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

const GO_VERSION = 'go1.22.2';

function json(value: unknown, pretty: boolean): HttpAnswer {
  // Go's json.MarshalIndent(v, "", "    ") for ?pretty, json.Marshal otherwise.
  return { status: 200, contentType: 'application/json', body: pretty ? JSON.stringify(value, null, 4) : JSON.stringify(value) };
}

function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): HttpAnswer {
  return { status, contentType, body };
}

/** The istiod replicas of a cluster and the proxies each one serves (spread deterministically). */
export function connectedProxies(mesh: Mesh, istiod: MeshPod, nowMs: number): MeshPod[] {
  const replicas = mesh.istiodReplicas(istiod.cluster);
  return mesh
    .pods(istiod.cluster)
    .filter((p) => p.proxy && mesh.podIP(p, nowMs) !== null && mesh.istiodOf(p, replicas) === istiod)
    .sort((a, b) => proxyId(a).localeCompare(proxyId(b)));
}

/** Istio nonce: "<RFC3339 push time>/<push counter>" followed by a uuid (discovery.go NextVersion + nonce). */
function nonce(pushMs: number, counter: number, seed: string): string {
  return `${timestamp(pushMs)}/${counter}${uuidOf(seed)}`;
}

/**
 * xDS types istiod tracks per connection. The first four (and ECDS, never sent here) also have the flat
 * `<field>_sent/_acked` fields of /debug/syncz; every watched type is a key of `resources` (1.23+).
 */
const XDS_TYPES = {
  cds: { field: 'cluster', url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' },
  lds: { field: 'listener', url: 'type.googleapis.com/envoy.config.listener.v3.Listener' },
  rds: { field: 'route', url: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration' },
  eds: { field: 'endpoint', url: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment' },
  nds: { field: null, url: 'type.googleapis.com/istio.networking.nds.v1.NameTable' },
  wds: { field: null, url: 'type.googleapis.com/istio.workload.Address' },
  wads: { field: null, url: 'type.googleapis.com/istio.security.Authorization' },
} as const;
type XdsShort = keyof typeof XDS_TYPES;

/**
 * The types a proxy subscribes to: Envoy's four core types (gateways without routes of their own still
 * get RDS), plus the name table istio-agent asks for when DNS capture is on; a ztunnel asks for
 * workloads and authorizations only.
 */
export function watchedTypes(mesh: Mesh, proxy: MeshPod): XdsShort[] {
  if (proxy.role === 'ztunnel') return ['wds', 'wads'];
  const core: XdsShort[] = ['cds', 'lds', 'rds', 'eds'];
  return proxy.sidecar && mesh.meshConfig(proxy.cluster).dnsCapture ? [...core, 'nds'] : core;
}

/** Go's time.Time JSON (RFC 3339 with nanoseconds). */
function goTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '') + '123456Z';
}

function proxyType(proxy: MeshPod): string {
  if (proxy.role === 'ztunnel') return 'ztunnel';
  return proxy.sidecar ? 'sidecar' : 'router';
}

/** One /debug/syncz entry (debug.go SyncStatus): flat nonces always, the per-type `resources` map from 1.23. */
function syncStatus(mesh: Mesh, proxy: MeshPod, nowMs: number) {
  // The proxy's own version is the scenario's; the layout is that of the istiod answering.
  const { version } = mesh.scenario.istio;
  const istiodVersion = mesh.istiodVersion(proxy.cluster);
  const states = mesh.cluster(proxy.cluster).misconfig.xds;
  const id = proxyId(proxy);
  const pushMs = Math.max(proxy.createdMs + 5000, nowMs - 60_000 - (hash32(id) % 600_000));
  const counter = 1 + (hash32(`${proxy.cluster}/${id}`) % 90);
  const row: Record<string, unknown> = { cluster_id: mesh.istioClusterId(proxy.cluster), proxy: id, proxy_type: proxyType(proxy), istio_version: version };
  const resources: Record<string, unknown> = {};
  for (const short of watchedTypes(mesh, proxy)) {
    const { field, url } = XDS_TYPES[short];
    const sent = nonce(pushMs, counter, `${proxy.cluster}/${id}/${short}`);
    // A proxy that stopped acking EDS (the eds-stale path fault) reads as STALE.
    const frozen = short === 'eds' && mesh.frozenEds.has(`${proxy.cluster}/${proxy.namespace}/${proxy.name}`);
    const state = frozen ? 'stale' : states.get(`${proxy.namespace}/${proxy.name}/${short}`);
    const older = nonce(pushMs - 30_000, counter - 1, `${proxy.cluster}/${id}/${short}/old`);
    // A NACK leaves the last accepted version acked (so before 1.23 it reads as STALE).
    const [s, a] = state === 'not-sent' ? ['', ''] : state === 'never-acked' ? [sent, ''] : state === 'stale' || state === 'error' ? [sent, older] : [sent, sent];
    if (field && s) row[`${field}_sent`] = s;
    if (field && a) row[`${field}_acked`] = a;
    resources[url] = {
      ...(s ? { sent: s } : {}),
      ...(a ? { acked: a } : {}),
      // Go marshals a zero time.Time too: a type never sent has sentTime 0001-01-01.
      sentTime: s ? goTime(pushMs) : '0001-01-01T00:00:00Z',
      ...(state === 'error' ? { lastError: nackMessage(url) } : {}),
    };
  }
  // The per-type resources map (and its lastError) exists since Istio 1.23.
  if (istioAtLeast(istiodVersion, '1.23')) row.resources = resources;
  return row;
}

/** Envoy's rejection text for a config it cannot accept (the NACK drill). */
function nackMessage(typeUrl: string): string {
  return typeUrl.endsWith('Listener')
    ? "Error adding/updating listener(s) 0.0.0.0_9080: duplicate listener 0.0.0.0_9080 found"
    : `Proto constraint validation failed (${typeUrl.split('.').pop()}ValidationError.Name: value length must be at least 1 characters)`;
}

/**
 * clusterz (secretcontroller.go ListRemoteClusters): from 1.22 the istiod's own (config) cluster comes
 * first; before, only the clusters of remote secrets, and `null` (a nil slice) when there are none.
 */
function clusterz(mesh: Mesh, istiod: MeshPod) {
  const own = istioAtLeast(mesh.istiodVersion(istiod.cluster), '1.22')
    ? [{ id: mesh.istioClusterId(istiod.cluster), secretName: '', syncStatus: mesh.istiodNotReady.has(istiod.cluster) ? 'syncing' : 'synced' }]
    : [];
  const rows = [
    ...own,
    ...mesh.remoteClusters(istiod.cluster).map((remote) => ({
      id: mesh.remoteSecretId(istiod.cluster, remote),
      secretName: `istio-system/istio-remote-secret-${remote}`,
      syncStatus: mesh.remoteStatus(istiod.cluster, remote),
    })),
  ];
  return rows.length > 0 ? rows : null;
}

/** networkz (model.NetworkGateway, Go field names): HBONEPort and ServiceAccount exist from 1.23. */
function networkz(mesh: Mesh, istiod: MeshPod) {
  const hbone = istioAtLeast(mesh.istiodVersion(istiod.cluster), '1.23');
  return networkGateways(mesh, mesh.visibleClusters(istiod.cluster)).map((g) => ({
    Network: g.network,
    Cluster: g.cluster,
    Addr: g.addr,
    Port: g.port,
    ...(hbone ? { HBONEPort: g.hbonePort, ServiceAccount: { Namespace: g.serviceAccount?.namespace ?? '', Name: g.serviceAccount?.name ?? '' } } : {}),
  }));
}

function registryz(mesh: Mesh, istiod: MeshPod) {
  const out: unknown[] = [];
  for (const [hostname, services] of visibleServices(mesh, mesh.visibleClusters(istiod.cluster))) {
    const first = services[0];
    const vips: Record<string, string[]> = {};
    const external: Record<string, string[]> = {};
    const nodePorts: Record<string, Record<string, number>> = {};
    for (const s of services) {
      vips[s.cluster] = [s.clusterIP];
      const ext = mesh.externalIP(s);
      if (ext) external[s.cluster] = [ext];
      const np = Object.fromEntries(s.ports.filter((p) => p.nodePort).map((p) => [String(p.port), p.nodePort!]));
      if (Object.keys(np).length) nodePorts[s.cluster] = np;
    }
    out.push({
      Attributes: {
        ServiceRegistry: 'Kubernetes',
        Name: first.name,
        Namespace: first.namespace,
        Labels: first.labels,
        ExportTo: null,
        LabelSelectors: first.selector,
        ClusterExternalAddresses: Object.keys(external).length ? { Addresses: external } : {},
        ClusterExternalPorts: Object.keys(nodePorts).length ? nodePorts : null,
        Type: first.type,
        ExternalName: '',
        NodeLocal: false,
        Aliases: null,
      },
      ports: first.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.name.startsWith('http') ? 'HTTP' : 'TCP' })),
      creationTime: timestamp(Math.min(...services.map((s) => s.createdMs))),
      hostname,
      clusterVIPs: { Addresses: vips },
      defaultAddress: first.clusterIP,
      Resolution: 0,
      MeshExternal: false,
      ResourceVersion: String(hash32(hostname) % 100000),
    });
  }
  return out;
}

function endpointShardz(mesh: Mesh, istiod: MeshPod, nowMs: number) {
  const { version, trustDomain } = mesh.scenario.istio;
  const addressList = istioAtLeast(version, '1.24');
  const out: Record<string, Record<string, { Shards: Record<string, unknown[]>; ServiceAccounts: Record<string, object> }>> = {};
  const empty = new Set(emptyShardsOf(mesh, istiod));
  for (const [hostname, services] of visibleServices(mesh, mesh.visibleClusters(istiod.cluster))) {
    for (const svc of services) {
      if (Object.keys(svc.selector).length === 0) continue;
      const ns = ((out[hostname] ??= {})[svc.namespace] ??= { Shards: {}, ServiceAccounts: {} });
      const shard = (ns.Shards[`Kubernetes/${svc.cluster}`] ??= []);
      if (empty.has(svc.cluster)) continue;
      for (const port of svc.ports) {
        for (const ep of serviceEndpoints(mesh, svc, port, nowMs)) {
          const sa = `spiffe://${trustDomain}/ns/${svc.namespace}/sa/${ep.pod?.serviceAccount ?? 'default'}`;
          ns.ServiceAccounts[sa] = {};
          const labels: Record<string, string> = { ...(ep.pod ? { app: ep.pod.app, ...(ep.pod.version ? { version: ep.pod.version } : {}) } : {}) };
          if (ep.tlsMode === 'istio') labels['security.istio.io/tlsMode'] = 'istio';
          labels['topology.istio.io/cluster'] = ep.cluster;
          labels['topology.istio.io/network'] = ep.network;
          if (ep.locality.region) labels['topology.kubernetes.io/region'] = ep.locality.region;
          if (ep.locality.zone) labels['topology.kubernetes.io/zone'] = ep.locality.zone;
          shard.push({
            Labels: labels,
            ...(addressList ? { Addresses: [ep.ip] } : { Address: ep.ip }),
            ServicePortName: ep.portName,
            LegacyClusterPortKey: 0,
            ServiceAccount: sa,
            Network: ep.network,
            Locality: { Label: ep.locality.region ? `${ep.locality.region}/${ep.locality.zone ?? ''}/` : '', ClusterID: ep.cluster },
            EndpointPort: ep.port,
            LbWeight: 0,
            TLSMode: ep.tlsMode,
            Namespace: svc.namespace,
            WorkloadName: ep.pod?.owner ?? '',
            HostName: '',
            SubDomain: '',
            HealthStatus: !ep.ready ? 2 : ep.draining ? 3 : 1,
            SendUnhealthyEndpoints: false,
            NodeName: ep.node,
          });
        }
      }
    }
  }
  return out;
}

/** Recursively renames snake_case keys to camelCase (istiod's config_dump is protojson). */
function camelCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCase);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('@') ? k : k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camelCase(v)]));
  }
  return value;
}

function metrics(mesh: Mesh, istiod: MeshPod, nowMs: number): string {
  const { version } = mesh.scenario.istio;
  const proxies = connectedProxies(mesh, istiod, nowMs);
  const remotes = mesh.remoteClusters(istiod.cluster);
  const services = visibleServices(mesh, mesh.visibleClusters(istiod.cluster)).size;
  const uptimeMin = Math.max(1, Math.floor((nowMs - istiod.createdMs) / 60_000));
  const lines: string[] = [
    '# HELP istiod_managed_clusters Number of clusters managed by istiod',
    '# TYPE istiod_managed_clusters gauge',
    'istiod_managed_clusters{cluster_type="local"} 1',
    `istiod_managed_clusters{cluster_type="remote"} ${remotes.length}`,
  ];
  if (istioAtLeast(version, '1.29')) {
    lines.push('# TYPE istiod_remote_cluster_sync_status gauge');
    for (const r of remotes) {
      const status = mesh.remoteStatus(istiod.cluster, r);
      for (const s of ['synced', 'syncing', 'timeout', 'closed']) lines.push(`istiod_remote_cluster_sync_status{cluster="${r}",cluster_type="remote",status="${s}"} ${s === status ? 1 : 0}`);
    }
  }
  const timedOut = remotes.filter((r) => mesh.remoteStatus(istiod.cluster, r) === 'timeout');
  if (timedOut.length) {
    lines.push('# TYPE remote_cluster_sync_timeouts_total counter');
    for (const r of timedOut) lines.push(`remote_cluster_sync_timeouts_total{cluster="${r}"} 1`);
  }
  lines.push('# TYPE remote_cluster_secret_events_total counter', `remote_cluster_secret_events_total{event="add"} ${remotes.length}`);
  lines.push('# HELP pilot_xds Number of endpoints connected to this pilot using XDS.', '# TYPE pilot_xds gauge', `pilot_xds{version="${version}"} ${proxies.length}`);
  lines.push('# TYPE pilot_xds_pushes counter');
  // Counters grow by the second (rates over a one-minute window stay smooth).
  const uptimeFractionMin = Math.max(1, (nowMs - istiod.createdMs) / 60_000);
  for (const [type, perProxy] of [['cds', 3], ['eds', 11], ['lds', 3], ['rds', 2]] as const) lines.push(`pilot_xds_pushes{type="${type}"} ${Math.floor(proxies.length * perProxy * uptimeFractionMin)}`);
  const rejected = new Map<string, number>();
  for (const x of mesh.scenario.xds) if (x.status === 'stale' && proxies.some((p) => p.cluster === x.cluster && p.namespace === x.namespace && p.name === x.pod)) rejected.set(x.type, (rejected.get(x.type) ?? 0) + 1);
  if (rejected.size) {
    lines.push('# TYPE pilot_total_xds_rejects counter');
    for (const [type, n] of [...rejected].sort()) lines.push(`pilot_total_xds_rejects{type="${type}"} ${n}`);
  }
  const converged = Math.floor(proxies.length * 4 * uptimeFractionMin);
  lines.push('# TYPE pilot_proxy_convergence_time histogram');
  const buckets = [0.1, 0.5, 1, 3, 5, 10, 20, 30];
  buckets.forEach((le, i) => lines.push(`pilot_proxy_convergence_time_bucket{le="${le}"} ${Math.round(converged * Math.min(1, 0.8 + 0.05 * i))}`));
  lines.push(`pilot_proxy_convergence_time_bucket{le="+Inf"} ${converged}`, `pilot_proxy_convergence_time_sum ${(converged * 0.06).toFixed(3)}`, `pilot_proxy_convergence_time_count ${converged}`);
  lines.push('# TYPE pilot_push_triggers counter', `pilot_push_triggers{type="endpoint"} ${3 * uptimeMin}`, `pilot_push_triggers{type="config"} ${2 + remotes.length}`);
  lines.push('# TYPE pilot_k8s_reg_events counter');
  lines.push(`pilot_k8s_reg_events{event="add",type="Services"} ${services}`, `pilot_k8s_reg_events{event="add",type="EndpointSlice"} ${services}`);
  lines.push('# HELP pilot_services Total services known to pilot.', '# TYPE pilot_services gauge', `pilot_services ${services}`);
  lines.push('# TYPE pilot_info gauge', `pilot_info{version="${version}-${hexOf(`istio-${version}`, 40)}-Clean"} 1`);
  lines.push('# TYPE istio_build gauge', `istio_build{component="pilot",tag="${version}"} 1`);
  return lines.join('\n') + '\n';
}

export interface IstiodRequest {
  port: number;
  path: string;
  query: URLSearchParams;
  viaApiServerProxy: boolean;
}

/** Answers one request to an istiod pod (15014: monitoring + debug, 8080: debug + /ready). */
export function istiodAnswer(mesh: Mesh, istiod: MeshPod, req: IstiodRequest, nowMs: number, rootCA: RootCA): HttpAnswer {
  const pretty = req.query.has('pretty');
  const version = mesh.istiodVersion(istiod.cluster);
  if (req.path === '/ready' && req.port === 8080) {
    return mesh.podReady(istiod, nowMs) ? text(200, '') : text(503, 'not ready\n');
  }
  if (req.path === '/metrics' && req.port === 15014) return text(200, metrics(mesh, istiod, nowMs), 'text/plain; version=0.0.4; charset=utf-8');
  if (req.path === '/version' && req.port === 15014) return text(200, `${version}-${hexOf(`istio-${version}`, 40)}-Clean-${version}-${GO_VERSION}`);
  if (!req.path.startsWith('/debug/')) return text(404, '404 page not found\n');
  // Debug endpoints only trust loopback callers; via the API server proxy the caller is not (debug.go).
  if (req.viaApiServerProxy) return text(401, 'Unauthorized\n');

  const answer = debugAnswer(mesh, istiod, req, nowMs, rootCA, pretty);
  if (answer.status === 200 && answer.contentType === 'application/json' && mesh.istiodMalformed.has(istiod.cluster)) {
    // The malformed-response drill: a 200 whose JSON is cut short.
    return { ...answer, body: answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2))) };
  }
  return answer;
}

function debugAnswer(mesh: Mesh, istiod: MeshPod, req: IstiodRequest, nowMs: number, rootCA: RootCA, pretty: boolean): HttpAnswer {
  switch (req.path) {
    case '/debug/clusterz':
      return json(clusterz(mesh, istiod), pretty);
    case '/debug/syncz': {
      const ns = req.query.get('namespace');
      return json(connectedProxies(mesh, istiod, nowMs).filter((p) => !ns || p.namespace === ns).map((p) => syncStatus(mesh, p, nowMs)), pretty);
    }
    case '/debug/networkz':
      return json(networkz(mesh, istiod), pretty);
    case '/debug/registryz':
      return json(registryz(mesh, istiod), pretty);
    case '/debug/endpointShardz':
    case '/debug/endpointz':
      return derivedFromEndpoints(mesh, nowMs, `endpointShardz/${istiod.cluster}/${istiod.name}/${pretty}`, () => json(endpointShardz(mesh, istiod, nowMs), pretty));
    case '/debug/connections': {
      const clients = connectedProxies(mesh, istiod, nowMs).map((p) => ({
        connectionId: `${proxyId(p)}-${1 + (hash32(proxyId(p)) % 40)}`,
        connectedAt: new Date(p.createdMs + 4000).toISOString(),
        address: `${p.ip}:${32768 + (hash32(`${proxyId(p)}/port`) % 28000)}`,
      }));
      return json({ totalClients: clients.length, clients }, pretty);
    }
    case '/debug/config_dump': {
      const id = req.query.get('proxyID');
      if (!id) return text(400, 'You must provide a proxyID in the query string\n');
      const proxy = connectedProxies(mesh, istiod, nowMs).find((p) => `${proxyId(p)}-${1 + (hash32(proxyId(p)) % 40)}`.includes(id));
      if (!proxy) return text(404, 'Proxy not connected to this Pilot instance. It may be connected to another instance.\n');
      return json(camelCase(envoyConfigDump(mesh, proxy, nowMs, rootCA, req.query.has('include_eds'))), pretty);
    }
    default:
      return text(404, '404 page not found\n');
  }
}
