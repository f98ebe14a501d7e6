import 'server-only';
import { clusterScope } from '@/lib/traffic/promql';
import type { PrometheusSourceKind, TrafficClusterStatus } from '@/lib/types/traffic';
import type { SourceError } from '@/lib/types/api';
import { knownClusterId, resolveClusterId } from '../cluster-id';
import { clusterStatus } from '../cluster-status';
import type { Deadline } from '../k8s/deadline';
import type { ClusterHandle, Registry } from '../k8s/registry';
import { describeTarget, type PromTarget } from './client';

/**
 * Which Prometheus holds a cluster's metrics, first that applies:
 *  1. --prometheus CLUSTER=URL, CLUSTER being the context name or the Istio cluster ID;
 *  2. --prometheus-url: one store for every cluster, its series selected by --prometheus-cluster-label
 *     (matching the Istio cluster ID or the context name);
 *  3. the Service istio-system/prometheus:9090 (configurable) through the cluster's API server.
 */
export interface ClusterPrometheus {
  cluster: ClusterHandle;
  clusterId: string | null;
  kind: PrometheusSourceKind;
  target: PromTarget;
}

function pick(registry: Registry, cluster: ClusterHandle, clusterId: string | null): ClusterPrometheus {
  const p = registry.config.prometheus;
  const flagged = p.perCluster.find((f) => f.cluster === cluster.name) ?? (clusterId ? p.perCluster.find((f) => f.cluster === clusterId) : undefined);
  if (flagged) return { cluster, clusterId, kind: 'flag', target: { kind: 'url', url: flagged.url, scope: '' } };
  if (p.globalUrl) {
    const scope = clusterScope(p.clusterLabel, clusterId ? [clusterId, cluster.name] : [cluster.name]);
    return { cluster, clusterId, kind: 'global', target: { kind: 'url', url: p.globalUrl, scope } };
  }
  return { cluster, clusterId, kind: 'service-proxy', target: { kind: 'service-proxy', cluster, service: p.service, scope: '' } };
}

/** The source as known now, without I/O (for failures that happen before the cluster ID is read). */
export function knownPrometheus(registry: Registry, cluster: ClusterHandle): ClusterPrometheus {
  return pick(registry, cluster, knownClusterId(cluster));
}

/**
 * The source, reading the cluster ID first when it matters (an ID-keyed flag, a global store, and the
 * mapping of source_cluster/destination_cluster back to contexts). A cluster whose ID cannot be read
 * (null: its cache does not hold it) still gets its source; flags keyed by ID then do not match it. The
 * ID comes from memory (the watch-fed cache), so anything thrown is a bug: the fan-out says `internal`.
 */
export async function resolvePrometheus(registry: Registry, cluster: ClusterHandle, deadline: Deadline): Promise<ClusterPrometheus> {
  let clusterId = knownClusterId(cluster);
  if (!clusterId) clusterId = await resolveClusterId(cluster, deadline);
  return pick(registry, cluster, clusterId);
}

/** A cluster's traffic status: the envelope (not ok, with `error` as its reason, when `error` is given), and where its metrics come from. */
export function trafficStatus(source: ClusterPrometheus, error: SourceError | null): TrafficClusterStatus {
  return { ...clusterStatus(source.cluster, error === null, error ? [error] : [], source.clusterId), source: source.kind, sourceLabel: describeTarget(source.target) };
}

/** True when the operator named a Prometheus; otherwise the in-cluster Service is only a guess. */
export function explicitlyConfigured(registry: Registry): boolean {
  const p = registry.config.prometheus;
  return p.perCluster.length > 0 || p.globalUrl !== null;
}

export function missingHint(registry: Registry): string {
  const { namespace, name, port } = registry.config.prometheus.service;
  return (
    `No Prometheus found: Isthmus looked for the Service ${namespace}/${name}:${port} in every cluster. ` +
    `Install Istio's Prometheus addon (samples/addons/prometheus.yaml) in each cluster, or start Isthmus with ` +
    `--prometheus CLUSTER=URL (per cluster) or --prometheus-url URL [--prometheus-cluster-label cluster] (one global store).`
  );
}
