import 'server-only';
import type { ProxyEndpointFacts } from '@/lib/checks/types';
import type { ClusterCache } from '../cache/cluster-cache';
import type { NodesRead } from '../checks';
import type { VersionRead } from '../clusters';
import type { Recordings } from '../prometheus/recordings';
import type { ClusterTopology } from '../topology-part';
import { KeptReading } from './kept-reading';
import type { ClusterHandle } from './registry';

/**
 * Everything the server process keeps for one cluster (one kubeconfig generation of one context):
 * short result cache, kept-open port-forwards, the learnt Istio cluster ID, kept readings, the
 * in-flight credential fetch, the watch-fed cache. It hangs off the cluster's handle, so a cluster
 * removed from (or changed in) the kubeconfig takes all of it along when its handle is dropped, and
 * tests have one reset (resetClusterState).
 */

/** A result of the short per-cluster cache (server/fanout.ts). */
export interface CachedResult {
  promise: Promise<unknown>;
  /** Set once settled: the entry serves until then. */
  expiresAt: number;
}

/** Anything the state owns that holds sockets or timers. */
export interface Closeable {
  close(): void;
}

export class ClusterState {
  /** Short result cache by what was read ("mesh", "snapshot", "envoy-clusters…"). */
  readonly results = new Map<string, CachedResult>();
  /** The keep-alive pool of port-forwards to the cluster's pods (server/k8s/portforward.ts). */
  forwards: Closeable | null = null;
  /** Istio cluster ID, once learnt (it changes only when Istio is reinstalled). */
  clusterId: string | null = null;
  /** The Kubernetes version (/version): it changes only on an upgrade, so it is re-read now and then (server/clusters.ts). */
  readonly kubernetesVersion = new KeptReading<VersionRead>();
  /** Which of Istio's workload-level recordings the cluster's Prometheus holds (server/prometheus/recordings.ts), re-read now and then. */
  readonly prometheusRecordings = new KeptReading<Recordings>();
  /** The mesh checks' sample of proxies' EDS (server/checks.ts), kept briefly. */
  readonly proxySample = new KeptReading<ProxyEndpointFacts[]>();
  /** The nodes' pod ranges (server/checks.ts), kept a minute. */
  readonly nodeRanges = new KeptReading<NodesRead>();
  /** The exec/auth-provider credential fetch in flight, shared by every call. */
  credentialFetch: Promise<void> | null = null;
  /** The watch-fed cache, once started (server/cache). */
  cache: ClusterCache | null = null;
  /** The cluster's part of the topology, kept as its cache changes (server/topology-part.ts). */
  topology: ClusterTopology | null = null;
  /** Under --impersonate, the cluster as each signed-in person sees it (server/auth/impersonation.ts). */
  readonly users = new Map<string, ClusterHandle>();
  /** Long-lived things started for the cluster (the watch-fed cache), closed with it. */
  readonly owned = new Set<Closeable>();

  constructor() {
    live.add(this);
  }

  /** Forgets results and closes forwards; the learnt cluster ID, Kubernetes version and Prometheus recordings stay (they are not readings). */
  clearReadings(): void {
    this.results.clear();
    this.proxySample.clear();
    this.nodeRanges.clear();
    this.forwards?.close();
    this.forwards = null;
  }

  /** Back to a new handle's state: every reading, watch and learnt fact released (tests). */
  reset(): void {
    this.clearReadings();
    for (const c of this.owned) c.close();
    this.owned.clear();
    for (const u of this.users.values()) u.state.close();
    this.users.clear();
    this.cache = null;
    this.topology = null;
    this.clusterId = null;
    this.kubernetesVersion.clear();
    this.prometheusRecordings.clear();
    this.credentialFetch = null;
  }

  /** The cluster is gone from the kubeconfig (or changed): release everything. */
  close(): void {
    this.reset();
    live.delete(this);
  }
}

/* The states of handles not closed yet: one reset for tests and benchmarks (not a lookup by name). */
const live = new Set<ClusterState>();

/** Forgets every cluster's cached results and kept-open forwards (tests, benchmark cold runs). */
export function clearReadings(): void {
  for (const s of live) s.clearReadings();
}

/** Resets every cluster's state, watches included: the process starts over (tests). */
export function resetClusterState(): void {
  for (const s of live) s.reset();
}
