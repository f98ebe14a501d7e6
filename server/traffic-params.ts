import 'server-only';
import { DEFAULT_HISTORY_RANGE, DEFAULT_TRAFFIC_WINDOW, HISTORY_RANGES, LATENCY_BY, TRAFFIC_P99, TRAFFIC_WINDOWS, type HistoryRange, type HistoryScope, type LatencyBy, type TrafficP99, type TrafficWindow } from '@/lib/types/traffic';
import { BadRequest, configuredCluster, validNamespace, validPodName } from './http';
import type { Registry } from './k8s/registry';

/** Query parameters of the traffic routes, validated: every PromQL is built from these alone. */

function oneOf<T extends string>(url: URL, name: string, allowed: readonly T[], fallback: T): T {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new BadRequest(`${name} must be one of ${allowed.join(', ')}, got "${v.slice(0, 40)}"`);
}

export const trafficWindow = (url: URL): TrafficWindow => oneOf(url, 'window', TRAFFIC_WINDOWS, DEFAULT_TRAFFIC_WINDOW);
export const historyRange = (url: URL): HistoryRange => oneOf(url, 'range', HISTORY_RANGES, DEFAULT_HISTORY_RANGE);
export const trafficP99 = (url: URL): TrafficP99 => oneOf(url, 'p99', TRAFFIC_P99, 'none');
export const latencyBy = (url: URL): LatencyBy => oneOf(url, 'by', LATENCY_BY, 'flow');

export async function historyTarget(registry: Registry, url: URL) {
  const scope = oneOf<HistoryScope>(url, 'scope', ['workload', 'service', 'pod'], 'workload');
  const clusterParam = url.searchParams.get('cluster');
  if (!clusterParam) throw new BadRequest('cluster is required (a configured context name or Istio cluster ID)');
  const namespace = validNamespace(url.searchParams.get('namespace') ?? '');
  // Pod names are DNS-1123 subdomains; Service names and app labels (a workload is app + version) labels.
  const rawName = url.searchParams.get('name') ?? '';
  const name = scope === 'pod' ? validPodName(rawName) : validNamespace(rawName);
  const rawVersion = url.searchParams.get('version') ?? '';
  if (rawVersion && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(rawVersion)) throw new BadRequest(`invalid version "${rawVersion.slice(0, 70)}" (must be a label value)`);
  return { scope, cluster: await configuredCluster(registry, clusterParam), namespace, name, version: scope === 'workload' ? rawVersion || 'unknown' : undefined };
}
