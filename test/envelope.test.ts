/**
 * One result envelope on every route: every JSON route of app/api is visited on the seed lab with
 * cluster2's API server down, and every answer must carry `clusters: ClusterStatus[]` with cluster2
 * `ok: false` and a typed error, cluster1 ok, and none of the per-route shapes it replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterStatus, PodsResponse, SourceErrorKind } from '@/lib/types/api';
import { GET as checksGET } from '@/app/api/checks/route';
import { GET as clustersGET } from '@/app/api/clusters/route';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import { GET as podsGET } from '@/app/api/clusters/[cluster]/pods/route';
import { GET as meshGET } from '@/app/api/mesh/route';
import { GET as proxyStatusGET } from '@/app/api/mesh/proxy-status/route';
import { GET as remoteClustersGET } from '@/app/api/mesh/remote-clusters/route';
import { GET as topologyGET } from '@/app/api/topology/route';
import { GET as traceGET } from '@/app/api/trace/route';
import { GET as trafficGET } from '@/app/api/traffic/route';
import { GET as trafficHistoryGET } from '@/app/api/traffic/history/route';
import { GET as trafficLatencyGET } from '@/app/api/traffic/latency/route';
import { GET as istiodHistoryGET } from '@/app/api/traffic/istiod/route';
import { apiRequest, CLUSTER1, CLUSTER2, params, seedLabWithFaults } from './api-helpers';

const KINDS: SourceErrorKind[] = ['unreachable', 'timeout', 'unauthorized', 'forbidden', 'tls', 'not-found', 'bad-response', 'internal', 'config'];

/** Routes that read no cluster (names from the kubeconfig, the sign-in state) or stream events. */
const WITHOUT_ENVELOPE = ['contexts', 'session', 'events'];

/** Every route file under app/api, as its URL path ("clusters/[cluster]/pods"). */
function apiRoutes(dir = path.resolve('app/api'), prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isFile() && e.name === 'route.ts') return [prefix.slice(0, -1)];
    return e.isDirectory() ? apiRoutes(path.join(dir, e.name), `${prefix}${e.name}/`) : [];
  });
}

const seed = seedLabWithFaults(undefined, { prometheus: { scrapeIntervalS: 1 } });

/** The envelope of one answer, checked field by field; returns cluster → ok. */
function envelope(route: string, body: Record<string, unknown>): Record<string, boolean> {
  expect(body, route).not.toHaveProperty('errors');
  expect(body, route).not.toHaveProperty('error');
  expect(Array.isArray(body.clusters), `${route}: clusters[]`).toBe(true);
  const okByCluster: Record<string, boolean> = {};
  for (const entry of body.clusters as Array<ClusterStatus & Record<string, unknown>>) {
    const where = `${route} ${entry.cluster}`;
    expect(typeof entry.cluster, where).toBe('string');
    expect(entry.clusterId === null || typeof entry.clusterId === 'string', where).toBe(true);
    expect(typeof entry.ok, where).toBe('boolean');
    expect(Number.isNaN(Date.parse(entry.fetchedAt)), where).toBe(false);
    // The shapes the envelope replaced are gone.
    for (const old of ['error', 'reachable', 'name', 'unreadable']) expect(entry, where).not.toHaveProperty(old);
    for (const e of entry.errors) {
      expect(KINDS, `${where}: ${JSON.stringify(e)}`).toContain(e.kind);
      expect(e.message.startsWith(`${entry.cluster}:`), `${where}: ${e.message}`).toBe(true);
      expect(typeof e.source, where).toBe('string');
    }
    if (!entry.ok) expect(entry.errors.length, `${where}: not ok says why`).toBeGreaterThan(0);
    okByCluster[entry.cluster] = entry.ok;
  }
  return okByCluster;
}

describe('one result envelope on every route', () => {
  it('cluster2 down: every JSON route says cluster2 not ok with a typed error, cluster1 ok', async () => {
    // cluster1's pods first, while both clusters answer: the pod the per-pod routes are asked about.
    const pods = (await (await podsGET(apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER1)}/pods`), params({ cluster: CLUSTER1 }))).json()) as PodsResponse;
    const productpage = pods.pods.find((p) => p.workload.name === 'productpage' && p.hasSidecar && p.ready)!;
    expect(productpage).toBeDefined();
    seed.fault({ type: 'api-down', cluster: 'cluster2', down: true }, { type: 'api-down', cluster: 'cluster2', down: false });

    const c1 = encodeURIComponent(CLUSTER1);
    const c2 = encodeURIComponent(CLUSTER2);
    const podPath = `/api/clusters/${c1}/namespaces/default/pods/${productpage.name}/endpoints`;
    const visits: Array<[route: string, call: () => Promise<Response>, expected: Record<string, boolean>]> = [
      ['clusters', () => clustersGET(), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['mesh', () => meshGET(apiRequest('/api/mesh')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['mesh', () => meshGET(apiRequest(`/api/mesh?cluster=${c2}`)), { [CLUSTER2]: false }],
      ['mesh/remote-clusters', () => remoteClustersGET(apiRequest('/api/mesh/remote-clusters')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['mesh/proxy-status', () => proxyStatusGET(apiRequest('/api/mesh/proxy-status')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['topology', () => topologyGET(apiRequest('/api/topology')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['topology', () => topologyGET(apiRequest('/api/topology?level=clusters')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['clusters/[cluster]/pods', () => podsGET(apiRequest(`/api/clusters/${c1}/pods`), params({ cluster: CLUSTER1 })), { [CLUSTER1]: true }],
      ['clusters/[cluster]/pods', () => podsGET(apiRequest(`/api/clusters/${c2}/pods`), params({ cluster: CLUSTER2 })), { [CLUSTER2]: false }],
      [
        'clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints',
        () => endpointsGET(apiRequest(podPath), params({ cluster: CLUSTER1, ns: 'default', pod: productpage.name })),
        { [CLUSTER1]: true, [CLUSTER2]: false },
      ],
      ['checks', () => checksGET(apiRequest('/api/checks')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['trace', () => traceGET(apiRequest(`/api/trace?from=${c1}/default/${productpage.name}&to=reviews:9080`)), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['traffic', () => trafficGET(apiRequest('/api/traffic')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      ['traffic/latency', () => trafficLatencyGET(apiRequest('/api/traffic/latency')), { [CLUSTER1]: true, [CLUSTER2]: false }],
      [
        'traffic/history',
        // A pod's history asks its own cluster's Prometheus only.
        () => trafficHistoryGET(apiRequest(`/api/traffic/history?scope=pod&cluster=${c1}&namespace=default&name=${productpage.name}`)),
        { [CLUSTER1]: true },
      ],
      ['traffic/istiod', () => istiodHistoryGET(apiRequest('/api/traffic/istiod')), { [CLUSTER1]: true, [CLUSTER2]: false }],
    ];
    // Every JSON route that reads clusters is visited: a new route must join the tour.
    expect(new Set(visits.map(([route]) => route))).toEqual(new Set(apiRoutes().filter((r) => !WITHOUT_ENVELOPE.includes(r))));

    const answers = await Promise.all(visits.map(async ([route, call]) => [route, await call()] as const));
    for (const [i, [route, res]] of answers.entries()) {
      expect(res.status, route).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(envelope(route, body), `${route}: ${JSON.stringify(body.clusters)}`).toEqual(visits[i][2]);
      const down = (body.clusters as ClusterStatus[]).find((c) => c.cluster === CLUSTER2);
      if (down) expect(['unreachable', 'timeout'], route).toContain(down.errors[0].kind);
    }
  });
});
