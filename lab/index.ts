/**
 * The mesh lab, programmatically: one HTTPS Kubernetes API server per cluster of a scenario (lab/model
 * computes the world, lab/kube serves it), a kubeconfig for them and a control endpoint for faults.
 */
import path from 'node:path';
import type { ClusterFaults, LabFault, World } from './world';
import { startClusterApiServer, type ClusterApiServer, type RequestLogEntry } from './kube/apiserver';
import { startControlServer } from './kube/control';
import { buildKubeconfig, writeKubeconfig } from './kube/kubeconfig';
import type { ServiceBackend } from './kube/service-proxy';
import { PROMETHEUS_SERVICE, startLabPrometheus, type LabPrometheus, type LabPrometheusOptions } from './prometheus';
import { startChurn } from './churn';
import { presentInCluster, type InCluster, type InClusterOptions } from './kube/in-cluster';
import { RbacPolicy } from './kube/rbac';

export type { RequestLogEntry } from './kube/apiserver';

export interface LabOptions {
  /** Scenario file; default lab/scenarios/seed.yaml. Ignored when `scale` or `world` is given. */
  scenarioPath?: string;
  /** The version knob: run the scenario's mesh as this Istio release (e.g. 1.26.3) instead of its own. */
  istioVersion?: string;
  /** A generated scenario for benchmarks. */
  scale?: { clusters: number; namespaces: number; pods: number; traffic?: boolean };
  /** Where to write the kubeconfig (mode 0600); not written when absent. */
  kubeconfigOut?: string;
  /** Added latency on every API request of every cluster. */
  latencyMs?: number;
  /** Control endpoint port (default: ephemeral). */
  controlPort?: number;
  /** Serve this world instead of building one from a scenario (tests of lab/kube). */
  world?: World;
  /**
   * Run a real Prometheus behind each cluster's istio-system/prometheus Service (scenarios with
   * `addons: [prometheus]`; `npm run lab` does by default). Without the binary the lab starts without
   * it and says why (`prometheusNotice`). Absent or false: none.
   */
  prometheus?: LabPrometheusOptions | false;
  /** Watch events kept per cluster; an older resourceVersion gets 410 Gone (default: the model's). */
  watchHistory?: number;
  /** Interval of watch bookmarks (default: lab/kube's). */
  bookmarkMs?: number;
  /** Pods created and deleted per second in every cluster (0: none). */
  churn?: number;
  /**
   * Kubernetes RBAC (Roles, ClusterRoles and bindings as YAML) authorizing ServiceAccounts and
   * impersonated users, by cluster name; '*' applies to every cluster without its own entry.
   */
  rbac?: Record<string, string>;
  /** Present the lab to a client "inside" one cluster (ServiceAccount files, service env, remotes kubeconfig). */
  inCluster?: InClusterOptions;
}

export interface Lab {
  kubeconfigPath: string;
  kubeconfig: string;
  contexts: string[];
  controlUrl: string;
  world: World;
  /** API server URL by cluster name. */
  servers: Record<string, string>;
  /** The lab's Prometheus servers (null: not running); `prometheusNotice` says why not, or why they lack history. */
  prometheus: { clusters: Record<string, string>; globalUrl: string | null } | null;
  prometheusNotice: string | null;
  applyFault(f: LabFault): void;
  /** Replaces a cluster's RBAC objects ('*': every cluster). Throws on invalid YAML or an unknown cluster. */
  setRbac(cluster: string, yaml: string): void;
  /** Present when options.inCluster was given. */
  inCluster: InCluster | null;
  requestLog(): RequestLogEntry[];
  stop(): Promise<void>;
}

export const defaultScenarioPath = path.resolve(__dirname, 'scenarios/seed.yaml');
const maxLoggedRequests = 50_000;

async function buildWorld(options: LabOptions): Promise<World> {
  if (options.world) return options.world;
  const model = await import('./model');
  const scenario = options.scale ? model.scaleScenario(options.scale) : model.loadScenario(options.scenarioPath ?? defaultScenarioPath);
  return model.createWorld(options.istioVersion ? model.withIstioVersion(scenario, options.istioVersion) : scenario, { watchHistory: options.watchHistory });
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const world = await buildWorld(options);
  const log: RequestLogEntry[] = [];
  const onRequest = (entry: RequestLogEntry) => {
    log.push(entry);
    if (log.length > maxLoggedRequests) log.splice(0, log.length - maxLoggedRequests);
  };

  let prometheus: LabPrometheus | null = null;
  let prometheusNotice: string | null = null;
  const serviceBackend = (cluster: string) => (namespace: string, name: string, port: number): ServiceBackend | null => {
    const url = prometheus?.clusters[cluster];
    if (!url || namespace !== PROMETHEUS_SERVICE.namespace || name !== PROMETHEUS_SERVICE.name || port !== PROMETHEUS_SERVICE.port) return null;
    const faults = world.faults(cluster);
    return faults.prometheusDown ? { down: true } : { url, latencyMs: faults.prometheusLatencyMs };
  };

  const servers: ClusterApiServer[] = [];
  // Prometheus needs the world, not the API servers: it starts (and is backfilled) meanwhile.
  const prometheusStart = options.prometheus && hasPrometheusAddon(world) ? startLabPrometheus(world, options.prometheus) : null;
  try {
    for (const cluster of world.clusters()) {
      if (options.latencyMs) world.applyFault({ type: 'api-latency', cluster: cluster.name, ms: options.latencyMs });
      servers.push(await startClusterApiServer({ world, cluster, onRequest, serviceBackend: serviceBackend(cluster.name), bookmarkMs: options.bookmarkMs }));
    }
    const started = await prometheusStart;
    if (started && 'missing' in started) prometheusNotice = started.missing;
    else if (started) {
      prometheus = started;
      prometheusNotice = started.backfillNotice;
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    const started = await prometheusStart?.catch(() => null);
    if (started && !('missing' in started)) await started.stop();
    throw err;
  }

  const setRbac = (cluster: string, yaml: string) => {
    const policy = RbacPolicy.fromYaml(yaml);
    const targets = cluster === '*' ? servers : servers.filter((s) => s.cluster.name === cluster);
    if (!targets.length) throw new Error(`no cluster "${cluster}"`);
    for (const s of targets) s.setRbac(policy);
  };
  const rbac = options.rbac ?? {};
  for (const s of servers) {
    const yaml = rbac[s.cluster.name] ?? rbac['*'];
    if (yaml !== undefined) setRbac(s.cluster.name, yaml);
  }
  const inCluster = options.inCluster ? presentInCluster(servers, options.inCluster) : null;

  const kubeconfig = buildKubeconfig(servers);
  const kubeconfigPath = options.kubeconfigOut ? path.resolve(options.kubeconfigOut) : '';
  if (kubeconfigPath) writeKubeconfig(kubeconfigPath, kubeconfig);

  const applyFault = (f: LabFault) => {
    world.applyFault(f);
    // Open or close listeners now rather than at the next poll.
    for (const s of servers) void s.syncFaults();
  };
  const faults = () => {
    const byCluster: Record<string, ClusterFaults> = {};
    for (const c of world.clusters()) byCluster[c.name] = world.faults(c.name);
    return byCluster;
  };
  const requestLog = () => [...log];
  const control = await startControlServer({ applyFault, faults, requestLog, setRbac, rotateToken: inCluster?.rotateToken }, options.controlPort);
  const stopChurn = startChurn(world, options.churn ?? 0);

  return {
    kubeconfigPath,
    kubeconfig,
    contexts: servers.flatMap((s) => s.cluster.contexts.map((c) => c.name)),
    controlUrl: control.url,
    world,
    servers: Object.fromEntries(servers.map((s) => [s.cluster.name, s.url])),
    prometheus: prometheus ? { clusters: prometheus.clusters, globalUrl: prometheus.globalUrl } : null,
    prometheusNotice,
    applyFault,
    setRbac,
    inCluster,
    requestLog,
    async stop() {
      stopChurn();
      await control.close();
      await Promise.all([...servers.map((s) => s.stop()), prometheus?.stop()]);
    },
  };
}

/** Whether any cluster has the Prometheus addon's Service. */
function hasPrometheusAddon(world: World): boolean {
  const services = world.resourceTypes().find((t) => t.group === '' && t.resource === 'services');
  if (!services) return false;
  return world.clusters().some((c) => world.list(c.name, services, PROMETHEUS_SERVICE.namespace).some((s) => s.metadata.name === PROMETHEUS_SERVICE.name));
}
