/**
 * Faults against the seed lab: a cluster down, slow, forbidden to port-forward, an istiod answering
 * garbage, an east-west gateway without an address. Each check sees the fault as a fresh page load.
 */
import { describe, expect, it } from 'vitest';
import type { EndpointsResponse, MeshResponse } from '@/lib/types/api';
import { GET as meshGET } from '@/app/api/mesh/route';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import { GET as podsGET } from '@/app/api/clusters/[cluster]/pods/route';
import { GET as remoteClustersGET } from '@/app/api/mesh/remote-clusters/route';
import { apiRequest, CLUSTER1, CLUSTER2, DEADLINE_MS, freshState, params, seedLabWithFaults, clusterErrors } from './api-helpers';

const seed = seedLabWithFaults();
const fault = seed.fault;

async function timedMesh(): Promise<{ ms: number; mesh: MeshResponse; status: number }> {
  const started = Date.now();
  const res = await meshGET();
  const mesh = (await res.json()) as MeshResponse;
  return { ms: Date.now() - started, mesh, status: res.status };
}

function expectCluster1Complete(mesh: MeshResponse) {
  const c1 = mesh.clusters.find((c) => c.cluster === CLUSTER1)!;
  expect(c1).toMatchObject({ ok: true, errors: [], clusterId: 'cluster1' });
  expect(c1.remoteClusters.map((r) => r.name)).toEqual(['cluster2']);
  expect(c1.gateways.map((g) => g.name)).toEqual(['istio-eastwestgateway', 'istio-ingressgateway']);
}

describe('faults', () => {
  it('cluster2 API down: answers within the deadline, cluster1 complete, cluster2 unreachable', async () => {
    fault({ type: 'api-down', cluster: 'cluster2', down: true }, { type: 'api-down', cluster: 'cluster2', down: false });
    const { ms, mesh, status } = await timedMesh();
    expect(status).toBe(200);
    expect(ms).toBeLessThan(DEADLINE_MS + 1000);
    expectCluster1Complete(mesh);
    const c2 = mesh.clusters.find((c) => c.cluster === CLUSTER2)!;
    expect(c2.ok).toBe(false);
    expect(c2.errors[0]?.kind).toBe('unreachable');
    expect(c2.errors[0]?.message).toMatch(/^cluster2-admin@cluster2: API server https:\/\/127\.0\.0\.1:\d+ refused the connection$/);
  });

  it('a slow cluster times out at the deadline (plus a small margin) while the other completes', async () => {
    fault({ type: 'api-latency', cluster: 'cluster2', ms: DEADLINE_MS * 4 }, { type: 'api-latency', cluster: 'cluster2', ms: 0 });
    const { ms, mesh } = await timedMesh();
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(ms).toBeLessThan(DEADLINE_MS + 1000);
    expectCluster1Complete(mesh);
    const c2 = mesh.clusters.find((c) => c.cluster === CLUSTER2)!;
    expect(c2.errors[0]?.kind).toBe('timeout');
  });

  it('endpoints of a pod in a slow cluster answer within one deadline (Envoy and inventories read together)', async () => {
    // The pod check and the forward are one after the other (never a forward to a pod that does not
    // exist); the inventories are read alongside: three slow reads in a row would not fit, two do.
    fault({ type: 'api-latency', cluster: 'cluster2', ms: Math.round(DEADLINE_MS * 0.4) }, { type: 'api-latency', cluster: 'cluster2', ms: 0 });
    const pod = 'ratings-v1-6484c4d9bb-25cnf';
    const started = Date.now();
    const res = await endpointsGET(
      apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${pod}/endpoints`),
      params({ cluster: CLUSTER2, ns: 'default', pod }),
    );
    const body = (await res.json()) as EndpointsResponse;
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 400);
    expect(res.status).toBe(200);
    expect(body.rows.length + clusterErrors(body.clusters).length).toBeGreaterThan(0);
  });

  it('one-cluster routes do not wait for a slow other cluster', async () => {
    fault({ type: 'api-latency', cluster: 'cluster2', ms: DEADLINE_MS * 4 }, { type: 'api-latency', cluster: 'cluster2', ms: 0 });
    let started = Date.now();
    const pods = await podsGET(apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER1)}/pods`), params({ cluster: CLUSTER1 }));
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS / 2);
    expect(pods.status).toBe(200);
    started = Date.now();
    const table = await remoteClustersGET(apiRequest(`/api/mesh/remote-clusters?output=table&cluster=${encodeURIComponent(CLUSTER1)}`));
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS / 2);
    expect(await table.text()).toMatch(/^NAME +SECRET +STATUS +ISTIOD\ncluster2 /);
  });

  it("a pod's endpoints in a healthy cluster never wait for a slow other cluster, which is marked not ok (its addresses unresolved)", async () => {
    fault({ type: 'api-latency', cluster: 'cluster2', ms: DEADLINE_MS * 4 }, { type: 'api-latency', cluster: 'cluster2', ms: 0 });
    const pod = seed.lab.world
      .list('cluster1', { group: '', version: 'v1', resource: 'pods' } as never, 'default')
      .map((p) => (p as { metadata: { name: string } }).metadata.name)
      .find((n) => n.startsWith('productpage-v1-'))!;
    const read = async () => {
      const started = Date.now();
      const res = await endpointsGET(
        apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER1)}/namespaces/default/pods/${pod}/endpoints`),
        params({ cluster: CLUSTER1, ns: 'default', pod }),
      );
      expect(res.status).toBe(200);
      return { ms: Date.now() - started, body: (await res.json()) as EndpointsResponse };
    };
    // Waiting for cluster2 would take its whole deadline (its API answers 4 deadlines late).
    const cold = await read();
    expect(cold.ms).toBeLessThan(DEADLINE_MS);
    const { body } = await read();
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.clusters.map((c) => [c.cluster, c.ok])).toEqual([
      [CLUSTER1, true],
      [CLUSTER2, false],
    ]);
    expect(body.clusters[1].errors[0]).toMatchObject({ kind: 'timeout', message: expect.stringContaining('still syncing') });
  });

  it('403 on pods/portforward: forbidden on the istiod sources only, Kubernetes data still shown', async () => {
    fault(
      { type: 'forbid', cluster: 'cluster1', user: '*', verb: '*', resource: 'pods/portforward', on: true },
      { type: 'forbid', cluster: 'cluster1', user: '*', verb: '*', resource: 'pods/portforward', on: false },
    );
    const { mesh, status } = await timedMesh();
    expect(status).toBe(200);
    const c1 = mesh.clusters.find((c) => c.cluster === CLUSTER1)!;
    expect(c1.ok).toBe(true);
    expect(c1.gateways).toHaveLength(2);
    expect(c1.istiod.map((i) => i.pod)).toEqual(['istiod-6696b6844d-cwj44']);
    expect(c1.remoteClusters).toEqual([]);
    expect(c1.proxySync).toBeNull();
    expect(c1.errors.map((e) => [e.kind, e.source])).toEqual([
      ['forbidden', 'istiod istiod-6696b6844d-cwj44 /debug/clusterz'],
      ['forbidden', 'istiod istiod-6696b6844d-cwj44 /debug/syncz'],
    ]);
    // cluster2 is untouched.
    expect(mesh.clusters.find((c) => c.cluster === CLUSTER2)!.errors).toEqual([]);
  });

  it('malformed istiod JSON: bad-response for that source, no 500', async () => {
    fault({ type: 'istiod-malformed', cluster: 'cluster2', on: true }, { type: 'istiod-malformed', cluster: 'cluster2', on: false });
    const { mesh, status } = await timedMesh();
    expect(status).toBe(200);
    const c2 = mesh.clusters.find((c) => c.cluster === CLUSTER2)!;
    expect(c2.ok).toBe(true);
    expect(c2.gateways).toHaveLength(2);
    expect(c2.errors.length).toBeGreaterThan(0);
    expect(c2.errors.every((e) => e.kind === 'bad-response' && e.source.startsWith('istiod istiod-6c4d88c6d7-wpzz8'))).toBe(true);
    expectCluster1Complete(mesh);
  });

  it('pending east-west IP: the gateway shows pending and remote endpoints arrive as raw pod IPs', async () => {
    fault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true }, { type: 'eastwest-pending', cluster: 'cluster1', pending: false });
    const { mesh } = await timedMesh();
    const ew = mesh.clusters.find((c) => c.cluster === CLUSTER1)!.gateways.find((g) => g.role === 'eastwest')!;
    expect(ew).toMatchObject({ pending: true, externalIPs: [], hostname: null });

    const pod = 'ratings-v1-6484c4d9bb-25cnf';
    const cluster = 'outbound|9080||productpage.default.svc.cluster.local';
    const res = await endpointsGET(
      apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${pod}/endpoints?cluster=${encodeURIComponent(cluster)}`),
      params({ cluster: CLUSTER2, ns: 'default', pod }),
    );
    const body = (await res.json()) as EndpointsResponse;
    expect(clusterErrors(body.clusters)).toEqual([]);
    expect(body.rows.length).toBeGreaterThan(0);
    for (const row of body.rows) {
      expect(row.endpoint).not.toBe('172.40.143.182:15443');
      expect(row.target).toMatchObject({ kind: 'pod', cluster: CLUSTER1, namespace: 'default', network: 'network1', crossNetwork: true });
      expect((row.target as { name: string }).name).toMatch(/^productpage-v1-/);
    }
  });

  it('istiod not ready: it is still asked (as istioctl asks every running replica) and says its remote is syncing', async () => {
    fault({ type: 'istiod-not-ready', cluster: 'cluster1', on: true }, { type: 'istiod-not-ready', cluster: 'cluster1', on: false });
    const { mesh } = await timedMesh();
    const c1 = mesh.clusters.find((c) => c.cluster === CLUSTER1)!;
    expect(c1.istiod).toEqual([expect.objectContaining({ pod: 'istiod-6696b6844d-cwj44', ready: false })]);
    expect(c1.remoteClusters.find((r) => r.name === 'cluster2')).toMatchObject({ status: 'syncing', istiod: 'istiod-6696b6844d-cwj44' });
  });

  it('endpoints of a made-up pod answer 404, and of a pod without Envoy an error, without any port-forward', async () => {
    // Forwards to the asked pods' Envoy admin port (the route also asks istiod for its networkz).
    const forwards = () => seed.lab.requestLog().filter((r) => r.path.includes('/portforward') && r.path.includes('15000')).length;
    const before = forwards();
    for (let i = 0; i < 20; i++) {
      const pod = `made-up-${i}`;
      const res = await endpointsGET(apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${pod}/endpoints`), params({ cluster: CLUSTER2, ns: 'default', pod }));
      expect(res.status).toBe(404);
    }
    const istiod = 'istiod-6c4d88c6d7-wpzz8';
    const res = await endpointsGET(apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/istio-system/pods/${istiod}/endpoints`), params({ cluster: CLUSTER2, ns: 'istio-system', pod: istiod }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as EndpointsResponse).noEnvoy).toMatch(/no istio-proxy container/);
    expect(forwards()).toBe(before);
  });

  it('after all the faults, the lab still saw only GETs', () => {
    expect(seed.lab.requestLog().filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
