/**
 * The lab's Prometheus: one real Prometheus per cluster (as Istio's addon runs it, scraping that cluster's
 * annotated pods), reached through the cluster's API server as istio-system/prometheus:9090, and
 * optionally one global Prometheus scraping every cluster with a `cluster` label (what a Thanos or Mimir
 * in front of the clusters would answer). Targets follow the pods (scale-up, new replicas) through watches.
 */
import type { World } from '../world';
import { startExporter, type Exporter } from './exporter';
import { findPrometheus, INSTALL_HINT, startPrometheus, type PrometheusServer } from './server';
import { backfillText, createBlocks, EOF, findPromtool, scrapeTimes } from './backfill';
import { recordedSeries, recordingRuleGroups, type RecordingRules } from './rules';
import { fileSdGroups, scrapeTargets, targetLabels, type ScrapeTarget } from './targets';

export interface LabPrometheusOptions {
  /** Scrape (and rule evaluation) interval in seconds; default 5. */
  scrapeIntervalS?: number;
  /** Also run one Prometheus holding every cluster, its series labelled `cluster`. */
  global?: boolean;
  /** Seconds of history written before Prometheus starts (backfill.ts); default 3600, 0 for none. */
  backfillS?: number;
  /** Ready only once every target has been scraped (tests of 1 m windows; see server.ts scraped). */
  waitForScrapes?: boolean;
  /**
   * Load the recording rules (rules.ts), evaluated every scrape interval, their past backfilled with the
   * rest: Istio's workload-level rules and Isthmus's pair rule (true, the default), Istio's only ('istio'),
   * or none (false: a Prometheus as the addon installs it).
   */
  recordingRules?: RecordingRules;
}

export interface LabPrometheus {
  /** Per cluster name: the Prometheus behind istio-system/prometheus:9090. */
  clusters: Record<string, string>;
  globalUrl: string | null;
  /** Why the servers started without history (promtool missing or failing), or null. */
  backfillNotice: string | null;
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
    const rules = opts.recordingRules ?? true;
    const history = backfiller(world, bin, scrapeIntervalS, opts.backfillS ?? 3600, rules);
    const ruleGroups = (clusterLabel: boolean) => (rules ? recordingRuleGroups(scrapeIntervalS, rules, clusterLabel) : undefined);
    const byCluster = new Map<string, { exporter: Exporter; server: PrometheusServer }>();
    let global: PrometheusServer | null = null;
    const starts = clusters.map(async (cluster) => {
      const exporter = await startExporter(world, cluster);
      exporters.push(exporter);
      const targets = scrapeTargets(world, cluster);
      const server = await startPrometheus({ bin, name: cluster, scrapeIntervalS, ruleGroups: ruleGroups(false), externalLabels: { cluster }, backfill: history.of(targets, false), targets: fileSdGroups(targets, exporter.address, false) });
      servers.push(server);
      byCluster.set(cluster, { exporter, server });
    });
    if (opts.global) {
      starts.push(
        startPrometheus({
          bin,
          name: 'global',
          scrapeIntervalS,
          ruleGroups: ruleGroups(true),
          externalLabels: { replica: 'lab' },
          backfill: history.of(
            clusters.flatMap((c) => scrapeTargets(world, c)),
            true,
          ),
        }).then((s) => {
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
    if (opts.waitForScrapes) await Promise.all(servers.map((s) => s.scraped(2 * scrapeIntervalS * 1000 + 10_000)));
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
      backfillNotice: history.notice(),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * History for each Prometheus up to the moment the lab starts them: sampled every scrape interval over
 * the last two minutes, every 15 s (or the scrape interval, if longer) before (backfill.ts scrapeTimes).
 * Without promtool, or when it fails, the servers start empty and notice() says why.
 */
function backfiller(world: World, prometheusBin: string, scrapeIntervalS: number, seconds: number, rules: RecordingRules) {
  const promtool = seconds > 0 ? findPromtool(prometheusBin) : null;
  const now = Date.now();
  const times = scrapeTimes({ fromMs: now - seconds * 1000, toMs: now, stepMs: Math.max(scrapeIntervalS, 15) * 1000, recentMs: 120_000, recentStepMs: scrapeIntervalS * 1000 });
  let notice: string | null = seconds > 0 && !promtool ? 'promtool is not installed, so the lab\'s Prometheus starts without history: rates over a window are low until it fills' : null;
  return {
    of: (targets: ScrapeTarget[], clusterLabel: boolean) =>
      promtool
        ? async (dataDir: string) => {
            try {
              const text = backfillText(world, targets, (t) => targetLabels(t, clusterLabel), times, rules ? recordedSeries(rules, clusterLabel) : undefined);
              if (text !== EOF) await createBlocks(promtool, text, dataDir);
            } catch (err) {
              notice = `${err instanceof Error ? err.message : String(err)}; the lab's Prometheus starts without history`;
            }
          }
        : undefined,
    notice: () => notice,
  };
}
