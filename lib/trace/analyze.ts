/**
 * The reachability trace's analysis: from what was read (TraceInput) to the chain laid side by side,
 * expected → istiod replicas → Envoy → path → config, and the first broken link in one sentence.
 * Pure: no I/O, no clock except `now` for the timestamp.
 */
import { EASTWEST_TLS_PORT, NETWORK_LABEL } from '../format/kube';
import type { NetworkGateway } from '../istio/networkz';
import { listed, type ClusterSnapshot } from '../mesh/snapshot';
import { buildAddressIndex, resolveTarget } from '../mesh/targets';
import { analyzeConfig } from './config';
import type {
  ClusterReading,
  ControlPlaneColumn,
  DataPlaneColumn,
  EnvoyClusterColumn,
  ExpectedColumn,
  PathRow,
  ReplicaColumn,
  TraceInput,
  TraceLink,
  TraceProblem,
  TraceResponse,
} from './types';

const endpoints = (n: number) => `${n} endpoint${n === 1 ? '' : 's'}`;

const LINK_ORDER: TraceLink[] = ['source', 'expected', 'control-plane', 'data-plane', 'path', 'config'];

interface Context {
  input: TraceInput;
  host: string;
  port: number;
  namespace: string;
  service: string;
  source: TraceResponse['source'];
  snapshots: ClusterSnapshot[];
  byClusterId: Map<string, ClusterReading>;
  /** How sentences name a cluster: its Istio cluster ID when known (as istioctl and people do), else the context. */
  name(context: string | null): string;
  /** Name of the service port (shards and slices are per port name). */
  portName: string | null;
  problems: TraceProblem[];
}

export function analyzeTrace(input: TraceInput, now = new Date()): Omit<TraceResponse, 'clusters'> {
  const { host, port } = input.target;
  const [service, namespace] = host.split('.');
  const snapshots = input.clusters.map((c) => c.snapshot);
  const ctx: Context = {
    input,
    host,
    port,
    namespace,
    service,
    source: describeSource(input),
    snapshots,
    byClusterId: new Map(input.clusters.filter((c) => c.snapshot.clusterId).map((c) => [c.snapshot.clusterId!, c])),
    portName: input.clusters.flatMap((c) => c.service?.ports ?? []).find((p) => p.port === port)?.name ?? null,
    problems: [],
    name: (context) => (context === null ? 'an unknown cluster' : (snapshots.find((x) => x.cluster === context)?.clusterId ?? context)),
  };
  sourceProblems(ctx);
  const expected = input.clusters.map((c) => expectedColumn(ctx, c));
  expectedProblems(ctx, expected);
  const controlPlane = controlPlaneColumn(ctx, expected);
  const config = configRows(ctx, expected);
  const dataPlane = dataPlaneColumn(ctx, expected, controlPlane, config.subsetsWithoutPods);
  const paths = pathRows(ctx, expected, dataPlane);
  const problems = [...ctx.problems].sort((a, b) => LINK_ORDER.indexOf(a.link) - LINK_ORDER.indexOf(b.link) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const first = problems.find((p) => p.severity === 'error');
  return {
    source: ctx.source,
    target: { host, port, namespace, service },
    expected,
    controlPlane,
    dataPlane,
    paths,
    config: config.rows,
    verdict: verdict(ctx, first, expected, paths),
    problems,
    generatedAt: now.toISOString(),
  };
}

/* ------------------------------------------------------------------------------------ source */

function describeSource(input: TraceInput): TraceResponse['source'] {
  const reading = input.clusters.find((c) => c.snapshot.cluster === input.source.cluster);
  const snapshot = reading?.snapshot;
  const podsListed = snapshot !== undefined && listed(snapshot, 'pods');
  const pod = snapshot?.pods.find((p) => p.namespace === input.source.namespace && p.name === input.source.pod);
  return {
    ...input.source,
    clusterId: snapshot?.clusterId ?? null,
    network: pod?.labels[NETWORK_LABEL] ?? snapshot?.network ?? null,
    sidecar: pod ? pod.hasSidecar : null,
    found: podsListed ? pod !== undefined : null,
  };
}

function sourceProblems(ctx: Context): void {
  const { source } = ctx;
  const reading = ctx.input.clusters.find((c) => c.snapshot.cluster === source.cluster);
  const add = (check: string, message: string) => ctx.problems.push({ check, severity: 'error', link: 'source', cluster: source.cluster, subject: `pod ${source.namespace}/${source.pod}`, message });
  if (!reading || !reading.snapshot.reachable) add('cluster-unreachable', `${ctx.name(source.cluster)}, the source's cluster, could not be read: ${reading?.error?.message ?? 'not configured'}`);
  else if (source.found === false) add('pod-not-found', `pod ${source.namespace}/${source.pod} does not exist in ${ctx.name(source.cluster)}`);
}

/* ---------------------------------------------------------------------------------- expected */

function expectedColumn(ctx: Context, c: ClusterReading): ExpectedColumn {
  const base = { cluster: c.snapshot.cluster, clusterId: c.snapshot.clusterId, network: c.snapshot.network, endpoints: [] };
  if (c.error || !c.snapshot.reachable) return { ...base, state: 'unknown', reason: c.error?.message ?? c.snapshot.errors[0]?.message ?? 'the cluster could not be read' };
  if (c.service === undefined) return { ...base, state: 'unknown', reason: c.errors.find((e) => e.source.includes('service'))?.message ?? 'the Service could not be read' };
  if (c.service === null) return { ...base, state: 'absent', reason: `${ctx.service}.${ctx.namespace} is not defined in ${c.snapshot.cluster}` };
  if (!c.service.ports.some((p) => p.port === ctx.port)) return { ...base, state: 'absent', reason: `the Service in ${c.snapshot.cluster} has no port ${ctx.port}` };
  const podsByName = new Map(c.snapshot.pods.filter((p) => p.namespace === ctx.namespace).map((p) => [p.name, p]));
  return {
    ...base,
    state: 'ok',
    endpoints: c.endpoints.filter((e) => e.servicePort === ctx.port).map((e) => ({ pod: e.pod, ip: e.ip, port: e.port, ready: e.ready, version: (e.pod && podsByName.get(e.pod)?.labels.version) || null })),
  };
}

const ready = (col: ExpectedColumn) => col.endpoints.filter((e) => e.ready);

function expectedProblems(ctx: Context, expected: ExpectedColumn[]): void {
  const add = (severity: 'error' | 'warning', check: string, cluster: string | null, message: string) =>
    ctx.problems.push({ check, severity, link: 'expected', cluster, subject: `Service ${ctx.namespace}/${ctx.service}`, message });
  for (const col of expected) if (col.state === 'unknown') add('warning', 'cluster-unknown', col.cluster, `${ctx.name(col.cluster)} is unknown: ${col.reason}`);
  const known = expected.filter((c) => c.state === 'ok');
  if (known.length === 0 && expected.every((c) => c.state === 'absent')) add('error', 'service-not-found', null, `no cluster defines ${ctx.host} with port ${ctx.port}`);
  else if (known.length > 0 && known.every((c) => ready(c).length === 0) && !expected.some((c) => c.state === 'unknown')) {
    add('error', 'no-endpoints', null, `${ctx.host}:${ctx.port} has no ready endpoint in any cluster (${known.map((c) => ctx.name(c.cluster)).join(', ')})`);
  }
}

/* ----------------------------------------------------------------------------- control plane */

function shardCount(ctx: Context, shards: Record<string, { portName: string; healthy: boolean }[]> | null, clusterId: string | null): number {
  if (!shards || !clusterId) return 0;
  return (shards[clusterId] ?? []).filter((e) => e.healthy && (ctx.portName === null || e.portName === ctx.portName)).length;
}

function controlPlaneColumn(ctx: Context, expected: ExpectedColumn[]): ControlPlaneColumn {
  const cp = ctx.input.controlPlane;
  const ownId = ctx.snapshots.find((s) => s.cluster === cp.cluster)?.clusterId ?? null;
  const replicas: ReplicaColumn[] = cp.replicas.map((r) => ({
    pod: r.pod,
    ready: r.ready,
    state: r.shards === null ? 'unknown' : 'ok',
    ...(r.shards === null ? { reason: r.errors[0]?.message ?? 'endpointShardz could not be read' } : {}),
    servesSource: r.sourceProxy !== null,
    shards: expected
      .filter((col) => col.state !== 'absent' && col.clusterId)
      .map((col) => {
        const row = r.clusterz?.find((z) => z.name === col.clusterId);
        const read = col.clusterId === ownId ? 'own' : r.clusterz === null ? 'unknown' : (row?.status ?? 'absent');
        const endpoints = shardCount(ctx, r.shards, col.clusterId);
        const want = col.state === 'ok' ? ready(col).length : null;
        return { clusterId: col.clusterId!, cluster: col.cluster, read, endpoints, expected: want, mismatch: r.shards !== null && want !== null && endpoints !== want };
      }),
  }));
  const edsStatus = cp.replicas.find((r) => r.sourceProxy)?.sourceProxy?.types.EDS ?? null;
  controlPlaneProblems(ctx, cp.cluster, replicas);
  if (cp.error) ctx.problems.push({ check: 'istiod-unreadable', severity: 'warning', link: 'control-plane', cluster: cp.cluster, subject: 'istiod', message: `${ctx.name(cp.cluster)}'s istiod could not be read: ${cp.error.message}` });
  return { cluster: cp.cluster, state: cp.error ? 'unknown' : 'ok', ...(cp.error ? { reason: cp.error.message } : {}), replicas, edsStatus };
}

function controlPlaneProblems(ctx: Context, cpCluster: string, replicas: ReplicaColumn[]): void {
  const add = (check: string, severity: 'error' | 'warning', subject: string, message: string) => ctx.problems.push({ check, severity, link: 'control-plane', cluster: cpCluster, subject, message });
  const clusterIds = [...new Set(replicas.flatMap((r) => r.shards.map((s) => s.clusterId)))];
  for (const id of clusterIds) {
    const rows = replicas.map((r) => ({ replica: r, shard: r.shards.find((s) => s.clusterId === id)! })).filter((x) => x.shard);
    const name = id;
    const cp = ctx.name(cpCluster);
    const absent = rows.filter((x) => x.shard.read === 'absent');
    if (absent.length > 0) {
      const who = absent.length === rows.length ? `${cp}'s istiod` : `istiod replica ${absent.map((x) => x.replica.pod).join(', ')}`;
      add('remote-secret-missing', 'error', `istiod ${absent[0].replica.pod}`, `${who} does not read ${name}: remote secret missing`);
      continue;
    }
    const unsynced = rows.filter((x) => !['own', 'synced', 'unknown'].includes(x.shard.read));
    for (const x of unsynced) add('remote-cluster-not-synced', 'error', `istiod ${x.replica.pod}`, `istiod ${x.replica.pod} of ${cp} reads ${name} but its sync is ${x.shard.read}`);
    if (unsynced.length > 0) continue;
    const known = rows.filter((x) => x.replica.state === 'ok');
    const most = known.reduce((m, x) => Math.max(m, x.shard.endpoints), 0);
    const low = known.filter((x) => x.shard.endpoints < most);
    if (low.length > 0) {
      const high = known.find((x) => x.shard.endpoints === most)!;
      for (const x of low) {
        add('istiod-replicas-disagree', 'error', `istiod ${x.replica.pod}`, `istiod replica ${x.replica.pod} has ${endpoints(x.shard.endpoints)} of ${ctx.service} from ${name} while replica ${high.replica.pod} has ${most}`);
      }
      continue;
    }
    const want = known[0]?.shard.expected;
    if (known.length > 0 && want !== null && want !== undefined && most !== want) {
      add('istiod-endpoints-differ', want > 0 && most === 0 ? 'error' : 'warning', `istiod of ${cpCluster}`, `${cp}'s istiod has ${endpoints(most)} of ${ctx.service} from ${name}, whose EndpointSlices have ${want} ready`);
    }
  }
}

/* -------------------------------------------------------------------------------- data plane */

/** Every endpoint weight is scaled by the LCM of gateway counts per network and network + cluster (network.go). */
function weightScale(gateways: NetworkGateway[]): number {
  const counts = new Map<string, number>();
  for (const g of gateways) for (const k of [`n/${g.network}`, `nc/${g.network}/${g.cluster}`]) counts.set(k, (counts.get(k) ?? 0) + 1);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let lcm = 1;
  for (const n of counts.values()) lcm = (lcm * n) / gcd(lcm, n);
  return lcm;
}

function dataPlaneColumn(ctx: Context, expected: ExpectedColumn[], controlPlane: ControlPlaneColumn, subsetsWithoutPods: string[]): DataPlaneColumn {
  const envoyCluster = `outbound|${ctx.port}||${ctx.host}`;
  const envoy = ctx.input.envoy;
  const base = { envoyCluster, clusters: [], route: null };
  if (!envoy) return { ...base, state: 'no-sidecar', reason: `${ctx.source.pod} has no istio-proxy sidecar: its traffic bypasses the mesh`, exists: null };
  if (envoy.error) {
    ctx.problems.push({ check: 'envoy-unreadable', severity: 'warning', link: 'data-plane', cluster: ctx.source.cluster, subject: `Envoy of ${ctx.source.pod}`, message: `the client's Envoy could not be read: ${envoy.error.message}` });
    return { ...base, state: 'unknown', reason: envoy.error.message, exists: null };
  }
  const index = buildAddressIndex(ctx.snapshots, ctx.input.controlPlane.networkGateways);
  const from = { cluster: ctx.source.cluster, network: ctx.source.network };
  const clusters: EnvoyClusterColumn[] = envoy.clusters.map((c) => ({
    name: c.name,
    subset: c.name.split('|')[2] || null,
    hosts: c.hosts.map((h) => {
      const t = resolveTarget(h.address, h.port, index, from, c.name);
      const described =
        t.kind === 'pod'
          ? { target: `${t.name} (${ctx.name(t.cluster)})`, targetCluster: t.cluster, targetNetwork: t.network ?? null, kind: 'pod' as const, unroutable: t.crossNetwork === true }
          : t.kind === 'eastwest-gateway'
            ? { target: `${ctx.name(t.cluster)} east-west gateway${t.network ? `, ${t.network}` : ''}`, targetCluster: t.cluster, targetNetwork: t.network, kind: 'gateway' as const, unroutable: false }
            : { target: 'unknown address', targetCluster: null, targetNetwork: null, kind: 'unknown' as const, unroutable: false };
      return { address: h.address, port: h.port, health: h.status, outlierEjected: h.failedOutlierCheck, weight: h.weight, locality: h.locality, ...described };
    }),
  }));
  const main = clusters.find((c) => c.name === envoyCluster);
  const route = envoy.route ? { ...envoy.route, emptyDestinations: envoy.route.destinations.filter((d) => (clusters.find((c) => c.name === d.cluster)?.hosts.length ?? 0) === 0).map((d) => d.cluster) } : null;
  // An empty subset cluster whose DestinationRule subset matches no pod is that config problem, reported there.
  const emptyForAReason = route ? { ...route, emptyDestinations: route.emptyDestinations.filter((d) => !subsetsWithoutPods.includes(d.split('|')[2])) } : null;
  dataPlaneProblems(ctx, expected, controlPlane, clusters, main, emptyForAReason);
  return { envoyCluster, state: 'ok', exists: main !== undefined, clusters, route };
}

function dataPlaneProblems(ctx: Context, expected: ExpectedColumn[], controlPlane: ControlPlaneColumn, clusters: EnvoyClusterColumn[], main: EnvoyClusterColumn | undefined, route: DataPlaneColumn['route']): void {
  const subject = `Envoy of ${ctx.source.pod}`;
  const add = (check: string, severity: 'error' | 'warning', message: string) => ctx.problems.push({ check, severity, link: 'data-plane', cluster: ctx.source.cluster, subject, message });
  const readyTotal = expected.reduce((n, c) => n + ready(c).length, 0);
  if (!main) {
    if (readyTotal > 0) add('envoy-cluster-missing', 'error', `the client's Envoy has no cluster outbound|${ctx.port}||${ctx.host} (its Sidecar scope or istiod does not include the service)`);
    return;
  }
  if (main.hosts.length === 0 && readyTotal > 0) add('envoy-cluster-empty', 'error', `the client's Envoy cluster ${main.name} has zero endpoints while ${readyTotal} ${readyTotal === 1 ? 'is' : 'are'} ready`);
  for (const h of main.hosts.filter((x) => x.outlierEjected)) add('endpoint-ejected', 'warning', `${h.address}:${h.port} (${h.target}) is ejected by outlier detection in the client's Envoy`);
  for (const h of main.hosts.filter((x) => x.health === 'UNHEALTHY')) add('endpoint-unhealthy', 'warning', `${h.address}:${h.port} (${h.target}) is UNHEALTHY in the client's Envoy`);
  const unroutable = main.hosts.filter((h) => h.unroutable);
  for (const cluster of new Set(unroutable.map((h) => h.targetCluster))) {
    const col = expected.find((c) => c.cluster === cluster);
    add('endpoints-unroutable', 'error', `the client's Envoy holds ${ctx.name(cluster)}'s pod IPs, which are not routable from ${ctx.source.network ?? 'its network'}: ${gatewayProblem(ctx, cluster!, col?.network ?? null)}`);
  }
  for (const d of route?.emptyDestinations ?? []) {
    const weight = route!.destinations.find((x) => x.cluster === d)?.weight ?? 0;
    add('route-to-empty-cluster', 'error', `${route!.virtualService ? `VirtualService ${route!.virtualService}` : 'the route'} sends ${weight}% of ${ctx.host}:${ctx.port} to ${d}, which has no endpoints in the client's Envoy`);
  }
  edsLag(ctx, controlPlane, main, add);
}

/** The client's Envoy against the istiod replica that serves it, per network: a difference is a missed push. */
function edsLag(ctx: Context, controlPlane: ControlPlaneColumn, main: EnvoyClusterColumn, add: (check: string, severity: 'error' | 'warning', message: string) => void): void {
  const serving = ctx.input.controlPlane.replicas.find((r) => r.sourceProxy && r.shards);
  if (!serving?.shards) return;
  const direct = main.hosts.find((h) => h.kind === 'pod');
  const scale = direct ? direct.weight || 1 : weightScale(ctx.input.controlPlane.networkGateways);
  const envoyByNetwork = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const h of main.hosts) bump(envoyByNetwork, h.targetNetwork ?? '?', h.kind === 'gateway' ? h.weight / scale : 1);
  const istiodByNetwork = new Map<string, number>();
  for (const endpoints of Object.values(serving.shards)) {
    for (const e of endpoints) {
      if (!e.healthy || (ctx.portName !== null && e.portName !== ctx.portName)) continue;
      // Through a gateway only mTLS-capable endpoints are sent (ep_filters.go).
      if (e.network !== ctx.source.network && e.tlsMode !== 'istio') continue;
      bump(istiodByNetwork, e.network, 1);
    }
  }
  for (const network of new Set([...envoyByNetwork.keys(), ...istiodByNetwork.keys()])) {
    const inEnvoy = envoyByNetwork.get(network) ?? 0;
    const inIstiod = istiodByNetwork.get(network) ?? 0;
    if (inEnvoy === inIstiod || network === '?') continue;
    const eds = controlPlane.edsStatus;
    const stale = eds !== null && eds !== 'SYNCED';
    add(stale ? 'proxy-not-synced' : 'envoy-endpoints-differ', 'error', `the client's Envoy holds ${endpoints(inEnvoy)} of ${ctx.service} on ${network} while istiod replica ${serving.pod} has ${inIstiod}${stale ? `: the proxy missed an EDS push (EDS ${eds})` : ''}`);
  }
}

/** Why a cluster's pods are dialled by pod IP from another network: its east-west gateway is missing or has no address. */
function gatewayProblem(ctx: Context, cluster: string, network: string | null): string {
  const snapshot = ctx.snapshots.find((s) => s.cluster === cluster);
  const gw = snapshot?.gateways.find((g) => g.role === 'eastwest' || (network !== null && g.network === network));
  const name = ctx.name(cluster);
  if (!gw) return `${name} has no east-west gateway`;
  if (gw.pending || (gw.externalIPs.length === 0 && !gw.hostname)) return `${name}'s east-west gateway has no external address`;
  if (!gw.network) return `${name}'s east-west gateway has no topology.istio.io/network label`;
  return `istiod knows no gateway for ${network ?? 'that network'}`;
}

/* -------------------------------------------------------------------------------------- path */

function pathRows(ctx: Context, expected: ExpectedColumn[], dataPlane: DataPlaneColumn): PathRow[] {
  const main = dataPlane.clusters.find((c) => c.name === dataPlane.envoyCluster);
  const hosts = main ? new Set(main.hosts.map((h) => `${h.address}:${h.port}`)) : null;
  const rows: PathRow[] = [];
  const reported = new Set<string>();
  for (const col of expected.filter((c) => c.state === 'ok')) {
    for (const ep of ready(col)) {
      const base = { cluster: col.cluster, pod: ep.pod, ip: ep.ip };
      const sameNetwork = ctx.source.network !== null && col.network === ctx.source.network;
      if (sameNetwork || (col.network === null && col.cluster === ctx.source.cluster)) {
        const inEnvoy = hosts ? hosts.has(`${ep.ip}:${ep.port}`) : null;
        rows.push({ ...base, via: 'direct', gateway: null, gatewayCluster: null, crossNetworkGateway: null, inEnvoy, ok: inEnvoy !== false, reason: inEnvoy === false ? "not in the client's Envoy" : `direct, same network ${col.network ?? ''}`.trim() });
        continue;
      }
      // Without the networks (or the gateways' Services) a missing gateway would be a false finding.
      const unread = ctx.snapshots.filter((x) => x.network === col.network || x.cluster === col.cluster).find((x) => !listed(x, 'services') || !listed(x, 'namespaces'));
      if (col.network === null || ctx.source.network === null || unread) {
        const why = col.network === null || ctx.source.network === null ? 'the networks are unknown' : `${ctx.name(unread!.cluster)}'s gateways could not be read`;
        rows.push({ ...base, via: 'unknown', gateway: null, gatewayCluster: null, crossNetworkGateway: null, inEnvoy: hosts ? hosts.has(`${ep.ip}:${ep.port}`) : null, ok: true, reason: why });
        continue;
      }
      rows.push({ ...base, ...gatewayPath(ctx, col, ep.ip, ep.port, hosts, reported) });
    }
  }
  return rows;
}

function gatewayPath(ctx: Context, col: ExpectedColumn, ip: string, port: number, hosts: Set<string> | null, reported: Set<string>): Omit<PathRow, 'cluster' | 'pod' | 'ip'> {
  const none = (reason: string) => ({ via: 'none' as const, gateway: null, gatewayCluster: null, crossNetworkGateway: null, inEnvoy: hosts ? hosts.has(`${ip}:${port}`) : null, ok: false, reason });
  const report = (check: string, message: string) => {
    if (reported.has(check + col.cluster)) return;
    reported.add(check + col.cluster);
    ctx.problems.push({ check, severity: 'error', link: 'path', cluster: col.cluster, subject: `east-west gateway of ${col.network ?? col.cluster}`, message });
  };
  // The gateway of the endpoint's cluster, else any of its network (as istiod picks them).
  const onNetwork = ctx.snapshots.filter((s) => s.network === col.network).flatMap((s) => s.gateways.filter((g) => g.role === 'eastwest' || (col.network !== null && g.network === col.network)).map((g) => ({ s, g })));
  const pick = onNetwork.find((x) => x.s.cluster === col.cluster) ?? onNetwork[0];
  const resolved = ctx.input.controlPlane.networkGateways.find((g) => g.network === col.network);
  if (!pick && !resolved) {
    report('eastwest-gateway-missing', `${col.network ?? ctx.name(col.cluster)} has no east-west gateway: ${ctx.name(col.cluster)}'s endpoints are not reachable from ${ctx.source.network ?? 'the client'}`);
    return none(`no east-west gateway on ${col.network ?? 'its network'}`);
  }
  const address = pick?.g.externalIPs[0] ?? pick?.g.hostname ?? resolved?.address ?? null;
  if (!address) {
    report('eastwest-gateway-no-address', `${ctx.name(pick!.s.cluster)}'s east-west gateway has no external address (LoadBalancer pending): the client's Envoy gets ${ctx.name(col.cluster)}'s pod IPs, not routable from ${ctx.source.network ?? 'its network'}`);
    return none(`${ctx.name(pick!.s.cluster)}'s east-west gateway has no external address`);
  }
  const gwCluster = pick?.s.cluster ?? ctx.snapshots.find((s) => s.clusterId === resolved?.cluster)?.cluster ?? null;
  const gwPort = resolved?.address === address ? resolved.port : EASTWEST_TLS_PORT;
  const reading = ctx.input.clusters.find((c) => c.snapshot.cluster === gwCluster);
  const crossNetwork = reading?.gateways ? reading.gateways.some((g) => isCrossNetworkGateway(g.spec)) : null;
  if (crossNetwork === false) report('cross-network-gateway-missing', `${ctx.name(gwCluster)} has no cross-network Gateway (port 15443, AUTO_PASSTHROUGH, *.local): its east-west gateway refuses mesh traffic from other networks`);
  const inEnvoy = hosts ? hosts.has(`${address}:${gwPort}`) : null;
  const ok = inEnvoy !== false && crossNetwork !== false;
  const reason = crossNetwork === false ? 'the gateway has no cross-network Gateway' : inEnvoy === false ? "the gateway is not in the client's Envoy" : `through ${ctx.name(gwCluster)}'s east-west gateway`;
  return { via: 'gateway', gateway: `${address}:${gwPort}`, gatewayCluster: gwCluster, crossNetworkGateway: crossNetwork, inEnvoy, ok, reason };
}

function isCrossNetworkGateway(spec: Record<string, unknown>): boolean {
  const servers = Array.isArray(spec.servers) ? spec.servers : [];
  return servers.some((s) => {
    const server = s as { port?: { number?: unknown }; tls?: { mode?: unknown }; hosts?: unknown };
    return server.port?.number === EASTWEST_TLS_PORT && server.tls?.mode === 'AUTO_PASSTHROUGH' && Array.isArray(server.hosts) && server.hosts.some((h) => h === '*.local' || h === '*');
  });
}

/* ------------------------------------------------------------------------------------ config */

function configRows(ctx: Context, expected: ExpectedColumn[]): { rows: TraceResponse['config']; subsetsWithoutPods: string[] } {
  const client = ctx.input.clusters.find((c) => c.snapshot.cluster === ctx.input.controlPlane.cluster);
  const podLabelsOf = (cluster: string) => {
    const col = expected.find((c) => c.cluster === cluster);
    const names = new Set((col?.endpoints ?? []).map((e) => e.pod));
    return (ctx.snapshots.find((s) => s.cluster === cluster)?.pods ?? []).filter((p) => p.namespace === ctx.namespace && names.has(p.name)).map((p) => p.labels);
  };
  const destinations = expected.filter((c) => c.state === 'ok' && ready(c).length > 0);
  const { rows, problems, subsetsWithoutPods } = analyzeConfig({
    host: ctx.host,
    clientCluster: ctx.input.controlPlane.cluster,
    virtualServices: client?.virtualServices ?? [],
    destinationRules: client?.destinationRules ?? [],
    destinations: destinations.map((c) => ({
      cluster: c.cluster,
      peerAuthentications: ctx.input.clusters.find((r) => r.snapshot.cluster === c.cluster)?.peerAuthentications ?? [],
      podLabels: podLabelsOf(c.cluster),
    })),
    allPodLabels: expected.flatMap((c) => podLabelsOf(c.cluster)),
    podsComplete: expected.every((c) => c.state !== 'unknown') && ctx.snapshots.every((x) => listed(x, 'pods')),
    source: { pod: ctx.source.pod, cluster: ctx.source.cluster, sidecar: ctx.source.sidecar },
    name: ctx.name,
  });
  ctx.problems.push(...problems);
  return { rows, subsetsWithoutPods };
}

/* ----------------------------------------------------------------------------------- verdict */

function verdict(ctx: Context, first: TraceProblem | undefined, expected: ExpectedColumn[], paths: PathRow[]): TraceResponse['verdict'] {
  if (first) return { healthy: false, sentence: first.message };
  const unknown = expected.filter((c) => c.state === 'unknown');
  if (unknown.length > 0) return { healthy: false, sentence: `No broken link found, but ${unknown.map((c) => `${ctx.name(c.cluster)} is unknown (${c.reason})`).join('; ')}.` };
  return { healthy: true, sentence: healthySentence(ctx, paths) };
}

function healthySentence(ctx: Context, paths: PathRow[]): string {
  const parts: string[] = [];
  const direct = paths.filter((p) => p.via === 'direct');
  for (const cluster of new Set(direct.map((p) => p.cluster))) parts.push(`${direct.filter((p) => p.cluster === cluster).length} direct in ${ctx.name(cluster)}`);
  const via = paths.filter((p) => p.via === 'gateway');
  for (const gw of new Set(via.map((p) => p.gateway))) {
    const rows = via.filter((p) => p.gateway === gw);
    parts.push(`${rows.length} in ${[...new Set(rows.map((r) => ctx.name(r.cluster)))].join(', ')} through ${ctx.name(rows[0].gatewayCluster)}'s east-west gateway ${gw}`);
  }
  const what = `${ctx.source.pod} (${ctx.name(ctx.source.cluster)}) reaches ${ctx.host}:${ctx.port}`;
  return parts.length ? `Healthy: ${what}: ${parts.join('; ')}.` : `Healthy: nothing is broken on the way from ${ctx.source.pod} to ${ctx.host}:${ctx.port}.`;
}
