/**
 * createWorld: the World (lab/world.ts) over the mesh model. Kubernetes objects are rendered per cluster
 * and kept in a store that counts resourceVersions; every change re-renders the touched cluster and diffs
 * it into ADDED/MODIFIED/DELETED events (kept in a bounded history for watches).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, LabCluster, LabFault, LabUser, ResourceType, WatchEvent, World } from '../world';
import { hexOf } from './determinism';
import { envoyClusters, envoyConfigDump, envoyServerInfo } from './envoy';
import { istiodAnswer, type HttpAnswer } from './istiod';
import { defaultContext, defaultUser, isPathFault, Mesh, type MeshPod } from './mesh';
import { applyPathFault, pathFaultChangesObjects } from './path-faults';
import { countType, type RenderContext, RESOURCE_TYPES, renderType, typeKey } from './objects';
import { createRootCA, type RootCA } from './rootca';
import type { Scenario } from './scenario';
import { TrafficMeter } from '../traffic/metrics';

/** Events kept per cluster; a watch from an older resourceVersion gets 410 Gone. */
export const WATCH_HISTORY = 1000;


/**
 * A type not rendered yet: its objects will take the resourceVersions firstResourceVersion.. in list
 * order, exactly the ones an eager initial load would have given them.
 */
interface PendingType {
  firstResourceVersion: number;
  count: number;
}

interface ClusterStore {
  resourceVersion: number;
  /** Per typeKey: objects by "<namespace>/<name>", in list order; or the type is still to be rendered. */
  objects: Map<string, Map<string, KubeObject> | PendingType>;
  history: Array<{ type: string; event: WatchEvent }>;
  /** Events at or below this resourceVersion are no longer retained. */
  historyFloor: number;
  listeners: Map<string, Set<(ev: WatchEvent) => void>>;
}

export interface WorldOptions {
  /** Lab start time in ms (default Date.now()); ages are counted back from it. */
  nowMs?: number;
  /** Clock for run-time changes (tests pin it). */
  clock?: () => number;
  /** Events kept per cluster for watches (default WATCH_HISTORY). */
  watchHistory?: number;
}

const objectKey = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** An object's content without its resourceVersion, to tell whether a re-render changed it. */
function content(o: KubeObject): string {
  return JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '' } });
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

  /**
   * A cluster's store, created on first use: types are counted (so resourceVersions are laid out as an
   * eager load would) and rendered only when first read. Until a fault changes a cluster's objects, they
   * are those of the start, so rendering late gives what rendering up front would have.
   */
  const stores = new Map<string, ClusterStore>();
  const storeOf = (cluster: string): ClusterStore => {
    let store = stores.get(cluster);
    if (store) return store;
    if (!mesh.clusters.has(cluster)) throw new Error(`unknown cluster "${cluster}"`);
    store = { resourceVersion: 0, objects: new Map(), history: [], historyFloor: 0, listeners: new Map() };
    const ctx = renderContext(cluster, clock());
    for (const t of RESOURCE_TYPES) {
      const count = countType(ctx, typeKey(t));
      store.objects.set(typeKey(t), { firstResourceVersion: store.resourceVersion + 1, count });
      store.resourceVersion += count;
    }
    store.historyFloor = store.resourceVersion;
    stores.set(cluster, store);
    return store;
  };

  /** The objects of a type, rendered on first use. */
  const objectsOf = (cluster: string, type: string): Map<string, KubeObject> => {
    const store = storeOf(cluster);
    const slot = store.objects.get(type);
    if (slot === undefined || slot instanceof Map) return slot ?? new Map();
    const rendered = renderType(renderContext(cluster, clock()), type);
    if (rendered.length !== slot.count) throw new Error(`lab model: ${type} of ${cluster} rendered ${rendered.length} objects, counted ${slot.count}`);
    const objects = new Map<string, KubeObject>();
    rendered.forEach((object, i) => {
      object.metadata.resourceVersion = String(slot.firstResourceVersion + i);
      objects.set(objectKey(object), object);
    });
    store.objects.set(type, objects);
    return objects;
  };

  const emit = (store: ClusterStore, type: string, ev: WatchEvent) => {
    store.history.push({ type, event: ev });
    if (store.history.length > watchHistory) store.historyFloor = store.history.shift()!.event.resourceVersion;
    for (const listener of store.listeners.get(type) ?? []) listener(ev);
  };

  /** Re-renders every type of a cluster (all rendered beforehand) and emits what changed. */
  const sync = (cluster: string, nowMs: number) => {
    const store = storeOf(cluster);
    const ctx = renderContext(cluster, nowMs);
    for (const type of store.objects.keys()) {
      const previous = objectsOf(cluster, type);
      const next = new Map<string, KubeObject>();
      const changes: Array<{ kind: 'ADDED' | 'MODIFIED'; object: KubeObject }> = [];
      for (const object of renderType(ctx, type)) {
        const k = objectKey(object);
        const old = previous.get(k);
        if (old && content(old) === content(object)) {
          next.set(k, old);
          continue;
        }
        object.metadata.resourceVersion = String(++store.resourceVersion);
        next.set(k, object);
        changes.push({ kind: old ? 'MODIFIED' : 'ADDED', object });
      }
      store.objects.set(type, next);
      for (const { kind, object } of changes) emit(store, type, { type: kind, object, resourceVersion: Number(object.metadata.resourceVersion) });
      for (const [k, old] of previous) {
        if (next.has(k)) continue;
        const rv = ++store.resourceVersion;
        emit(store, type, { type: 'DELETED', object: { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } }, resourceVersion: rv });
      }
    }
  };

  /** Renders every type of a cluster as it is now, so a coming change can be diffed against it. */
  const renderAll = (cluster: string) => {
    for (const type of storeOf(cluster).objects.keys()) objectsOf(cluster, type);
  };

  /** Scaled-up pods finish starting later: re-render then, so watchers see them become Ready. */
  const scheduleStartups = (cluster: string, nowMs: number) => {
    const pending = mesh.pods(cluster).filter((p) => p.startingUntilMs > nowMs);
    if (pending.length === 0) return;
    const at = Math.max(...pending.map((p) => p.startingUntilMs));
    setTimeout(() => sync(cluster, Math.max(clock(), at)), at - nowMs + 5).unref();
  };

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
      return RESOURCE_TYPES.map((t) => ({ ...t, ...(t.shortNames ? { shortNames: [...t.shortNames] } : {}) }));
    },

    list(cluster, type, namespace) {
      const objects = objectsOf(cluster, typeKey(type));
      const out: KubeObject[] = [];
      for (const object of objects.values()) if (namespace === undefined || object.metadata.namespace === namespace) out.push({ ...object });
      return out;
    },

    resourceVersion(cluster) {
      return storeOf(cluster).resourceVersion;
    },

    eventsSince(cluster, type, since) {
      const store = storeOf(cluster);
      if (since < store.historyFloor) return 'gone';
      const k = typeKey(type);
      return store.history.filter((h) => h.type === k && h.event.resourceVersion > since).map((h) => h.event);
    },

    subscribe(cluster, type, listener) {
      const store = storeOf(cluster);
      const k = typeKey(type);
      const set = store.listeners.get(k) ?? new Set();
      store.listeners.set(k, set);
      set.add(listener);
      return () => set.delete(listener);
    },

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

    applyFault(fault: LabFault) {
      const nowMs = clock();
      if (isPathFault(fault) ? pathFaultChangesObjects(fault) : mesh.changesObjects(fault)) renderAll(fault.cluster);
      for (const cluster of isPathFault(fault) ? applyPathFault(mesh, fault, nowMs) : mesh.apply(fault, nowMs)) {
        sync(cluster, nowMs);
        scheduleStartups(cluster, nowMs);
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
