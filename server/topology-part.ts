import 'server-only';
import type { ClusterSnapshot } from '@/lib/mesh/snapshot';
import { clusterPart, type ClusterPart, type Topology } from '@/lib/topology/build';
import { clusterLevelNodes, clusterPairEdge, clustersLevel, levelSizes } from '@/lib/topology/levels';
import type { TopologyEdge, TopologyLevel, TopologyNode } from '@/lib/types/api';
import { clusterCache } from './cache/cluster-cache';
import type { ClusterHandle, Registry } from './k8s/registry';
import { snapshotNow } from './snapshot';

/** Whether two snapshots give the same part: the same lists (the cache keeps them while unchanged) and cluster facts. */
function sameInputs(a: ClusterSnapshot, b: ClusterSnapshot): boolean {
  return (
    a.pods === b.pods &&
    a.services === b.services &&
    a.namespaces === b.namespaces &&
    a.gateways === b.gateways &&
    a.cluster === b.cluster &&
    a.clusterId === b.clusterId &&
    a.network === b.network &&
    a.reachable === b.reachable
  );
}

/** One cluster's part of the topology (lib/topology/build.ts clusterPart) with what is worked out from it on first need. */
export class KeptPart {
  /** Its edge at the clusters level to each other cluster's part, kept while both parts are. */
  private readonly edges = new WeakMap<ClusterPart, TopologyEdge | null>();
  private clusterNodes: TopologyNode[] | null = null;
  private sizes: Record<TopologyLevel, number> | null = null;

  constructor(
    readonly snapshot: ClusterSnapshot,
    readonly part: ClusterPart,
  ) {}

  edgeTo(to: ClusterPart): TopologyEdge | null {
    let edge = this.edges.get(to);
    if (edge === undefined) this.edges.set(to, (edge = clusterPairEdge(this.part, to)));
    return edge;
  }

  /** Its nodes at the clusters level. */
  levelNodes(): TopologyNode[] {
    return (this.clusterNodes ??= clusterLevelNodes(this.part));
  }

  /** Its share of the unscoped levelSizes: they add up over clusters (each node counts for itself). */
  levelSizes(): Record<TopologyLevel, number> {
    return (this.sizes ??= levelSizes(this.part, {}));
  }
}

/**
 * A cluster's part of the topology, kept on its handle: recomputed only when its snapshot's lists or
 * facts change, so a graph rebuilt because one cluster changed redoes that cluster's work (matching its
 * Services to its pods, its edges to the other clusters), not every cluster's. It follows the cluster's
 * cache and does that work as soon as the objects change, off any request: at server start each
 * cluster's part is ready as it syncs, and the first complete graph waits for the last one's only.
 */
export class ClusterTopology {
  /** The part of the cluster's last snapshot seen, if any. */
  kept: KeptPart | null = null;
  private scheduled = false;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly cluster: ClusterHandle,
    /** The registry the cluster was served from: its other clusters are the ones edges are kept to. */
    private readonly registry: Registry,
  ) {
    this.unsubscribe = clusterCache(cluster).subscribe((change) => {
      if (change.kinds.length) this.schedule();
    });
  }

  /** The part for this snapshot: the kept one while its inputs are the same. */
  of(snapshot: ClusterSnapshot): KeptPart {
    if (this.kept && (this.kept.snapshot === snapshot || sameInputs(this.kept.snapshot, snapshot))) return this.kept;
    this.kept = new KeptPart(snapshot, clusterPart(snapshot));
    return this.kept;
  }

  /** After a burst of changes (one macrotask), the new part and its edges to and from every other kept part. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      if (this.closed) return;
      try {
        const mine = this.of(snapshotNow(this.cluster));
        for (const other of this.registry.clusters) {
          const theirs = other === this.cluster ? null : other.state.topology?.kept;
          if (!theirs) continue;
          mine.edgeTo(theirs.part);
          theirs.edgeTo(mine.part);
        }
      } catch (e) {
        // Our bug, not the cluster's: said in full here; the request that needs the part meets it again and answers internal.
        console.error(`isthmus: internal error while keeping the topology of ${this.cluster.name}: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }, 0).unref();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.kept = null;
  }
}

/** The cluster's kept topology, started on first use and owned by its handle (closed with it). */
export function clusterTopology(cluster: ClusterHandle, registry: Registry): ClusterTopology {
  const { state } = cluster;
  if (!state.topology) {
    state.topology = new ClusterTopology(cluster, registry);
    state.owned.add(state.topology);
  }
  return state.topology;
}

/** The clusters level of the whole graph from kept parts: only pairs and nodes of changed clusters are worked out again. */
export function keptClustersLevel(kept: KeptPart[]): Topology {
  const byPart = new Map(kept.map((k) => [k.part, k]));
  return clustersLevel(
    kept.map((k) => k.part),
    (from, to) => byPart.get(from)!.edgeTo(to),
    (part) => byPart.get(part)!.levelNodes(),
  );
}

/**
 * levelSizes of the whole graph, summed over the kept parts (each node counts for itself): unscoped from
 * each part's kept sizes, for a cluster or namespace counted again.
 */
export function keptLevelSizes(kept: KeptPart[], scope: { cluster: string | null; namespace: string | null } = { cluster: null, namespace: null }): Record<TopologyLevel, number> {
  const whole = !scope.cluster && !scope.namespace;
  const sizes = { workloads: 0, namespaces: 0, clusters: 0 };
  for (const k of kept) for (const [level, n] of Object.entries(whole ? k.levelSizes() : levelSizes(k.part, scope)) as Array<[TopologyLevel, number]>) sizes[level] += n;
  return sizes;
}
