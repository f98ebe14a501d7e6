/**
 * What a Prometheus in the cluster would scrape, found as Istio's addon config finds it (job
 * `kubernetes-pods`): running pods annotated `prometheus.io/scrape: "true"`, at the annotated port and
 * path, labelled with their namespace, pod name and pod labels. The lab's Prometheus cannot dial pod
 * IPs (they are data), so each target is a path on one loopback listener per cluster that hands the
 * request to the pod (exporter.ts); the `instance` label keeps the pod's address.
 */
import type { KubeObject, World } from '../world';

export interface ScrapeTarget {
  cluster: string;
  namespace: string;
  pod: string;
  port: number;
  path: string;
  podIP: string;
  labels: Record<string, string>;
}

const LABEL_NAME = /[^a-zA-Z0-9_]/g;

export function scrapeTargets(world: World, cluster: string): ScrapeTarget[] {
  const pods = world.resourceTypes().find((t) => t.group === '' && t.resource === 'pods');
  if (!pods) return [];
  const out: ScrapeTarget[] = [];
  for (const pod of world.list(cluster, pods)) {
    const target = targetOf(cluster, pod);
    if (target) out.push(target);
  }
  return out;
}

function targetOf(cluster: string, pod: KubeObject): ScrapeTarget | null {
  const annotations = pod.metadata.annotations ?? {};
  const status = pod.status as { phase?: string; podIP?: string } | undefined;
  if (annotations['prometheus.io/scrape'] !== 'true' || status?.phase !== 'Running' || !status.podIP) return null;
  const port = Number(annotations['prometheus.io/port']);
  if (!Number.isInteger(port) || port <= 0) return null;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) labels[k.replace(LABEL_NAME, '_')] = v;
  return { cluster, namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name, port, path: annotations['prometheus.io/path'] ?? '/metrics', podIP: status.podIP, labels };
}

/** The exporter path of a target: /pods/<namespace>/<pod>/<port><path>. */
export function exporterPath(t: Pick<ScrapeTarget, 'namespace' | 'pod' | 'port' | 'path'>): string {
  return `/pods/${t.namespace}/${t.pod}/${t.port}${t.path.startsWith('/') ? t.path : `/${t.path}`}`;
}

/** The job of Istio's addon config that scrapes annotated pods. */
export const SCRAPE_JOB = 'kubernetes-pods';

/** The label naming the cluster in the global Prometheus. */
export const CLUSTER_LABEL = 'cluster';

/**
 * The labels a target's series get: `instance` (the pod's address), `namespace`, `pod` and the pod's
 * labels (as the addon's relabelling does); with `clusterLabel` (the global Prometheus) also `cluster`.
 */
export function targetLabels(t: ScrapeTarget, clusterLabel: boolean): Record<string, string> {
  return { ...t.labels, instance: `${t.podIP}:${t.port}`, namespace: t.namespace, pod: t.pod, ...(clusterLabel ? { [CLUSTER_LABEL]: t.cluster } : {}) };
}

/** A file_sd target group per pod, scraped through the cluster's exporter listener. */
export function fileSdGroups(targets: ScrapeTarget[], exporterAddress: string, clusterLabel: boolean) {
  return targets.map((t) => ({ targets: [exporterAddress], labels: { __metrics_path__: exporterPath(t), ...targetLabels(t, clusterLabel) } }));
}
