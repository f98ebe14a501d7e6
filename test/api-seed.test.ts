/**
 * The JSON API against the lab's seed scenario (the talk's mesh): what `istioctl remote-clusters`,
 * `kubectl get svc -n istio-system` and `istioctl proxy-config endpoints` showed in the talk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '@/lab/index';
import type { ClustersResponse, EndpointsResponse, MeshResponse, PodsResponse, TopologyResponse } from '@/lib/types/api';
import { GET as clustersGET } from '@/app/api/clusters/route';
import { GET as contextsGET } from '@/app/api/contexts/route';
import { GET as meshGET } from '@/app/api/mesh/route';
import { GET as remoteClustersGET } from '@/app/api/mesh/remote-clusters/route';
import { GET as proxyStatusGET } from '@/app/api/mesh/proxy-status/route';
import { GET as topologyGET } from '@/app/api/topology/route';
import { GET as podsGET } from '@/app/api/clusters/[cluster]/pods/route';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import { apiRequest, CLUSTER1, CLUSTER2, freshState, params, startSeedLab, stopLab, clusterErrors } from './api-helpers';

let lab: Lab;
beforeAll(async () => {
  lab = await startSeedLab();
});
afterAll(() => stopLab(lab));

const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';

function endpoints(query = '', pod = RATINGS, ns = 'default', cluster = CLUSTER2) {
  return endpointsGET(apiRequest(`/api/clusters/${encodeURIComponent(cluster)}/namespaces/${ns}/pods/${pod}/endpoints${query}`), params({ cluster, ns, pod }));
}

describe('GET /api/contexts', () => {
  it('names the configured clusters, in kubeconfig order, without a request to any of them', async () => {
    const before = lab.requestLog().length;
    const res = await contextsGET();
    expect(await res.json()).toEqual({ contexts: [CLUSTER1, CLUSTER2], demo: false });
    expect(lab.requestLog().length).toBe(before);
  });
});

describe('GET /api/clusters', () => {
  it('lists both contexts with their Istio cluster IDs and Kubernetes versions', async () => {
    const res = await clustersGET();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as ClustersResponse;
    expect(body.clusters.map((c) => [c.cluster, c.clusterId, c.ok, c.kubernetesVersion, c.errors[0] ?? null])).toEqual([
      [CLUSTER1, 'cluster1', true, 'v1.29.4', null],
      [CLUSTER2, 'cluster2', true, 'v1.29.4', null],
    ]);
    expect(body.clusters[0].server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('GET /api/mesh', () => {
  let mesh: MeshResponse;
  beforeAll(async () => {
    freshState();
    const res = await meshGET();
    expect(res.status).toBe(200);
    mesh = (await res.json()) as MeshResponse;
  });

  it('holds the talk’s istioctl remote-clusters rows for both clusters', () => {
    const [c1, c2] = mesh.clusters;
    // istiod 1.21 lists the clusters of its remote secrets only (its own cluster from 1.22 on).
    const remoteRows = (rows: MeshResponse['clusters'][number]['remoteClusters']) => rows.map((r) => [r.name, r.secret, r.status, r.istiod]);
    expect(remoteRows(c1.remoteClusters)).toEqual([['cluster2', 'istio-system/istio-remote-secret-cluster2', 'synced', 'istiod-6696b6844d-cwj44']]);
    expect(remoteRows(c2.remoteClusters)).toEqual([['cluster1', 'istio-system/istio-remote-secret-cluster1', 'synced', 'istiod-6c4d88c6d7-wpzz8']]);
  });

  it('holds the talk’s istio-system gateway Services with their IPs and ports', () => {
    const services = (i: number) => mesh.clusters[i].gateways.map((g) => [g.name, g.role, g.type, g.clusterIP, g.externalIPs, g.pending, g.ports]);
    expect(services(0)).toEqual([
      ['istio-eastwestgateway', 'eastwest', 'LoadBalancer', '10.100.159.133', ['172.40.143.182'], false, ['15021:31046/TCP', '15443:32163/TCP', '15012:30919/TCP', '15017:32420/TCP']],
      ['istio-ingressgateway', 'ingress', 'LoadBalancer', '10.102.23.142', ['172.40.143.181'], false, ['15021:31555/TCP', '80:30553/TCP', '443:32092/TCP']],
    ]);
    expect(services(1)).toEqual([
      ['istio-eastwestgateway', 'eastwest', 'LoadBalancer', '10.96.31.100', ['172.40.143.192'], false, ['15021:31590/TCP', '15443:31841/TCP', '15012:31272/TCP', '15017:32063/TCP']],
      ['istio-ingressgateway', 'ingress', 'LoadBalancer', '10.108.147.230', ['172.40.143.191'], false, ['15021:32147/TCP', '80:31216/TCP', '443:32293/TCP']],
    ]);
  });

  it('reads istiod, mesh ID, networks, trust domain, one shared root and proxy sync', () => {
    const [c1, c2] = mesh.clusters;
    expect(c1).toMatchObject({ ok: true, errors: [], clusterId: 'cluster1', network: 'network1', meshId: 'mesh1', trustDomain: 'cluster.local' });
    expect(c2).toMatchObject({ ok: true, errors: [], clusterId: 'cluster2', network: 'network2' });
    expect(c1.istiod).toEqual([{ pod: 'istiod-6696b6844d-cwj44', namespace: 'istio-system', version: '1.21.2', revision: 'default', ready: true }]);
    expect(c1.rootCertFingerprints).toHaveLength(1);
    expect(c1.rootCertFingerprints[0]).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(c2.rootCertFingerprints).toEqual(c1.rootCertFingerprints);
    const ratings = c2.proxySync?.proxies.find((p) => p.name === `${RATINGS}.default`);
    expect(ratings).toMatchObject({ cluster: 'cluster2', istiod: 'istiod-6c4d88c6d7-wpzz8', version: '1.21.2' });
  });

  it('prints remote-clusters and proxy-status ?output=table as istioctl 1.21 does', async () => {
    const res = await remoteClustersGET(apiRequest(`/api/mesh/remote-clusters?cluster=${encodeURIComponent(CLUSTER1)}&output=table`));
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(
      [
        'NAME         SECRET                                        STATUS     ISTIOD',
        'cluster2     istio-system/istio-remote-secret-cluster2     synced     istiod-6696b6844d-cwj44',
        '',
      ].join('\n'),
    );
    const ps = await (await proxyStatusGET(apiRequest(`/api/mesh/proxy-status?cluster=${encodeURIComponent(CLUSTER2)}&output=table`))).text();
    expect(ps.split('\n')[0]).toMatch(/^NAME\s+CLUSTER\s+CDS\s+LDS\s+EDS\s+RDS\s+ECDS\s+ISTIOD\s+VERSION$/);
    expect(ps).toMatch(new RegExp(`^${RATINGS}\\.default\\s+cluster2\\s+SYNCED`, 'm'));
    expect((await remoteClustersGET(apiRequest('/api/mesh/remote-clusters?cluster=nope'))).status).toBe(400);
    expect((await remoteClustersGET(apiRequest('/api/mesh/remote-clusters?output=yaml'))).status).toBe(400);
  });
});

describe('GET …/pods/{pod}/endpoints', () => {
  it('gives the talk’s rows for ratings in cluster2, with targets resolved across clusters', async () => {
    const rowsFor = async (service: string) => {
      const res = await endpoints(`?cluster=${encodeURIComponent(`outbound|9080||${service}.default.svc.cluster.local`)}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as EndpointsResponse;
      expect(clusterErrors(body.clusters)).toEqual([]);
      return body.rows.map((r) => [r.endpoint, r.status, r.outlierCheck, r.target]);
    };
    const gateway = { kind: 'eastwest-gateway', cluster: CLUSTER1, network: 'network1', service: 'istio-eastwestgateway' };
    expect(await rowsFor('productpage')).toEqual([['172.40.143.182:15443', 'HEALTHY', 'OK', gateway]]);
    expect(await rowsFor('details')).toEqual([['172.40.143.182:15443', 'HEALTHY', 'OK', gateway]]);
    expect(await rowsFor('reviews')).toEqual([
      ['172.40.143.182:15443', 'HEALTHY', 'OK', gateway],
      ['192.168.179.215:9080', 'HEALTHY', 'OK', { kind: 'pod', cluster: CLUSTER2, namespace: 'default', name: 'reviews-v3-5b9bd44f4-ztxsd', network: 'network2', crossNetwork: false }],
    ]);
  });

  it('prints ?output=table in istioctl’s layout', async () => {
    const res = await endpoints(`?cluster=${encodeURIComponent('outbound|9080||reviews.default.svc.cluster.local')}&output=table`);
    expect(await res.text()).toBe(
      [
        'ENDPOINT                 STATUS      OUTLIER CHECK     CLUSTER',
        '172.40.143.182:15443     HEALTHY     OK                outbound|9080||reviews.default.svc.cluster.local',
        '192.168.179.215:9080     HEALTHY     OK                outbound|9080||reviews.default.svc.cluster.local',
        '',
      ].join('\n'),
    );
  });

  it('filters by port, status and address like istioctl, and lists the Envoy clusters', async () => {
    const all = (await (await endpoints()).json()) as EndpointsResponse;
    expect(all.envoyClusters).toContain('outbound|9080||reviews.default.svc.cluster.local');
    const byAddress = (await (await endpoints('?address=192.168.179.215')).json()) as EndpointsResponse;
    // reviews-v3 is in the service's cluster and in its DestinationRule subset v3's.
    expect(byAddress.rows.map((r) => `${r.endpoint} ${r.cluster}`)).toEqual([
      '192.168.179.215:9080 outbound|9080|v3|reviews.default.svc.cluster.local',
      '192.168.179.215:9080 outbound|9080||reviews.default.svc.cluster.local',
    ]);
    const byPort = (await (await endpoints('?port=15443')).json()) as EndpointsResponse;
    expect(byPort.rows.length).toBeGreaterThanOrEqual(3);
    expect(byPort.rows.every((r) => r.port === 15443)).toBe(true);
    const unhealthy = (await (await endpoints('?status=UNHEALTHY')).json()) as EndpointsResponse;
    expect(unhealthy.rows).toEqual([]);
  });

  it('answers 400 for invalid names and filters, 404 for an unknown pod', async () => {
    expect((await endpoints('', RATINGS, 'Bad_NS')).status).toBe(400);
    expect((await endpoints('', 'UPPER..case')).status).toBe(400);
    expect((await endpoints('', RATINGS, 'default', 'not-a-context')).status).toBe(400);
    expect((await endpoints('?port=99999')).status).toBe(400);
    expect((await endpoints('?status=sick')).status).toBe(400);
    // istioctl prints the header alone for a status it does not know: so does the table.
    const table = await endpoints('?status=sick&output=table');
    expect(table.status).toBe(200);
    expect(await table.text()).toBe('ENDPOINT     STATUS     OUTLIER CHECK     CLUSTER\n');
    const missing = await endpoints('', 'ratings-v1-000000000-00000');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { kind: 'not-found' } });
  });
});

describe('GET /api/clusters/{cluster}/pods and /api/topology', () => {
  it('lists a namespace’s pods for the picker (context names with @ in the URL)', async () => {
    const res = await podsGET(apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER2)}/pods?namespace=default`), params({ cluster: CLUSTER2 }));
    const body = (await res.json()) as PodsResponse;
    expect(body.namespaces).toEqual(expect.arrayContaining(['default', 'istio-system', 'sample']));
    const byName = Object.fromEntries(body.pods.map((p) => [p.name, p]));
    expect(byName[RATINGS]).toMatchObject({ namespace: 'default', phase: 'Running', hasSidecar: true, workload: { name: 'ratings', version: 'v1', id: `wl:${CLUSTER2}:default:ratings:v1` } });
    expect(byName['reviews-v3-5b9bd44f4-ztxsd']).toMatchObject({ ip: '192.168.179.215' });
    expect(byName['loki-0']).toMatchObject({ phase: 'Pending' });
    expect(body.pods.every((p) => p.namespace === 'default')).toBe(true);
    // The identity the server gives a pod is the topology's: every pod names a drawn workload node.
    const topology = (await (await topologyGET(apiRequest('/api/topology?level=workloads'))).json()) as TopologyResponse;
    const workloadIds = new Set(topology.nodes.filter((n) => n.kind === 'workload').map((n) => n.id));
    expect(body.pods.filter((p) => !workloadIds.has(p.workload.id)).map((p) => p.name)).toEqual([]);
  });

  it('builds the cross-cluster topology with no errors', async () => {
    const res = await topologyGET();
    const body = (await res.json()) as TopologyResponse;
    expect(clusterErrors(body.clusters)).toEqual([]);
    expect(body.nodes.filter((n) => n.kind === 'cluster').map((n) => n.id)).toEqual([`cluster:${CLUSTER1}`, `cluster:${CLUSTER2}`]);
    expect(body.services.map((s) => s.hostname)).toContain('reviews.default.svc.cluster.local');
    expect(body.edges.some((e) => e.kind === 'east-west' && e.address === '172.40.143.182:15443')).toBe(true);
  });

  it('answers a graph kept since nothing changed with the time of the answer: the state is current, not as old as the build', async () => {
    const first = (await (await topologyGET()).json()) as TopologyResponse;
    await new Promise((r) => setTimeout(r, 1100));
    const res = await topologyGET();
    const again = (await res.json()) as TopologyResponse;
    expect(again.nodes).toEqual(first.nodes); // the same kept view
    expect(Date.parse(again.generatedAt) - Date.parse(first.generatedAt)).toBeGreaterThanOrEqual(1000);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});

describe('read-only', () => {
  it('the lab saw no write verb from the dashboard', () => {
    const log = lab.requestLog();
    expect(log.length).toBeGreaterThan(10);
    expect(log.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
