/**
 * Never silent where it matters (issue 8), against the seed lab: Envoy clusters without endpoints, the
 * cluster each error belongs to, a 403 on port-forward, pods without an Envoy, and what an address is
 * (Envoy admin, istio-agent, a cluster's API server dialled across networks).
 */
import { describe, expect, it } from 'vitest';
import type { EndpointsResponse } from '@/lib/types/api';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import { apiRequest, CLUSTER1, CLUSTER2, freshState, params, seedLabWithFaults, clusterErrors } from './api-helpers';

const PRODUCTPAGE = { cluster: CLUSTER1, ns: 'default', pod: '' };
const RATINGS = { cluster: CLUSTER2, ns: 'default', pod: 'ratings-v1-6484c4d9bb-25cnf' };
const RATINGS_CLUSTER = 'outbound|9080||ratings.default.svc.cluster.local';

const seed = seedLabWithFaults((lab) => {
  PRODUCTPAGE.pod = lab.world.list('cluster1', { group: '', version: 'v1', resource: 'pods' } as never, 'default')
    .map((p) => (p as { metadata: { name: string } }).metadata.name)
    .find((n) => n.startsWith('productpage-v1-'))!;
});
const fault = seed.fault;

async function endpoints({ cluster, ns, pod }: { cluster: string; ns: string; pod: string }, query = ''): Promise<Response> {
  return endpointsGET(apiRequest(`/api/clusters/${encodeURIComponent(cluster)}/namespaces/${ns}/pods/${pod}/endpoints${query}`), params({ cluster, ns, pod }));
}
const json = async (target: { cluster: string; ns: string; pod: string }, query = '') => (await (await endpoints(target, query)).json()) as EndpointsResponse;

describe('never silent', () => {
  it('an Envoy cluster with zero endpoints is listed in the JSON (and the istioctl table still omits it)', async () => {
    // cluster1's istiod no longer reads cluster2: ratings (only in cluster2) keeps its Envoy cluster, without endpoints.
    fault({ type: 'remote-sync', cluster: 'cluster1', remote: 'cluster2', status: 'timeout' }, { type: 'remote-sync', cluster: 'cluster1', remote: 'cluster2', status: 'synced' });
    const body = await json(PRODUCTPAGE);
    expect(body.emptyClusters).toContain(RATINGS_CLUSTER);
    expect(body.rows.some((r) => r.cluster === RATINGS_CLUSTER)).toBe(false);
    // Filtered to that Envoy cluster: the empty cluster is still there, so the page does not say "no match".
    expect((await json(PRODUCTPAGE, `?cluster=${encodeURIComponent(RATINGS_CLUSTER)}`)).emptyClusters).toEqual([RATINGS_CLUSTER]);
    expect((await json(PRODUCTPAGE, '?port=9080')).emptyClusters).toEqual([]);
    const table = await (await endpoints(PRODUCTPAGE, '?output=table')).text();
    expect(table).not.toContain('ratings.default');
  });

  it('each error names its own cluster: cluster2 down does not read as the cluster1 pod failing', async () => {
    fault({ type: 'api-down', cluster: 'cluster2', down: true }, { type: 'api-down', cluster: 'cluster2', down: false });
    const body = await json(PRODUCTPAGE);
    expect(body.rows.length).toBeGreaterThan(0);
    expect(clusterErrors(body.clusters).map((e) => [e.cluster, e.kind])).toEqual([[CLUSTER2, 'unreachable']]);
  });

  it('a 403 on pods/portforward names the missing permission and says retrying will not help', async () => {
    fault(
      { type: 'forbid', cluster: 'cluster1', user: '*', verb: '*', resource: 'pods/portforward', on: true },
      { type: 'forbid', cluster: 'cluster1', user: '*', verb: '*', resource: 'pods/portforward', on: false },
    );
    const body = await json(PRODUCTPAGE);
    // The pod's cluster gave nothing (no Envoy answer), and says why; cluster2 is listed beside it.
    expect(body.clusters.map((c) => c.cluster)).toEqual([CLUSTER1, CLUSTER2]);
    expect(body.clusters[0]).toMatchObject({ ok: false });
    expect(body.clusters[0].errors).toEqual([
      {
        kind: 'forbidden',
        source: `Envoy admin of default/${PRODUCTPAGE.pod} /clusters`,
        message: `${CLUSTER1}: port-forward denied (403): the credentials lack "create" on "pods/portforward" in namespace "default"; retrying will not help until RBAC grants it`,
      },
    ]);
  });

  it('a Pending pod and a pod without a sidecar say they have no Envoy, not that nothing accepted the connection', async () => {
    const pending = await json({ cluster: CLUSTER2, ns: 'default', pod: 'loki-0' });
    expect(pending).toMatchObject({ noEnvoy: 'pod Pending: no Envoy yet', rows: [] });
    expect(clusterErrors(pending.clusters)).toEqual([]);
    const istiod = await json({ cluster: CLUSTER1, ns: 'istio-system', pod: 'istiod-6696b6844d-cwj44' });
    expect(istiod.noEnvoy).toBe('no istio-proxy container: this pod is not in the mesh, so it has no Envoy to ask');
    expect(clusterErrors(istiod.clusters)).toEqual([]);
  });

  it("names 127.0.0.1:15000/15020 and the API servers, and flags another network's API server dialled directly", async () => {
    fault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true }, { type: 'eastwest-pending', cluster: 'cluster1', pending: false });
    const body = await json(RATINGS);
    const target = (endpoint: string) => body.rows.find((r) => r.endpoint === endpoint)?.target;
    expect(target('127.0.0.1:15000')).toEqual({ kind: 'local', name: 'Envoy admin' });
    expect(target('127.0.0.1:15020')).toEqual({ kind: 'local', name: 'istio-agent' });
    const apiRows = body.rows.filter((r) => r.cluster === 'outbound|443||kubernetes.default.svc.cluster.local');
    expect(apiRows.map((r) => r.target)).toEqual([
      { kind: 'apiserver', cluster: CLUSTER1, network: 'network1', crossNetwork: true },
      { kind: 'apiserver', cluster: CLUSTER2, network: 'network2', crossNetwork: false },
    ]);
  });
});
