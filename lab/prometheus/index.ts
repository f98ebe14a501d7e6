/**
 * The lab's Prometheus: one real Prometheus per cluster (as Istio's addon runs it, scraping that cluster's
 * annotated pods), reached through the cluster's API server as istio-system/prometheus:9090, and
 * optionally one global Prometheus scraping every cluster with a `cluster` label (what a Thanos or Mimir
 * in front of the clusters would answer). Targets follow the pods (scale-up, new replicas) through watches.
 */
import type { World } from '../world';
import { startExporter, type Exporter } from './exporter';
import { findPrometheus, INSTALL_HINT, startPrometheus, type PrometheusServer } from './server';
import { fileSdGroups, scrapeTargets } from './targets';

export interface LabPrometheusOptions {
  /** Scrape (and rule evaluation) interval in seconds; default 5. */
  scrapeIntervalS?: number;
  /** Also run one Prometheus holding every cluster, its series labelled `cluster`. */
  global?: boolean;
}

export interface LabPrometheus {
  /** Per cluster name: the Prometheus behind istio-system/prometheus:9090. */
  clusters: Record<string, string>;
  globalUrl: string | null;
  stop(): Promise<void>;
}

export const PROMETHEUS_SERVICE = { namespace: 'istio-system', name: 'prometheus', port: 9090 };

/** Starts the lab's Prometheus servers, or returns null (with the reason) when the binary is missing. */
export async function startLabPrometheus(world: World, opts: LabPrometheusOptions = {}): Promise<LabPrometheus | { missing: string }> {
  const bin = findPrometheus();
  if (!bin) return { missing: `prometheus is not installed, so the lab serves no traffic metrics (install it: ${INSTALL_HINT})` };
  const scrapeIntervalS = opts.scrapeIntervalS ?? 5;
  const exporters: Exporter[] = [];
  const servers: PrometheusServer[] = [];
  const unsubscribes: Array<() => void> = [];
  const stop = async () => {
    unsubscribes.forEach((u) => u());
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(exporters.map((e) => e.close()));
  };
  try {
    const clusters = world.clusters().map((c) => c.name);
    const byCluster = new Map<string, { exporter: Exporter; server: PrometheusServer }>();
    let global: PrometheusServer | null = null;
    const starts = clusters.map(async (cluster) => {
      const exporter = await startExporter(world, cluster);
      exporters.push(exporter);
      const server = await startPrometheus({ bin, name: cluster, scrapeIntervalS, externalLabels: { cluster } });
      servers.push(server);
      byCluster.set(cluster, { exporter, server });
    });
    if (opts.global) {
      starts.push(
        startPrometheus({ bin, name: 'global', scrapeIntervalS, externalLabels: { replica: 'lab' } }).then((s) => {
          servers.push(s);
          global = s;
        }),
      );
    }
    await Promise.all(starts);

    const refresh = () => {
      const all: unknown[] = [];
      for (const [cluster, { exporter, server }] of byCluster) {
        const targets = scrapeTargets(world, cluster);
        server.setTargets(fileSdGroups(targets, exporter.address, false));
        all.push(...fileSdGroups(targets, exporter.address, true));
      }
      (global as PrometheusServer | null)?.setTargets(all);
    };
    refresh();
    const pods = world.resourceTypes().find((t) => t.group === '' && t.resource === 'pods');
    let pending: NodeJS.Timeout | null = null;
    const onChange = () => {
      pending ??= setTimeout(() => {
        pending = null;
        refresh();
      }, 200);
    };
    if (pods) for (const cluster of clusters) unsubscribes.push(world.subscribe(cluster, pods, onChange));

    return {
      clusters: Object.fromEntries([...byCluster].map(([c, { server }]) => [c, server.url])),
      globalUrl: (global as PrometheusServer | null)?.url ?? null,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
