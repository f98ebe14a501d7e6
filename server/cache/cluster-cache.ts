import 'server-only';
import type { ClusterSnapshot, ServiceSnapshot } from '@/lib/mesh/snapshot';
import type { ClusterWatch, GatewayService, SourceError } from '@/lib/types/api';
import { credentialsReady } from '../fanout';
import { remainingMs, type Deadline } from '../k8s/deadline';
import { clusterNetwork, ISTIO_NAMESPACE, sortGateways } from '../k8s/convert';
import type { ClusterHandle } from '../k8s/registry';
import { CLUSTER_FATAL } from '../sources';
import { DEFAULT_TIMING, Informer, type InformerTiming } from './informer';
import type { KubeConfigMap, KubePod } from '../k8s/shapes';
import type { DestinationRuleFacts, IstioGatewayFacts } from '@/lib/checks/types';
import { DESTINATION_RULES, ISTIO_CONFIGMAPS, ISTIO_GATEWAYS, NAMESPACES, PODS, SERVICES, type NamespaceEntry, type PodEntry, type ServiceEntry } from './kinds';

/**
 * A kind as readers outside the cache get it: its items once listed (with the error of a list or watch
 * failing since, whose items are kept: the last known), else why not. Plain data, never a thrown error:
 * Next bundles this module apart from the routes, and an error class of one copy is not `instanceof`
 * the other's.
 */
export type CachedKind<T> = { ok: true; items: T[]; error: SourceError | null } | { ok: false; error: SourceError };

/** The gateway Services among the cached ones, Istio's namespace first. */
const gatewaysOf = (services: ServiceEntry[]): GatewayService[] => sortGateways(services.flatMap((s) => (s.gateway ? [s.gateway] : [])));

/** What a cache reports to listeners: the cluster and the kinds whose objects changed (empty: state only). */
export interface CacheChange {
  cluster: string;
  kinds: string[];
}

/**
 * The watch-fed cache of one cluster: one Informer per kind, started together, closed with the
 * cluster's handle. Reads are served from memory once every kind has synced; the snapshot is rebuilt
 * only when something changed (the same object otherwise, so the topology is not rebuilt either).
 */
export class ClusterCache {
  readonly namespaces: Informer<NamespaceEntry>;
  readonly pods: Informer<PodEntry>;
  readonly services: Informer<ServiceEntry>;
  /** The Istio namespace's ConfigMaps (mesh config, root certificate): /api/mesh and the checks. */
  readonly istioConfigMaps: Informer<KubeConfigMap>;
  /** Istio Gateways and DestinationRules (the mesh checks); none where Istio's CRDs are not installed. */
  readonly istioGateways: Informer<IstioGatewayFacts>;
  readonly destinationRules: Informer<DestinationRuleFacts>;
  private readonly informers: Informer<unknown>[];
  /** The kinds the topology snapshot is built from (namespaces, pods, services). */
  private readonly graphInformers: Informer<unknown>[];
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private waiters = new Set<() => void>();
  private memo: { key: string; snapshot: ClusterSnapshot } | null = null;
  /** Settles once namespaces have been listed (or the cache closed). */
  private probe: Promise<void>;
  private probed: () => void = () => {};
  /** Settles once the graph's kinds have each been listed or failed (or the cache closed). */
  private graphFirst: Promise<void>;
  private graphListed: () => void = () => {};

  constructor(
    private readonly cluster: ClusterHandle,
    timing: InformerTiming = DEFAULT_TIMING,
  ) {
    this.probe = new Promise((resolve) => (this.probed = resolve));
    this.graphFirst = new Promise((resolve) => (this.graphListed = resolve));
    const changed = (kind: string, revision: number) => this.onChange(kind, revision);
    const credentials = () => credentialsReady(cluster);
    // Namespaces (the smallest list) go first: the big lists start only once the cluster has answered
    // one list well, so a cluster that is down or hostile costs one failing list per retry, not three.
    const probed = () => credentials().then(() => this.probe);
    // The Istio kinds (the mesh checks' and /api/mesh's) then wait for the topology's first lists: at
    // server start every cluster's pods and services are listed before them (lists share a few slots,
    // informer.ts), so the first complete topology does not wait behind 150 small lists of 50 clusters.
    const afterGraph = () => probed().then(() => this.graphFirst);
    this.namespaces = new Informer(cluster, NAMESPACES, timing, changed, credentials);
    this.pods = new Informer(cluster, PODS, timing, changed, probed);
    this.services = new Informer(cluster, SERVICES, timing, changed, probed);
    this.istioConfigMaps = new Informer(cluster, ISTIO_CONFIGMAPS, timing, changed, afterGraph);
    this.istioGateways = new Informer(cluster, ISTIO_GATEWAYS, timing, changed, afterGraph);
    this.destinationRules = new Informer(cluster, DESTINATION_RULES, timing, changed, afterGraph);
    // An unusable kubeconfig entry watches nothing: its configError is the answer (fatalError).
    this.graphInformers = cluster.configError ? [] : [this.namespaces, this.pods, this.services];
    this.informers = cluster.configError ? [] : [...this.graphInformers, this.istioConfigMaps, this.istioGateways, this.destinationRules];
    for (const i of this.informers) i.start();
  }

  close(): void {
    for (const i of this.informers) i.close();
    this.probed();
    this.graphListed();
    this.listeners.clear();
    this.wakeWaiters();
  }

  /** Listen to changes (objects or watch state); returns unsubscribe. */
  subscribe(listener: (change: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Revision per kind at the last notification: tells object changes from state changes. */
  private readonly notified = new Map<string, number>();
  /** The watch state at the last notification. */
  private notifiedState: ClusterWatch['state'] | null = null;

  /** The cluster answered its namespaces list usably: listed, or refused for a reason of its own (forbidden). */
  private probePassed(): boolean {
    const e = this.namespaces.error;
    return this.namespaces.syncedAt !== null || (e !== null && !CLUSTER_FATAL.has(e.kind) && e.kind !== 'bad-response');
  }

  private onChange(kind: string, revision: number): void {
    if (this.probePassed()) this.probed();
    if (this.graphInformers.every((i) => i.syncedAt !== null || i.error !== null)) this.graphListed();
    const moved = this.notified.get(kind) !== revision;
    this.notified.set(kind, revision);
    this.wakeWaiters();
    // Listeners (/api/events: pages refetch the topology, pods and clusters) hear of the graph's kinds'
    // objects only. The Istio ConfigMaps change every few seconds in a real mesh (istiod renews its
    // leader-election locks, ConfigMaps, every 7.5 s) and feed polled views alone (/api/mesh, the checks):
    // their changes are heard of only as a change of the watch state (their first list can complete it).
    const graphKind = this.graphInformers.some((i) => i.kind.name === kind);
    const state = this.watch().state;
    const stateMoved = state !== this.notifiedState;
    this.notifiedState = state;
    if (moved && !graphKind && !stateMoved) return;
    const change = { cluster: this.cluster.name, kinds: moved && graphKind ? [kind] : [] };
    for (const l of this.listeners) l(change);
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  /** A failure that means the cluster cannot be read at all (down, TLS, credentials, garbage); otherwise null. */
  private fatalError(): SourceError | null {
    if (this.cluster.configError) return this.cluster.configError;
    const fatal = this.informers.find((i) => i.error && CLUSTER_FATAL.has(i.error.kind))?.error;
    // Before the probe passed, its failure (e.g. an answer that is not a namespace list) is the cluster's.
    return fatal ?? (this.probePassed() ? null : this.namespaces.error);
  }

  /** Every kind (of these) either synced or failed for a reason that will not pass by waiting (forbidden...). */
  private settled(informers: Informer<unknown>[]): boolean {
    return this.fatalError() !== null || informers.every((i) => i.synced || i.error !== null);
  }

  /**
   * Resolves once the cache can answer (settled) or at the deadline, whichever is first: every kind, or
   * (`graph`) the kinds the snapshot is built from, which the topology need not wait for the others for.
   */
  async ready(deadline: Deadline, kinds: 'all' | 'graph' = 'all'): Promise<void> {
    const informers = kinds === 'graph' ? this.graphInformers : this.informers;
    while (!this.settled(informers) && remainingMs(deadline) > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remainingMs(deadline));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  watch(): ClusterWatch {
    const error = this.cluster.configError ?? this.informers.find((i) => i.error)?.error ?? null;
    const everSynced = this.informers.length > 0 && this.informers.every((i) => i.syncedAt !== null);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const lastEvents = this.informers.map((i) => i.lastEventAt).filter((t) => t !== null);
    return {
      state: error ? 'reconnecting' : everSynced ? 'synced' : 'syncing',
      syncedAt: everSynced ? iso(Math.max(...this.informers.map((i) => i.syncedAt!))) : null,
      lastEventAt: lastEvents.length ? iso(Math.max(...lastEvents)) : null,
      error,
    };
  }

  /**
   * The cluster as plain data, from memory; the same object while nothing changed: the graph's kinds'
   * objects, and every kind's state (the Istio ConfigMaps' objects are not in it, but their watch failing
   * for a cluster-wide reason makes the whole cluster unreadable, fatalError, and its end readable again).
   */
  snapshot(clusterId: string | null): ClusterSnapshot {
    const key = JSON.stringify([clusterId, this.graphInformers.map((i) => i.revision), this.informers.map((i) => [i.syncedAt, i.error?.message ?? null])]);
    if (this.memo?.key === key) return this.memo.snapshot;
    const snapshot = this.build(clusterId);
    this.memo = { key, snapshot };
    return snapshot;
  }

  private build(knownClusterId: string | null): ClusterSnapshot {
    const watch = this.watch();
    const base = { cluster: this.cluster.name, clusterId: knownClusterId, network: null, namespaces: [], services: [], pods: [], gateways: [], watch };
    const fatal = this.fatalError();
    if (fatal) return { ...base, reachable: false, errors: [fatal] };
    const pending = this.graphInformers.filter((i) => i.syncedAt === null && i.error === null);
    if (pending.length) return { ...base, reachable: true, syncing: true, errors: [this.stillSyncing(pending.map((i) => i.kind.name).join(', '))] };
    // Kinds never listed first: nothing of them is shown, a bigger loss than a synced kind's failing watch.
    const failing = this.graphInformers.filter((i) => i.error !== null);
    const errors = [...failing.filter((i) => i.syncedAt === null), ...failing.filter((i) => i.syncedAt !== null)].map((i) => i.error!);
    const { namespaces, services, pods, gateways } = this.graphLists();
    const clusterId = pods.find((p) => p.istiodClusterId)?.istiodClusterId ?? knownClusterId;
    return { ...base, clusterId, network: clusterNetwork(this.istioNamespace()?.labels, gateways), reachable: true, namespaces, services, pods, gateways, errors };
  }

  /** The graph's kinds as the snapshot lists them: the same arrays while their objects are unchanged. */
  private lists: { revisions: string; namespaces: string[]; services: ServiceSnapshot[]; pods: PodEntry[]; gateways: GatewayService[] } | null = null;

  /**
   * The same arrays while the objects are unchanged: a snapshot rebuilt because only a watch state moved
   * (an Istio kind synced, a watch reconnected) keeps its lists, so the cluster's part of the topology is
   * not computed again (server/topology.ts).
   */
  private graphLists() {
    const revisions = this.graphInformers.map((i) => i.revision).join();
    if (this.lists?.revisions !== revisions) {
      const services = [...this.services.items.values()];
      this.lists = {
        revisions,
        namespaces: [...this.namespaces.items.values()].map((n) => n.name).sort(),
        services: services.map((s) => s.service),
        pods: [...this.pods.items.values()],
        gateways: gatewaysOf(services),
      };
    }
    return this.lists;
  }

  /** A kind's items, or why they cannot be given: the cluster's failure, the kind's, or its first list still pending. */
  read<T>(informer: Informer<T>): CachedKind<T> {
    const fatal = this.fatalError();
    if (fatal) return { ok: false, error: fatal };
    if (informer.syncedAt !== null) return { ok: true, items: [...informer.items.values()], error: informer.error };
    return { ok: false, error: informer.error ?? this.stillSyncing(informer.kind.name) };
  }

  /** Why kinds whose first list has not completed give nothing yet (`kinds`: their names, comma-separated). */
  private stillSyncing(kinds: string): SourceError {
    return { kind: 'timeout', source: kinds, message: `${this.cluster.name}: still syncing (the first list of ${kinds} has not completed)` };
  }

  /** The Istio namespace as the cache keeps it (its labels), when listed. */
  istioNamespace(): NamespaceEntry | undefined {
    return this.namespaces.items.get(`/${ISTIO_NAMESPACE}`);
  }

  /** The istiod pods of the Istio namespace (from the pods the cache keeps), as their shape has them. */
  istiodPods(): CachedKind<KubePod> {
    const pods = this.read(this.pods);
    return pods.ok ? { ...pods, items: pods.items.flatMap((p) => (p.istiod ? [p.istiod] : [])) } : pods;
  }

  /** The gateway Services (Istio's namespace first), from the Services the cache keeps. */
  gateways(): CachedKind<GatewayService> {
    const services = this.read(this.services);
    return services.ok ? { ...services, items: gatewaysOf(services.items) } : services;
  }

  /** The Istio namespace's ConfigMaps, by name (the order istiod's revision lookup expects). */
  configMaps(): CachedKind<KubeConfigMap> {
    const cms = this.read(this.istioConfigMaps);
    return cms.ok ? { ...cms, items: cms.items.sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1)) } : cms;
  }
}

/** The cluster's cache, started on first use and owned by the cluster's handle (closed with it). */
export function clusterCache(cluster: ClusterHandle): ClusterCache {
  const { state } = cluster;
  if (!state.cache) {
    state.cache = new ClusterCache(cluster);
    state.owned.add(state.cache);
  }
  return state.cache;
}
