/**
 * The watch-fed cache (server/cache) against the lab: list then watch with bookmarks, resume after the
 * API server restarts, relist on 410 Gone, and clusters joining or leaving the kubeconfig at run time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { clusterCache } from '@/server/cache/cluster-cache';
import { DEFAULT_TIMING, Informer } from '@/server/cache/informer';
import { ISTIO_GATEWAYS } from '@/server/cache/kinds';
import { loadConfig } from '@/server/config';
import { resetClusterState } from '@/server/k8s/cluster-state';
import { buildRegistry, getRegistry, type Registry } from '@/server/k8s/registry';
import { getSnapshots } from '@/server/snapshot';
import { getTopologyBytes } from '@/server/topology';
import { CLUSTER1, CLUSTER2 } from './api-helpers';

let lab: Lab;
let dir: string;
let registry: Registry;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-watch-'));
  lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig'), watchHistory: 60, bookmarkMs: 200 });
  registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath], deadlineMs: 3000, cacheMs: 0 });
});
afterAll(async () => {
  resetClusterState();
  await lab?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, ms = 8000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleepPods = (cluster = CLUSTER2) =>
  [...clusterCache(registry.get(cluster)!).pods.items.values()]
    .filter((p) => p.namespace === 'sample' && p.labels.app === 'sleep')
    .map((p) => p.name)
    .sort();
const labSleepPods = () =>
  lab.world
    .list('cluster2', lab.world.resourceTypes().find((t) => t.resource === 'pods')!, 'sample')
    .filter((p) => p.metadata.labels?.app === 'sleep')
    .map((p) => p.metadata.name)
    .sort();
const scaleSleep = (replicas: number) => lab.applyFault({ type: 'scale-workload', cluster: 'cluster2', namespace: 'sample', workload: 'sleep', replicas });
/** Requests for cluster2's pods since log entry `from`: lists (no watch=) and watches. */
const podRequests = (from: number) => {
  const log = lab.requestLog().slice(from).filter((r) => r.cluster === 'cluster2' && r.path.startsWith('/api/v1/pods?'));
  return { lists: log.filter((r) => !r.path.includes('watch=')), watches: log.filter((r) => r.path.includes('watch=')) };
};

describe('watch-fed cache', () => {
  it('lists every kind once, then keeps it current from a watch with bookmarks', async () => {
    const [s1, s2] = await getSnapshots(registry);
    // The snapshot waits for the kinds it is built from; the Istio kinds are listed after them.
    expect([s1.syncing, s2.syncing, s1.errors, s2.errors]).toEqual([undefined, undefined, [], []]);
    expect(s2.pods.length).toBeGreaterThan(0);
    expect(sleepPods()).toEqual(labSleepPods());
    const cache = clusterCache(registry.get(CLUSTER2)!);
    await until('every kind synced', () => cache.watch().state === 'synced');
    const lists = lab.requestLog().filter((r) => r.cluster === 'cluster2' && !r.path.includes('watch='));
    const listed = (prefix: string) => lists.findIndex((r) => r.path.startsWith(prefix));
    const graph = Math.max(listed('/api/v1/pods?'), listed('/api/v1/services?'));
    const istio = Math.min(listed('/api/v1/namespaces/istio-system/configmaps?'), listed('/apis/networking.istio.io/v1beta1/gateways?'), listed('/apis/networking.istio.io/v1beta1/destinationrules?'));
    expect(graph).toBeGreaterThanOrEqual(0);
    expect(istio).toBeGreaterThan(graph);
    const servicesRv = Number(cache.services.resourceVersion);

    scaleSleep(2);
    await until('the new sleep pod', () => sleepPods().length === 2);
    expect(sleepPods()).toEqual(labSleepPods());
    // No Service changed, yet the services watch moved on: bookmarks carry the cluster's resourceVersion.
    await until('a bookmark', () => Number(cache.services.resourceVersion) > servicesRv);
    const again = await getSnapshots(registry, [registry.get(CLUSTER2)!]);
    expect(again[0].pods.filter((p) => p.labels.app === 'sleep')).toHaveLength(2);
  });

  it('a cluster whose state moved but not its objects keeps the topology graph: only the statuses are new', async () => {
    const cache = clusterCache(registry.get(CLUSTER2)!);
    await until('every kind synced', () => cache.watch().state === 'synced');
    const [graph, statuses] = await getTopologyBytes(registry, { level: 'workloads' });
    const [before] = await getSnapshots(registry, [registry.get(CLUSTER2)!]);
    cache.destinationRules.syncedAt! += 1; // what a relist of an Istio kind moves, its objects the same
    const [after] = await getSnapshots(registry, [registry.get(CLUSTER2)!]);
    expect(after).not.toBe(before);
    expect(after.pods).toBe(before.pods);
    const [graphAgain, statusesAgain] = await getTopologyBytes(registry, { level: 'workloads' });
    expect(graphAgain).toBe(graph);
    expect(statusesAgain).not.toBe(statuses);
  });

  it('resumes after the API server restarts, from its resourceVersion, with what changed meanwhile', async () => {
    const cache = clusterCache(registry.get(CLUSTER2)!);
    await until('synced', () => cache.watch().state === 'synced');
    const from = lab.requestLog().length;
    lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: true });
    await until('reconnecting', () => cache.watch().state === 'reconnecting');
    expect(cache.watch().error).toMatchObject({ kind: 'unreachable' });
    const [down] = await getSnapshots(registry, [registry.get(CLUSTER2)!]);
    expect(down.reachable).toBe(false);

    scaleSleep(1); // while disconnected: one pod deleted
    lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: false });
    await until('synced again', () => cache.watch().state === 'synced' && sleepPods().length === 1);
    expect(sleepPods()).toEqual(labSleepPods());
    // Resumed, not listed again (the lab logs a request when it ends: the cut watch, never a list).
    const { lists, watches } = podRequests(from);
    expect(lists).toEqual([]);
    expect(watches.length).toBeGreaterThan(0);
    expect(watches.every((w) => /resourceVersion=\d+.*allowWatchBookmarks=true/.test(w.path))).toBe(true);
  });

  it("an optional kind whose API is not served is synced and empty, not an error (Istio 1.21 serves no networking.istio.io/v1)", async () => {
    const cluster = registry.get(CLUSTER2)!;
    const v1 = new Informer(cluster, { ...ISTIO_GATEWAYS, path: '/apis/networking.istio.io/v1/gateways' }, { ...DEFAULT_TIMING, absentRelistMs: 100 }, () => {}).start();
    try {
      await until('listed', () => v1.syncedAt !== null);
      expect([v1.error, v1.absent, v1.items.size]).toEqual([null, true, 0]);
      const from = lab.requestLog().length;
      await until('looked for again', () => lab.requestLog().slice(from).some((r) => r.path.startsWith('/apis/networking.istio.io/v1/gateways?')));
      expect(v1.error).toBeNull();
    } finally {
      v1.close();
    }
    // The version the cache reads is served: the cross-network Gateway is kept, and the cluster is synced.
    const cache = clusterCache(cluster);
    await until('synced', () => cache.watch().state === 'synced');
    expect(cache.istioGateways.absent).toBe(false);
    expect([...cache.istioGateways.items.values()].map((g) => g.name)).toContain('cross-network-gateway');
  });

  it('lists again when the watch answers 410 Gone (history moved past it while disconnected)', async () => {
    const cache = clusterCache(registry.get(CLUSTER2)!);
    await until('synced', () => cache.watch().state === 'synced');
    const from = lab.requestLog().length;
    const servicesRevision = cache.services.revision;
    lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: true });
    await until('reconnecting', () => cache.watch().state === 'reconnecting');
    for (let i = 0; i < 40; i++) scaleSleep(i % 2 === 0 ? 3 : 1); // far more events than the 60 kept
    scaleSleep(2);
    lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: false });
    await until('relisted', () => cache.watch().state === 'synced' && podRequests(from).lists.length > 0);
    await until('pods as the lab has them', () => JSON.stringify(sleepPods()) === JSON.stringify(labSleepPods()));
    expect(sleepPods()).toHaveLength(2);
    // The history is the cluster's: the services watch was gone too, and its relist found what was kept.
    // Relisted and applied: from the 410 until its list is applied the informer has no resourceVersion
    // (the lab logs a request once answered).
    const servicesListed = () => lab.requestLog().slice(from).some((r) => r.cluster === 'cluster2' && r.path.startsWith('/api/v1/services?') && !r.path.includes('watch='));
    await until('services relisted', () => servicesListed() && cache.services.resourceVersion !== null);
    expect(cache.services.revision).toBe(servicesRevision);
  });

  it("keeps the Istio ConfigMaps current without telling listeners: they change every few seconds in a real mesh (istiod's leader-election locks), the pushed views never read them", async () => {
    const cache = clusterCache(registry.get(CLUSTER2)!);
    await until('synced', () => cache.watch().state === 'synced');
    const heard: string[][] = [];
    const unsubscribe = cache.subscribe((change) => heard.push(change.kinds));
    const meshConfig = () => {
      const cms = cache.configMaps();
      return cms.ok ? (cms.items.find((c) => c.metadata?.name === 'istio')?.data?.mesh ?? '') : '';
    };
    try {
      lab.applyFault({ type: 'trust-domain', cluster: 'cluster2', trustDomain: 'other.example' });
      await until('the new mesh config', () => meshConfig().includes('other.example'));
      scaleSleep(2);
      await until('the new sleep pod', () => sleepPods().length === 2);
      expect(heard.flat()).toContain('pods');
      expect(heard.flat().filter((k) => k !== 'pods')).toEqual([]);
    } finally {
      unsubscribe();
      lab.applyFault({ type: 'trust-domain', cluster: 'cluster2', trustDomain: null });
      scaleSleep(1);
    }
    await until('the mesh config back', () => !meshConfig().includes('other.example'));
  });

  it('a snapshot says the cluster unreadable while its Istio ConfigMaps watch fails for a cluster-wide reason, and readable once it recovers', async () => {
    const cache = clusterCache(registry.get(CLUSTER2)!);
    await until('synced', () => cache.watch().state === 'synced');
    expect(cache.snapshot(null).reachable).toBe(true);
    // As after an outage: the graph's kinds are back, the ConfigMaps watch still waits out its backoff.
    const refused = { kind: 'unreachable' as const, source: cache.istioConfigMaps.kind.name, message: `${CLUSTER2}: API server refused the connection` };
    cache.istioConfigMaps.error = refused;
    try {
      expect(cache.snapshot(null)).toMatchObject({ reachable: false, errors: [refused] });
    } finally {
      cache.istioConfigMaps.error = null;
    }
    expect(cache.snapshot(null)).toMatchObject({ reachable: true, errors: [] });
  });

  it('pods forbidden (list and watch): the open watch ends, the relist is refused, no pod is served and reads say forbidden', async () => {
    const cache = clusterCache(registry.get(CLUSTER2)!);
    await until('synced', () => cache.watch().state === 'synced');
    expect(cache.pods.items.size).toBeGreaterThan(0);
    const rules = ['list', 'watch'].map((verb) => ({ type: 'forbid', cluster: 'cluster2', user: '*', verb, resource: 'pods' }) as const);
    try {
      for (const r of rules) lab.applyFault({ ...r, on: true });
      await until('pods dropped', () => cache.pods.items.size === 0 && cache.pods.error?.kind === 'forbidden');
      const [snapshot] = await getSnapshots(registry, [registry.get(CLUSTER2)!]);
      expect(snapshot.pods).toEqual([]);
      expect(snapshot.errors.map((e) => [e.source, e.kind])).toContainEqual(['pods', 'forbidden']);
    } finally {
      for (const r of rules) lab.applyFault({ ...r, on: false });
    }
    await until('pods back', () => cache.pods.synced && cache.pods.items.size > 0, 15_000);
  });

  it('serves a cluster added to the kubeconfig file and drops a removed one, without a restart', async () => {
    const full = YAML.parse(lab.kubeconfig) as { contexts: Array<{ name: string }> };
    const file = path.join(dir, 'live-kubeconfig');
    const write = (contexts: string[], mtime: number) => {
      fs.writeFileSync(file, YAML.stringify({ ...full, contexts: full.contexts.filter((c) => contexts.includes(c.name)) }), { mode: 0o600 });
      fs.utimesSync(file, new Date(mtime), new Date(mtime));
    };
    const env = { ISTHMUS_KUBECONFIG: file, ISTHMUS_DEADLINE_MS: '3000' };
    const t = Date.now();
    write([CLUSTER1], t - 20_000);
    expect(getRegistry(env).clusters.map((c) => c.name)).toEqual([CLUSTER1]);

    write([CLUSTER1, CLUSTER2], t - 10_000);
    const grown = getRegistry(env);
    const snapshots = await getSnapshots(grown);
    expect(snapshots.map((s) => [s.cluster, s.syncing ?? false, s.errors])).toEqual([
      [CLUSTER1, false, []],
      [CLUSTER2, false, []],
    ]);
    expect(snapshots[1].pods.length).toBeGreaterThan(0);

    // Every watch is open once each kind has had a bookmark (every 200 ms) since its list.
    const removedCache = clusterCache(grown.get(CLUSTER2)!);
    const listedAt = Date.now();
    await until('bookmarks on every watch', () => [removedCache.namespaces, removedCache.pods, removedCache.services].every((i) => i.lastEventAt! > listedAt + 50));
    const watchesClosed = () => lab.requestLog().filter((r) => r.cluster === 'cluster2' && r.path.includes('watch=') && r.user).length;
    const before = watchesClosed();
    const removed = grown.get(CLUSTER2)!;
    write([CLUSTER1], t);
    const shrunk = getRegistry(env);
    expect(shrunk.clusters.map((c) => c.name)).toEqual([CLUSTER1]);
    expect(shrunk.get(CLUSTER1)).toBe(grown.get(CLUSTER1)); // unchanged: its cache carries on
    expect(removed.state.cache).toBeNull();
    // The removed cluster's three watches (namespaces, pods, services) were closed: the lab logs a request when it ends.
    await until('its watches closed', () => watchesClosed() >= before + 3);
  });
});
