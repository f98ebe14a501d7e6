import 'server-only';
import { parseClusterz } from '@/lib/istio/clusterz';
import { parseNetworkz, type NetworkGateway } from '@/lib/istio/networkz';
import { parseSyncz } from '@/lib/istio/syncz';
import type { IstiodReplica, ProxyStatusRow, RemoteClusterRow } from '@/lib/types/api';
import type { Deadline } from './k8s/deadline';
import { istiodReplica, runningIstiods } from './k8s/convert';
import { podGet, type IstiodPath } from './k8s/portforward';
import type { ClusterHandle } from './k8s/registry';
import { ClusterFailure, type SourceReader } from './sources';
import { clusterCache } from './cache/cluster-cache';

export type IstiodTarget = IstiodReplica & { port: number };

export interface IstiodReadings {
  remoteClusters: RemoteClusterRow[];
  proxies: ProxyStatusRow[];
  /** True when at least one replica answered syncz (otherwise proxy sync is unknown, not zero). */
  syncKnown: boolean;
}

export function fetchIstiod(cluster: ClusterHandle, istiod: IstiodTarget, path: IstiodPath, deadline: Deadline) {
  return podGet(cluster, { namespace: istiod.namespace, pod: istiod.pod, port: istiod.port }, path, deadline);
}

/** One replica for what every replica knows alike (networkz): a ready one when there is one. */
export function oneIstiod<T extends { ready: boolean }>(istiods: T[]): T | undefined {
  return istiods.find((i) => i.ready) ?? istiods[0];
}

/**
 * clusterz and syncz of every running replica, ready or not, as istioctl asks them (pkg/kube/client.go
 * AllDiscoveryDo lists status.phase=Running): each replica only knows its own connections, and a
 * not-ready one still answers (what it says, a remote cluster stuck in `syncing`, is usually why it is
 * not ready). All forwards are concurrent; a failing replica or path is an entry in reader.errors.
 */
export async function readIstiods(cluster: ClusterHandle, istiods: IstiodTarget[], deadline: Deadline, reader: SourceReader): Promise<IstiodReadings> {
  const perReplica = await Promise.all(
    istiods.map(async (istiod) => {
      const [clusterz, syncz] = await Promise.all([
        reader.optional(`istiod ${istiod.pod} /debug/clusterz`, fetchIstiod(cluster, istiod, '/debug/clusterz', deadline).then((b) => parseClusterz(b, istiod.pod, istiod.revision))),
        reader.optional(`istiod ${istiod.pod} /debug/syncz`, fetchIstiod(cluster, istiod, '/debug/syncz', deadline).then((b) => parseSyncz(b, istiod.pod, istiod.revision))),
      ]);
      return { clusterz, syncz };
    }),
  );
  return {
    // Replicas are sorted by pod name; rows keep each replica's response order (as istioctl prints them).
    remoteClusters: perReplica.flatMap((r) => r.clusterz ?? []),
    proxies: perReplica.flatMap((r) => r.syncz ?? []),
    syncKnown: perReplica.some((r) => r.syncz !== null),
  };
}

/**
 * The network gateways one istiod of the cluster resolved (`/debug/networkz`): the addresses Envoys
 * really dial, including what the Services alone do not say (a load balancer's hostname resolved to
 * IPs, a NodePort gateway's node address and node port).
 */
export async function readNetworkGateways(cluster: ClusterHandle, deadline: Deadline): Promise<NetworkGateway[]> {
  const istiod = oneIstiod(await cachedIstiods(cluster, deadline));
  if (!istiod) return [];
  return parseNetworkz(await fetchIstiod(cluster, istiod, '/debug/networkz', deadline), istiod.pod);
}

/**
 * The running istiod replicas, ready or not, from the cluster's watch-fed cache once it can answer (or at
 * the deadline). The cache's error when it has none to give (fanOut passes it on); replicas kept from
 * before a failure still serve.
 */
export async function cachedIstiods(cluster: ClusterHandle, deadline: Deadline): Promise<IstiodTarget[]> {
  const cache = clusterCache(cluster);
  await cache.ready(deadline);
  const pods = cache.istiodPods();
  if (!pods.ok || (pods.error && pods.items.length === 0)) throw new ClusterFailure(pods.error!);
  return runningIstiods(pods.items).map(istiodReplica);
}
