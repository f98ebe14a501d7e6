import 'server-only';
import { proxySync } from '@/lib/istio/syncz';
import type { ProxyStatusFormat } from '@/lib/istio/tables';
import type { ClusterMesh, ClusterStatus, MeshResponse } from '@/lib/types/api';
import { configuredCluster } from './http';
import { rememberClusterId } from './cluster-id';
import { clusterStatus, fanOutStatus } from './cluster-status';
import { fanOut } from './fanout';
import { optionalSourceDeadline, type Deadline } from './k8s/deadline';
import { clusterCache, type CachedKind } from './cache/cluster-cache';
import { clusterIdFromIstiods, clusterNetwork, istiodReplica, meshFacts, rootCertFingerprints, runningIstiods } from './k8s/convert';
import type { ClusterHandle, Registry } from './k8s/registry';
import { readIstiods } from './istiod';
import { ClusterFailure, isClusterFatal, sourceReader, type SourceReader } from './sources';

/** A kind of the watch-fed cache: its items (null when never listed), its error said (a cluster-level failure throws ClusterFailure). */
function cachedItems<T>(reader: SourceReader, kind: CachedKind<T>): T[] | null {
  if (kind.error && isClusterFatal(kind.error)) throw new ClusterFailure(kind.error);
  if (kind.error && !reader.errors.some((e) => e.message === kind.error!.message)) reader.errors.push(kind.error);
  return kind.ok ? kind.items : null;
}

/**
 * Everything /api/mesh shows for one cluster: the Istio namespace's objects from the cluster's
 * watch-fed cache (istiod pods, ConfigMaps, the namespace's labels, gateway Services), istiod's debug
 * endpoints on demand. Throws ClusterFailure when the cluster cannot be read at all.
 */
export async function readClusterMesh(cluster: ClusterHandle, deadline: Deadline): Promise<ClusterMesh> {
  const reader = sourceReader(cluster);
  const cache = clusterCache(cluster);
  await cache.ready(deadline);
  const istiodPods = runningIstiods(cachedItems(reader, cache.istiodPods()) ?? []);
  const configMaps = cachedItems(reader, cache.configMaps()) ?? [];
  const gateways = cachedItems(reader, cache.gateways()) ?? [];
  const namespace = cache.istioNamespace();
  const istiods = istiodPods.map(istiodReplica);
  const revision = istiods[0]?.revision ?? '';
  const facts = meshFacts(configMaps, revision);

  const istiodData = await readIstiods(cluster, istiods, optionalSourceDeadline(deadline), reader);
  const clusterId = clusterIdFromIstiods(istiodPods) ?? istiodData.remoteClusters.find((r) => r.secret === '')?.name ?? facts.clusterId;
  if (clusterId) rememberClusterId(cluster, clusterId);

  return {
    ...clusterStatus(cluster, true, reader.errors, clusterId),
    istiod: istiods.map(({ port: _port, ...replica }) => replica),
    meshId: facts.meshId,
    network: clusterNetwork(namespace?.labels, gateways) ?? facts.network,
    trustDomain: facts.trustDomain,
    rootCertFingerprints: rootCertFingerprints(configMaps),
    remoteClusters: istiodData.remoteClusters,
    gateways,
    proxySync: istiodData.syncKnown ? proxySync(istiodData.proxies) : null,
  };
}

/** A cluster whose mesh state could not be read: its status, empty lists. */
export function emptyClusterMesh(status: ClusterStatus): ClusterMesh {
  return {
    ...status,
    istiod: [],
    meshId: null,
    network: null,
    trustDomain: null,
    rootCertFingerprints: [],
    remoteClusters: [],
    gateways: [],
    proxySync: null,
  };
}

/** The mesh state of every cluster, or of the given ones (a one-cluster table never waits for the others). */
export async function getMesh(registry: Registry, clusters: ClusterHandle[] = registry.clusters): Promise<MeshResponse> {
  const { deadlineMs, cacheMs } = registry.config;
  const results = await fanOut(clusters, 'mesh', readClusterMesh, { deadlineMs, cacheMs, source: 'the mesh state' });
  return {
    clusters: results.map((r, i) => (r.ok ? r.data : emptyClusterMesh(fanOutStatus(clusters[i], r)))),
    generatedAt: new Date().toISOString(),
  };
}


/* ---------------------------------------------------------- istioctl layouts by istiod version */

/** [major, minor] of the cluster's istiod (the first replica with a version), null when unknown. */
function istiodMinor(mesh: ClusterMesh): [number, number] | null {
  const v = mesh.istiod.find((r) => r.version)?.version;
  const m = v ? /^v?(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

const atLeast = (v: [number, number] | null, major: number, minor: number) => v !== null && (v[0] > major || (v[0] === major && v[1] >= minor));

/** istioctl prints the REVISION column of remote-clusters from 1.31 on. */
export function remoteClustersWithRevision(mesh: ClusterMesh): boolean {
  return atLeast(istiodMinor(mesh), 1, 31);
}

/** The proxy-status layout of the istioctl that matches the cluster's istiod (unknown version: current). */
export function proxyStatusFormat(mesh: ClusterMesh): ProxyStatusFormat {
  const v = istiodMinor(mesh);
  if (v === null || atLeast(v, 1, 27)) return 'current';
  if (atLeast(v, 1, 23)) return '1.26';
  return atLeast(v, 1, 22) ? '1.22' : '1.21';
}

/**
 * The revision whose istiods that cluster's istioctl asks: `--revision` when given; without it, from
 * 1.28 the default revision only (cli/context.go RevisionOrDefault, which falls back to "default" when
 * no default-tag webhook names another; Isthmus does not read webhooks), before 1.28 every revision
 * (null).
 */
export function istioctlRevision(mesh: ClusterMesh, requested: string | null): string | null {
  if (requested !== null) return requested;
  return atLeast(istiodMinor(mesh), 1, 28) ? 'default' : null;
}

/** Rows of the istiods of one revision; null: every revision's, grouped by revision (each group in its order). */
export function ofRevision<T extends { revision: string }>(rows: T[], revision: string | null): T[] {
  if (revision !== null) return rows.filter((r) => r.revision === revision);
  const order = [...new Set(rows.map((r) => r.revision))];
  return [...rows].sort((a, b) => order.indexOf(a.revision) - order.indexOf(b.revision));
}

/** The revisions of a cluster's istiods, in pod order, each once ("" for pods without istio.io/rev). */
export function istiodRevisions(mesh: ClusterMesh): string[] {
  return [...new Set(mesh.istiod.map((i) => i.revision))];
}

/** The clusters a `?cluster=` parameter names (a context or an Istio cluster ID): all when absent; unknown: 400. */
export async function selectClusters(registry: Registry, cluster: string | null): Promise<ClusterHandle[]> {
  if (cluster === null || cluster === '') return registry.clusters;
  return [await configuredCluster(registry, cluster)];
}

/**
 * Text for `?output=table`: with one cluster exactly istioctl's table; with several, one table per
 * cluster under a "# <context>" line (istioctl itself reads one cluster at a time).
 */
export function tablesText(clusters: ClusterMesh[], table: (c: ClusterMesh) => string): string {
  if (clusters.length === 1 && clusters[0].ok) return table(clusters[0]);
  return clusters.map((c) => `# ${c.cluster}\n${c.ok ? table(c) : `# error: ${c.errors[0]?.message ?? 'unavailable'}\n`}`).join('\n');
}
