import 'server-only';
import type { SourceError } from '@/lib/types/api';
import { createDeadline, withDeadline, type Deadline } from './k8s/deadline';
import { DescribedError, toSourceError } from './k8s/errors';
import type { CachedResult } from './k8s/cluster-state';
import type { ClusterHandle } from './k8s/registry';
import { ClusterFailure } from './sources';

export type ClusterResult<T> = { cluster: string; ok: true; data: T } | { cluster: string; ok: false; error: SourceError };

export interface FanOutOptions {
  deadlineMs: number;
  /** TTL of the per-cluster result cache; 0 = single-flight only. */
  cacheMs: number;
  /** TTL of a failed result, when shorter than cacheMs: a read kept long must not keep its failure as long. */
  failureCacheMs?: number;
  /** Names the thing being read in error messages, e.g. "the mesh state". */
  source?: string;
}

/* ------------------------------------------------------------- single-flight + short TTL cache */

/**
 * Identical concurrent calls share one upstream call (single-flight); a settled result is served for
 * ttlMs more (`ttlOf` may say otherwise for a value), so a page left open does not hammer API servers.
 * Errors are cached for the same short time.
 */
export function cached<T>(entries: Map<string, CachedResult>, key: string, ttlMs: number, load: () => Promise<T>, ttlOf?: (value: T) => number): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && (hit.expiresAt === Infinity || hit.expiresAt > now)) return hit.promise as Promise<T>;
  const entry: CachedResult = { promise: Promise.resolve(), expiresAt: Infinity };
  const settle = (ttl: number) => {
    if (entries.get(key) !== entry) return;
    if (ttl > 0) entry.expiresAt = Date.now() + ttl;
    else entries.delete(key);
  };
  entry.promise = load().then(
    (value) => {
      settle(ttlOf ? ttlOf(value) : ttlMs);
      return value;
    },
    (err: unknown) => {
      settle(ttlMs);
      throw err;
    },
  );
  entries.set(key, entry);
  // Evict expired entries now and then so the map does not grow with old keys.
  if (entries.size > 2000) for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
  return entry.promise as Promise<T>;
}

/* --------------------------------------------------------------------------------------- fan-out */

/**
 * Runs `fn` for every cluster in parallel, each under its own deadline. A cluster's failure (refused,
 * slow, forbidden...) becomes its own `{ok: false, error}` entry and never delays or fails the others.
 * Results keep the order of `clusters`.
 */
export function fanOut<T>(
  clusters: ClusterHandle[],
  what: string,
  fn: (cluster: ClusterHandle, deadline: Deadline) => Promise<T>,
  opts: FanOutOptions,
): Promise<ClusterResult<T>[]> {
  const ttlOf = (r: ClusterResult<T>) => (r.ok ? opts.cacheMs : Math.min(opts.cacheMs, opts.failureCacheMs ?? opts.cacheMs));
  return Promise.all(clusters.map((c) => cached(c.state.results, what, opts.cacheMs, () => runOne(c, fn, opts), ttlOf)));
}

/**
 * client-node runs a user's exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin) for every
 * call made before one of them has cached the credential: a cold page would start one plugin per
 * request. One fetch per cluster runs; every call waits for it, then client-node's cache serves them.
 * A failing plugin is the user's credentials, not the network: `unauthorized`.
 */
export function credentialsReady(cluster: ClusterHandle): Promise<void> {
  const user = cluster.kc.getCurrentUser();
  if (!user?.exec && !user?.authProvider) return Promise.resolve();
  const { state } = cluster;
  if (!state.credentialFetch) {
    const fetch: Promise<void> = cluster.kc
      .applyToHTTPSOptions({})
      .catch(() => {
        throw new DescribedError('unauthorized', `${cluster.name}: the kubeconfig's credential plugin failed (run it by hand to see why)`);
      })
      .finally(() => {
        if (state.credentialFetch === fetch) state.credentialFetch = null;
      });
    state.credentialFetch = fetch;
  }
  return state.credentialFetch;
}

async function runOne<T>(
  cluster: ClusterHandle,
  fn: (cluster: ClusterHandle, deadline: Deadline) => Promise<T>,
  opts: FanOutOptions,
): Promise<ClusterResult<T>> {
  if (cluster.configError) return { cluster: cluster.name, ok: false, error: cluster.configError };
  const deadline = createDeadline(opts.deadlineMs);
  try {
    await withDeadline(deadline, () => credentialsReady(cluster));
    const data = await withDeadline(deadline, () => fn(cluster, deadline));
    return { cluster: cluster.name, ok: true, data };
  } catch (err) {
    const error = err instanceof ClusterFailure ? err.error : toSourceError(err, { cluster: cluster.name, server: cluster.server, source: opts.source ?? 'the cluster' });
    return { cluster: cluster.name, ok: false, error };
  }
}
