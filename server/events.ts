import 'server-only';
import type { ClusterWatch } from '@/lib/types/api';
import { clusterCache, type CacheChange } from './cache/cluster-cache';
import { getRegistry, usableClusters, type ClusterHandle, type Registry } from './k8s/registry';

/** Changes are gathered this long before one event goes out: a rollout is one event, not hundreds. */
const COALESCE_MS = 100;
/** A comment line now and then keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** How often the kubeconfig is looked at for clusters added or removed while the stream is open. */
const FOLLOW_MS = 2000;

/** `event: change` data: the clusters whose Kubernetes state changed, the kinds, and their watch state. */
export interface ChangeEvent {
  clusters: Record<string, { kinds: string[]; watch: ClusterWatch }>;
}

/**
 * GET /api/events: Server-Sent Events pushing what changed in every cluster's watch-fed cache, so pages
 * refetch what they show when (and only when) it changed instead of polling Kubernetes state.
 * Events: `hello` (the clusters served), `change` (ChangeEvent), `clusters` (the kubeconfig gained or
 * lost a context). The stream ends when the client goes away.
 */
export function eventStream(signal: AbortSignal, view: (registry: Registry) => Registry = (r) => r): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) => {
        try {
          controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          stop(); // the stream is closed
        }
      };
      let pending: Map<ClusterHandle, Set<string>> = new Map();
      let flushTimer: NodeJS.Timeout | null = null;
      const flush = () => {
        flushTimer = null;
        const changed = pending;
        pending = new Map();
        const clusters: ChangeEvent['clusters'] = {};
        for (const [c, kinds] of changed) clusters[c.name] = { kinds: [...kinds], watch: clusterCache(c).watch() };
        send('change', { clusters } satisfies ChangeEvent);
      };
      const onChange = (c: ClusterHandle) => (change: CacheChange) => {
        const kinds = pending.get(c) ?? new Set<string>();
        for (const k of change.kinds) kinds.add(k);
        pending.set(c, kinds);
        flushTimer ??= setTimeout(flush, COALESCE_MS);
      };

      let watched: ClusterHandle[] = [];
      let unsubscribes: Array<() => void> = [];
      const follow = () => {
        let clusters: ClusterHandle[];
        try {
          // Under --impersonate, the signed-in person's own caches (server/auth/viewer.ts).
          clusters = usableClusters(view(getRegistry()));
        } catch {
          return; // an unreadable kubeconfig is said elsewhere; keep what is watched
        }
        if (clusters.length === watched.length && clusters.every((c, i) => c === watched[i])) return;
        for (const u of unsubscribes) u();
        const first = watched.length === 0;
        watched = clusters;
        unsubscribes = clusters.map((c) => clusterCache(c).subscribe(onChange(c)));
        send(first ? 'hello' : 'clusters', { clusters: clusters.map((c) => ({ cluster: c.name, watch: clusterCache(c).watch() })) });
      };
      follow();
      const following = setInterval(follow, FOLLOW_MS);
      const heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': ping\n\n'));
        } catch {
          stop();
        }
      }, HEARTBEAT_MS);
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        clearInterval(following);
        clearInterval(heartbeat);
        if (flushTimer) clearTimeout(flushTimer);
        for (const u of unsubscribes) u();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      cleanup = stop;
      signal.addEventListener('abort', stop, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
}
