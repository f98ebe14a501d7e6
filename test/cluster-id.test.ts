/**
 * Clusters named by their Istio cluster ID as well as their kubeconfig context, in every route that
 * takes a cluster (istioctl output, alerts and people name clusters by ID).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { createWorld, loadScenario } from '@/lab/model';
import type { EndpointsResponse, MeshResponse, PodsResponse } from '@/lib/types/api';
import { GET as checksGET } from '@/app/api/checks/route';
import { GET as meshGET } from '@/app/api/mesh/route';
import { GET as proxyStatusGET } from '@/app/api/mesh/proxy-status/route';
import { GET as remoteClustersGET } from '@/app/api/mesh/remote-clusters/route';
import { GET as podsGET } from '@/app/api/clusters/[cluster]/pods/route';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import { apiRequest, CLUSTER2, DEADLINE_MS, params, startSeedLab, stopLab } from './api-helpers';

const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';

const pods = (cluster: string) => podsGET(apiRequest(`/api/clusters/${encodeURIComponent(cluster)}/pods`), params({ cluster }));
const endpoints = (cluster: string, query = '') =>
  endpointsGET(apiRequest(`/api/clusters/${encodeURIComponent(cluster)}/namespaces/default/pods/${RATINGS}/endpoints${query}`), params({ cluster, ns: 'default', pod: RATINGS }));

describe('a cluster by its Istio cluster ID', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startSeedLab();
  });
  afterAll(() => stopLab(lab));

  it('pods and endpoints answer for the ID as for the context, naming the context', async () => {
    const byId = (await (await pods('cluster2')).json()) as PodsResponse;
    const byContext = (await (await pods(CLUSTER2)).json()) as PodsResponse;
    expect(byId.cluster).toBe(CLUSTER2);
    expect(byId.pods.map((p) => p.name)).toEqual(byContext.pods.map((p) => p.name));

    const rows = (await (await endpoints('cluster2')).json()) as EndpointsResponse;
    expect(rows.cluster).toBe(CLUSTER2);
    expect(rows.rows.map((r) => r.endpoint)).toContain('192.168.179.215:9080');
    expect(await (await endpoints('cluster2', '?output=table')).text()).toBe(await (await endpoints(CLUSTER2, '?output=table')).text());
  });

  it('the mesh views and the checks take ?cluster=<ID>', async () => {
    const mesh = (await (await meshGET(apiRequest('/api/mesh?cluster=cluster2'))).json()) as MeshResponse;
    expect(mesh.clusters.map((c) => [c.cluster, c.clusterId])).toEqual([[CLUSTER2, 'cluster2']]);
    const table = async (route: typeof proxyStatusGET, view: string, cluster: string) => (await route(apiRequest(`/api/mesh/${view}?cluster=${encodeURIComponent(cluster)}&output=table`))).text();
    expect(await table(proxyStatusGET, 'proxy-status', 'cluster2')).toBe(await table(proxyStatusGET, 'proxy-status', CLUSTER2));
    expect(await table(remoteClustersGET, 'remote-clusters', 'cluster2')).toMatch(/^NAME +SECRET +STATUS +ISTIOD\ncluster1 /);
    const checks = await checksGET(apiRequest('/api/checks?cluster=cluster2'));
    expect(checks.status).toBe(200);
    const body = (await checks.json()) as { findings: Array<{ cluster: string }> };
    expect(body.findings.every((f) => f.cluster === CLUSTER2)).toBe(true);
  });

  it('an unknown name is a 400 that says it is neither a context nor a cluster ID', async () => {
    for (const res of [await pods('cluster9'), await endpoints('cluster9'), await meshGET(apiRequest('/api/mesh?cluster=cluster9'))]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { kind: 'invalid', message: 'unknown cluster "cluster9": neither a configured context nor the Istio cluster ID of one' } });
    }
  });
});

describe('a context named like another cluster’s ID', () => {
  let lab: Lab;
  beforeAll(async () => {
    // cluster1's context is called "cluster2": the name means that context, not cluster2's ID.
    const seed = loadScenario(path.resolve(__dirname, '../lab/scenarios/seed.yaml'));
    const scenario = { ...seed, clusters: seed.clusters.map((c) => (c.id === 'cluster1' ? { ...c, context: 'cluster2' } : c)) };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-clash-'));
    lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig'), world: createWorld(scenario) });
    process.env.ISTHMUS_KUBECONFIG = lab.kubeconfigPath;
    process.env.ISTHMUS_CONTEXTS = '';
    process.env.ISTHMUS_DEADLINE_MS = String(DEADLINE_MS);
    process.env.ISTHMUS_CACHE_MS = '0';
  });
  afterAll(() => stopLab(lab));

  it('the context wins', async () => {
    const body = (await (await pods('cluster2')).json()) as PodsResponse;
    expect(body.cluster).toBe('cluster2');
    expect(body.pods.map((p) => p.name)).toContain('sleep-7656cf8794-qmx9p'); // cluster1's
    const mesh = (await (await meshGET(apiRequest('/api/mesh?cluster=cluster2'))).json()) as MeshResponse;
    expect(mesh.clusters.map((c) => [c.cluster, c.clusterId])).toEqual([['cluster2', 'cluster1']]);
  });
});
