/**
 * The Kubernetes objects of every cluster, rendered per type on first read and kept with the
 * resourceVersions an API server would have given them; a change re-renders the cluster and diffs it
 * into ADDED/MODIFIED/DELETED events, kept in a bounded history for watches.
 */
import type { KubeObject, ResourceType, WatchEvent } from '../world';
import type { Mesh } from './mesh';
import { countType, type RenderContext, RESOURCE_TYPES, renderType, typeKey } from './objects';

/** Events kept per cluster; a watch from an older resourceVersion gets 410 Gone. */
export const WATCH_HISTORY = 1000;

/**
 * A type not rendered yet: its objects will take the resourceVersions firstResourceVersion.. in list
 * order, exactly the ones an eager initial load would have given them.
 */
interface PendingType {
  firstResourceVersion: number;
  count: number;
}

interface ClusterStore {
  resourceVersion: number;
  /** Per typeKey: objects by "<namespace>/<name>", in list order; or the type is still to be rendered. */
  objects: Map<string, Map<string, KubeObject> | PendingType>;
  history: Array<{ type: string; event: WatchEvent }>;
  /** Events at or below this resourceVersion are no longer retained. */
  historyFloor: number;
  listeners: Map<string, Set<(ev: WatchEvent) => void>>;
}

const objectKey = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** An object's content without its resourceVersion, to tell whether a re-render changed it. */
function content(o: KubeObject): string {
  return JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '' } });
}

export class ObjectStore {
  private readonly stores = new Map<string, ClusterStore>();

  constructor(
    private readonly mesh: Mesh,
    private readonly renderContext: (cluster: string, nowMs: number) => RenderContext,
    private readonly clock: () => number,
    private readonly watchHistory = WATCH_HISTORY,
  ) {}

  list(cluster: string, type: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const object of this.objectsOf(cluster, typeKey(type)).values()) if (namespace === undefined || object.metadata.namespace === namespace) out.push({ ...object });
    return out;
  }

  resourceVersion(cluster: string): number {
    return this.storeOf(cluster).resourceVersion;
  }

  eventsSince(cluster: string, type: ResourceType, since: number): WatchEvent[] | 'gone' {
    const store = this.storeOf(cluster);
    if (since < store.historyFloor) return 'gone';
    const k = typeKey(type);
    return store.history.filter((h) => h.type === k && h.event.resourceVersion > since).map((h) => h.event);
  }

  subscribe(cluster: string, type: ResourceType, listener: (ev: WatchEvent) => void): () => void {
    const store = this.storeOf(cluster);
    const k = typeKey(type);
    const set = store.listeners.get(k) ?? new Set();
    store.listeners.set(k, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * A cluster's store, created on first use: types are counted (so resourceVersions are laid out as an
   * eager load would) and rendered only when first read. Until a fault changes a cluster's objects, they
   * are those of the start, so rendering late gives what rendering up front would have.
   */
  private storeOf(cluster: string): ClusterStore {
    let store = this.stores.get(cluster);
    if (store) return store;
    if (!this.mesh.clusters.has(cluster)) throw new Error(`unknown cluster "${cluster}"`);
    store = { resourceVersion: 0, objects: new Map(), history: [], historyFloor: 0, listeners: new Map() };
    const ctx = this.renderContext(cluster, this.clock());
    for (const t of RESOURCE_TYPES) {
      const count = countType(ctx, typeKey(t));
      store.objects.set(typeKey(t), { firstResourceVersion: store.resourceVersion + 1, count });
      store.resourceVersion += count;
    }
    store.historyFloor = store.resourceVersion;
    this.stores.set(cluster, store);
    return store;
  }

  /** The objects of a type, rendered on first use. */
  private objectsOf(cluster: string, type: string): Map<string, KubeObject> {
    const store = this.storeOf(cluster);
    const slot = store.objects.get(type);
    if (slot === undefined || slot instanceof Map) return slot ?? new Map();
    const rendered = renderType(this.renderContext(cluster, this.clock()), type);
    if (rendered.length !== slot.count) throw new Error(`lab model: ${type} of ${cluster} rendered ${rendered.length} objects, counted ${slot.count}`);
    const objects = new Map<string, KubeObject>();
    rendered.forEach((object, i) => {
      object.metadata.resourceVersion = String(slot.firstResourceVersion + i);
      objects.set(objectKey(object), object);
    });
    store.objects.set(type, objects);
    return objects;
  }

  private emit(store: ClusterStore, type: string, ev: WatchEvent): void {
    store.history.push({ type, event: ev });
    if (store.history.length > this.watchHistory) store.historyFloor = store.history.shift()!.event.resourceVersion;
    for (const listener of store.listeners.get(type) ?? []) listener(ev);
  }

  /** Re-renders every type of a cluster (all rendered beforehand) and emits what changed. */
  sync(cluster: string, nowMs: number): void {
    const store = this.storeOf(cluster);
    const ctx = this.renderContext(cluster, nowMs);
    for (const type of store.objects.keys()) {
      const previous = this.objectsOf(cluster, type);
      const next = new Map<string, KubeObject>();
      const changes: Array<{ kind: 'ADDED' | 'MODIFIED'; object: KubeObject }> = [];
      for (const object of renderType(ctx, type)) {
        const k = objectKey(object);
        const old = previous.get(k);
        if (old && content(old) === content(object)) {
          next.set(k, old);
          continue;
        }
        object.metadata.resourceVersion = String(++store.resourceVersion);
        next.set(k, object);
        changes.push({ kind: old ? 'MODIFIED' : 'ADDED', object });
      }
      store.objects.set(type, next);
      for (const { kind, object } of changes) this.emit(store, type, { type: kind, object, resourceVersion: Number(object.metadata.resourceVersion) });
      for (const [k, old] of previous) {
        if (next.has(k)) continue;
        const rv = ++store.resourceVersion;
        this.emit(store, type, { type: 'DELETED', object: { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } }, resourceVersion: rv });
      }
    }
  }

  /** Renders every type of a cluster as it is now, so a coming change can be diffed against it. */
  renderAll(cluster: string): void {
    for (const type of this.storeOf(cluster).objects.keys()) this.objectsOf(cluster, type);
  }

  /** Scaled-up pods finish starting later: re-render then, so watchers see them become Ready. */
  scheduleStartups(cluster: string, nowMs: number): void {
    const pending = this.mesh.pods(cluster).filter((p) => p.startingUntilMs > nowMs);
    if (pending.length === 0) return;
    const at = Math.max(...pending.map((p) => p.startingUntilMs));
    setTimeout(() => this.sync(cluster, Math.max(this.clock(), at)), at - nowMs + 5).unref();
  }
}
