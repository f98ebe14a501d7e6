/**
 * createWorld: the World (lab/world.ts) over the mesh model: Kubernetes objects from the object store
 * (object-store.ts), istiod and Envoy answers from the model, faults applied to the model and re-rendered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabCluster, LabFault, LabUser, ResourceType, World } from '../world';
import { hexOf } from './determinism';
import { envoyClusters, envoyConfigDump, envoyServerInfo } from './envoy';
import { istiodAnswer, type HttpAnswer } from './istiod';
import { defaultContext, defaultUser, isPathFault, Mesh, type MeshPod } from './mesh';
import { applyPathFault, pathFaultChangesObjects } from './path-faults';
import { ObjectStore, WATCH_HISTORY } from './object-store';
import { type RenderContext, servedResourceTypes } from './objects';
import { createRootCA, type RootCA } from './rootca';
import type { Scenario } from './scenario';
import { TrafficMeter } from '../traffic/metrics';

export { WATCH_HISTORY };


export interface WorldOptions {
  /** Lab start time in ms (default Date.now()); ages are counted back from it. */
  nowMs?: number;
  /** Clock for run-time changes (tests pin it). */
  clock?: () => number;
  /** Events kept per cluster for watches (default WATCH_HISTORY). */
  watchHistory?: number;
}

function labUser(name: string, auth: 'cert' | 'token', clusterId: string): LabUser {
  return auth === 'cert'
    ? // kubeadm's admin.conf certificate: CN kubernetes-admin, O system:masters.
      { name, credential: { kind: 'cert', commonName: name.endsWith('-admin') ? 'kubernetes-admin' : name, groups: name.endsWith('-admin') ? ['system:masters'] : [] } }
    : { name, credential: { kind: 'token', token: `lab-${hexOf(`${clusterId}/${name}/token`, 32)}` } };
}

/** The World plus its model, for tests and tools of the lab. */
export type LabWorld = World & { readonly mesh: Mesh };

/**
 * Where a proxy's metrics are served: Envoy's own (15090) and pilot-agent's merged endpoint (15020, what the
 * injected `prometheus.io/port` annotation names). Both bind 0.0.0.0: reachable through pods/proxy too.
 */
const STATS_PORTS = new Set([15090, 15020]);

export function createWorld(scenario: Scenario, options: WorldOptions = {}): LabWorld {
  const startMs = options.nowMs ?? Date.now();
  const clock = options.clock ?? (() => Date.now());
  const watchHistory = options.watchHistory ?? WATCH_HISTORY;
  const mesh = new Mesh(scenario, startMs);
  for (const fault of scenario.faults) if (isPathFault(fault)) applyPathFault(mesh, fault, startMs);
  const traffic = new TrafficMeter(mesh);

  /** Root CAs by name and expiry: a cluster's comes from the scenario, unless a drill gave it another or an expiring one. */
  const rootCAs = new Map<string, RootCA>();
  const rootCAOf = (clusterId: string): RootCA => {
    const { spec, misconfig } = mesh.cluster(clusterId);
    const name = misconfig.rootCA ?? (scenario.istio.sharedRootCA ? 'shared' : (spec.rootCA ?? clusterId));
    const days = misconfig.rootExpiresInDays;
    const key = days === null ? name : `${name}\u0000${days}`;
    let ca = rootCAs.get(key);
    if (!ca) {
      const whole = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
      ca = createRootCA(name, whole(startMs - 30 * 86_400_000), days === null ? undefined : whole(startMs + days * 86_400_000));
      rootCAs.set(key, ca);
    }
    return ca;
  };

  const renderContext = (cluster: string, nowMs: number): RenderContext => ({
    mesh,
    cluster: mesh.cluster(cluster),
    nowMs,
    // Generating a key pair takes a while: only the types that show the CA ask for it.
    get rootCA() {
      return rootCAOf(cluster);
    },
  });

  const store = new ObjectStore(mesh, renderContext, clock, watchHistory);

  const findPod = (cluster: string, namespace: string, name: string): MeshPod | undefined => mesh.findPod(cluster, namespace, name);

  const world: World = {
    scenarioName: scenario.name,

    clusters(): LabCluster[] {
      return scenario.clusters.map((spec) => {
        const users = [labUser(defaultUser(spec), spec.auth, spec.id), ...spec.extraUsers.map((u) => labUser(u.name, u.auth, spec.id))];
        return {
          name: spec.id,
          kubernetesVersion: spec.kubernetesVersion,
          users,
          contexts: [{ name: defaultContext(spec), user: users[0].name }, ...spec.extraUsers.map((u) => ({ name: `${u.name}@${spec.id}`, user: u.name }))],
        };
      });
    },

    resourceTypes(): ResourceType[] {
      return servedResourceTypes(scenario.istio.version);
    },

    list: (cluster, type, namespace) => store.list(cluster, type, namespace),
    resourceVersion: (cluster) => store.resourceVersion(cluster),
    eventsSince: (cluster, type, since) => store.eventsSince(cluster, type, since),
    subscribe: (cluster, type, listener) => store.subscribe(cluster, type, listener),

    faults(cluster) {
      return mesh.faults(cluster);
    },

    podHandler(cluster, namespace, podName, port, opts = {}) {
      const pod = findPod(cluster, namespace, podName);
      const nowMs = clock();
      if (!pod || mesh.podIP(pod, nowMs) === null) return null;
      const viaApiServerProxy = opts.viaApiServerProxy ?? false;
      if (pod.role === 'istiod') {
        if (port !== 15014 && port !== 8080) return null;
        return serve((path, query) => istiodAnswer(mesh, pod, { port, path, query, viaApiServerProxy }, clock(), rootCAOf(cluster)));
      }
      // ztunnel is no Envoy: neither Envoy's stats nor its admin.
      if (pod.role === 'ztunnel') return null;
      if (pod.proxy && STATS_PORTS.has(port)) {
        return serve((path) =>
          path === '/stats/prometheus' ? { status: 200, contentType: 'text/plain; version=0.0.4', body: traffic.stats(pod, clock()) } : { status: 404, contentType: 'text/plain', body: 'not found\n' },
        );
      }
      // Envoy admin binds 127.0.0.1 only: reachable by port-forward, never through the API server proxy.
      if (!pod.proxy || port !== 15000 || viaApiServerProxy) return null;
      return serve((path, query) => envoyAdminAnswer(mesh, pod, path, query, clock(), rootCAOf(cluster)));
    },

    metricsAt(cluster, namespace, podName, port, path, atMs) {
      const pod = findPod(cluster, namespace, podName);
      if (!pod || atMs < pod.createdMs) return null;
      if (pod.role === 'istiod') {
        const answer = port === 15014 && path === '/metrics' ? istiodAnswer(mesh, pod, { port, path, query: new URLSearchParams(), viaApiServerProxy: true }, atMs, rootCAOf(cluster)) : null;
        return answer?.status === 200 ? answer.body : null;
      }
      return pod.proxy && pod.role !== 'ztunnel' && STATS_PORTS.has(port) && path === '/stats/prometheus' ? traffic.statsAt(pod, clock(), atMs) : null;
    },

    applyFault(fault: LabFault) {
      const nowMs = clock();
      if (isPathFault(fault) ? pathFaultChangesObjects(fault) : mesh.changesObjects(fault)) store.renderAll(fault.cluster);
      for (const cluster of isPathFault(fault) ? applyPathFault(mesh, fault, nowMs) : mesh.apply(fault, nowMs)) {
        store.sync(cluster, nowMs);
        store.scheduleStartups(cluster, nowMs);
      }
    },
  };
  return Object.assign(world, { mesh });
}

function envoyAdminAnswer(mesh: Mesh, pod: MeshPod, path: string, query: URLSearchParams, nowMs: number, rootCA: RootCA): HttpAnswer {
  const json = (value: unknown): HttpAnswer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(value, null, 1) + '\n' });
  switch (path) {
    case '/clusters':
      if (query.get('format') === 'json') return json(envoyClusters(mesh, pod, nowMs));
      return { status: 200, contentType: 'text/plain; charset=UTF-8', body: clustersText(envoyClusters(mesh, pod, nowMs)) };
    case '/config_dump':
      return json(envoyConfigDump(mesh, pod, nowMs, rootCA, query.has('include_eds')));
    case '/server_info':
      return json(envoyServerInfo(mesh, pod, nowMs));
    case '/ready':
      return { status: 200, contentType: 'text/plain; charset=UTF-8', body: 'LIVE\n' };
    default:
      return { status: 404, contentType: 'text/plain; charset=UTF-8', body: `invalid path. admin commands are: /clusters /config_dump /ready /server_info\n` };
  }
}

/** Envoy's plain-text /clusters: "<cluster>::<host>::<stat>::<value>" lines. */
function clustersText(clusters: ReturnType<typeof envoyClusters>): string {
  const lines: string[] = [];
  for (const c of clusters.cluster_statuses) {
    lines.push(`${c.name}::observability_name::${c.name}`);
    for (const h of ('host_statuses' in c ? c.host_statuses : undefined) ?? []) {
      const a = h.address;
      const addr =
        'pipe' in a
          ? `unix://${a.pipe.path}`
          : 'envoy_internal_address' in a
            ? `envoy://${a.envoy_internal_address.server_listener_name}/${a.envoy_internal_address.endpoint_id}`
            : `${a.socket_address.address}:${a.socket_address.port_value}`;
      for (const s of h.stats) lines.push(`${c.name}::${addr}::${s.name}::${'value' in s ? s.value : 0}`);
      const flags = 'failed_outlier_check' in h.health_status ? '/failed_outlier_check' : h.health_status.eds_health_status === 'DRAINING' ? '/pending_dynamic_removal' : 'healthy';
      lines.push(`${c.name}::${addr}::health_flags::${flags}`, `${c.name}::${addr}::weight::${h.weight}`, `${c.name}::${addr}::region::${h.locality.region ?? ''}`, `${c.name}::${addr}::zone::${h.locality.zone ?? ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Wraps an answer function as a node HTTP handler (Content-Length always set: the port-forward relies on it). */
function serve(answer: (path: string, query: URLSearchParams) => HttpAnswer): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let result: HttpAnswer;
    try {
      result = req.method === 'GET' || req.method === 'HEAD' ? answer(url.pathname, url.searchParams) : { status: 405, contentType: 'text/plain; charset=utf-8', body: 'method not allowed\n' };
    } catch (err) {
      result = { status: 500, contentType: 'text/plain; charset=utf-8', body: `internal error: ${(err as Error).message}\n` };
    }
    const body = Buffer.from(result.body, 'utf8');
    res.writeHead(result.status, { 'Content-Type': result.contentType, 'Content-Length': body.length, Date: new Date().toUTCString() });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
