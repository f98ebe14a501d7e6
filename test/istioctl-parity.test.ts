/**
 * istioctl parity across releases: the seed mesh run by the lab as Istio 1.21, 1.22, 1.24, 1.26 and 1.28
 * (the version knob), read through the API routes, prints what that release's istioctl prints
 * (istioctl/pkg/writer/pilot/status.go and istioctl/pkg/proxyconfig/clusters.go at each tag; the
 * layouts themselves are checked against Istio's goldens in lib/istio/tables.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { createWorld, loadScenario, withIstioVersion } from '@/lab/model';
import { GET as proxyStatusGET } from '@/app/api/mesh/proxy-status/route';
import { GET as remoteClustersGET } from '@/app/api/mesh/remote-clusters/route';
import { GET as podsGET } from '@/app/api/clusters/[cluster]/pods/route';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import type { EndpointsResponse, PodsResponse } from '@/lib/types/api';
import { apiRequest, CLUSTER2, DEADLINE_MS, params, stopLab } from './api-helpers';

/** Time stands still (Date only), so the ages of the last pushes read the same on every run. */
const NOW = Date.parse('2026-11-30T12:00:00Z');

async function startVersionLab(version: string): Promise<Lab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-parity-'));
  const lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig'), istioVersion: version });
  process.env.ISTHMUS_KUBECONFIG = lab.kubeconfigPath;
  process.env.ISTHMUS_CONTEXTS = '';
  process.env.ISTHMUS_DEADLINE_MS = String(DEADLINE_MS * 2);
  process.env.ISTHMUS_CACHE_MS = '0';
  return lab;
}

async function table(route: (r: Request) => Promise<Response>, view: string, query = ''): Promise<string> {
  const res = await route(apiRequest(`/api/mesh/${view}?cluster=${encodeURIComponent(CLUSTER2)}&output=table${query}`));
  expect(res.status).toBe(200);
  return res.text();
}

const lines = (...rows: string[]) => rows.map((r) => `${r}\n`).join('');

const REMOTE_1_21 = lines(
  'NAME         SECRET                                        STATUS     ISTIOD',
  'cluster1     istio-system/istio-remote-secret-cluster1     synced     istiod-6c4d88c6d7-wpzz8',
);
const REMOTE_1_22 = lines(
  'NAME         SECRET                                        STATUS     ISTIOD',
  'cluster2                                                   synced     istiod-6c4d88c6d7-wpzz8',
  'cluster1     istio-system/istio-remote-secret-cluster1     synced     istiod-6c4d88c6d7-wpzz8',
);

const PS_1_21 = lines(
  'NAME                                                    CLUSTER      CDS                            LDS        EDS        RDS          ECDS         ISTIOD                      VERSION',
  'helloworld-v2-7f46498c69-fg5p7.sample                   cluster2     STALE (Never Acknowledged)     SYNCED     SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.21.2',
  'istio-eastwestgateway-7cbc7b94b8-pmkc7.istio-system     cluster2     SYNCED                         SYNCED     SYNCED     NOT SENT     NOT SENT     istiod-6c4d88c6d7-wpzz8     1.21.2',
  'istio-ingressgateway-6dbdfffc56f-v8vz8.istio-system     cluster2     SYNCED                         SYNCED     SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.21.2',
  'ratings-v1-6484c4d9bb-25cnf.default                     cluster2     SYNCED                         STALE      SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.21.2',
  'reviews-v3-5b9bd44f4-ztxsd.default                      cluster2     SYNCED                         SYNCED     STALE      SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.21.2',
  'sleep-fmhprmc8d-v4qxq.sample                            cluster2     SYNCED                         SYNCED     SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.21.2',
);
const PS_1_22 = lines(
  'NAME                                                    CLUSTER      CDS        LDS        EDS        RDS          ECDS         ISTIOD                      VERSION',
  'helloworld-v2-7f46498c69-fg5p7.sample                   cluster2     STALE      SYNCED     SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.22.0',
  'istio-eastwestgateway-7cbc7b94b8-pmkc7.istio-system     cluster2     SYNCED     SYNCED     SYNCED     NOT SENT     NOT SENT     istiod-6c4d88c6d7-wpzz8     1.22.0',
  'istio-ingressgateway-6dbdfffc56f-v8vz8.istio-system     cluster2     SYNCED     SYNCED     SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.22.0',
  'ratings-v1-6484c4d9bb-25cnf.default                     cluster2     SYNCED     STALE      SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.22.0',
  'reviews-v3-5b9bd44f4-ztxsd.default                      cluster2     SYNCED     SYNCED     STALE      SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.22.0',
  'sleep-fmhprmc8d-v4qxq.sample                            cluster2     SYNCED     SYNCED     SYNCED     SYNCED       NOT SENT     istiod-6c4d88c6d7-wpzz8     1.22.0',
);
/** 1.23-1.26 print the same layout (status.go is unchanged between them). */
const PS_1_26 = lines(
  'NAME                                                    CLUSTER      CDS                LDS                EDS                RDS                ECDS        ISTIOD                      VERSION',
  'helloworld-v2-7f46498c69-fg5p7.sample                   cluster2     STALE (5m28s)      SYNCED (5m28s)     SYNCED (5m28s)     SYNCED (5m28s)     IGNORED     istiod-6c4d88c6d7-wpzz8     1.26.3',
  'istio-eastwestgateway-7cbc7b94b8-pmkc7.istio-system     cluster2     SYNCED (76s)       SYNCED (76s)       SYNCED (76s)       NOT SENT           IGNORED     istiod-6c4d88c6d7-wpzz8     1.26.3',
  'istio-ingressgateway-6dbdfffc56f-v8vz8.istio-system     cluster2     SYNCED (84s)       SYNCED (84s)       SYNCED (84s)       SYNCED (84s)       IGNORED     istiod-6c4d88c6d7-wpzz8     1.26.3',
  'ratings-v1-6484c4d9bb-25cnf.default                     cluster2     SYNCED (3m47s)     ERROR (3m47s)      SYNCED (3m47s)     SYNCED (3m47s)     IGNORED     istiod-6c4d88c6d7-wpzz8     1.26.3',
  'reviews-v3-5b9bd44f4-ztxsd.default                      cluster2     SYNCED (8m40s)     SYNCED (8m40s)     STALE (8m40s)      SYNCED (8m40s)     IGNORED     istiod-6c4d88c6d7-wpzz8     1.26.3',
  'sleep-fmhprmc8d-v4qxq.sample                            cluster2     SYNCED (80s)       SYNCED (80s)       SYNCED (80s)       SYNCED (80s)       IGNORED     istiod-6c4d88c6d7-wpzz8     1.26.3',
);
const PS_1_28 = lines(
  'NAME                                                    CLUSTER      ISTIOD                      VERSION     SUBSCRIBED TYPES',
  'helloworld-v2-7f46498c69-fg5p7.sample                   cluster2     istiod-6c4d88c6d7-wpzz8     1.28.0      5 (CDS,LDS,EDS,RDS,NDS)',
  'istio-eastwestgateway-7cbc7b94b8-pmkc7.istio-system     cluster2     istiod-6c4d88c6d7-wpzz8     1.28.0      4 (CDS,LDS,EDS,RDS)',
  'istio-ingressgateway-6dbdfffc56f-v8vz8.istio-system     cluster2     istiod-6c4d88c6d7-wpzz8     1.28.0      4 (CDS,LDS,EDS,RDS)',
  'ratings-v1-6484c4d9bb-25cnf.default                     cluster2     istiod-6c4d88c6d7-wpzz8     1.28.0      5 (CDS,LDS,EDS,RDS,NDS)',
  'reviews-v3-5b9bd44f4-ztxsd.default                      cluster2     istiod-6c4d88c6d7-wpzz8     1.28.0      5 (CDS,LDS,EDS,RDS,NDS)',
  'sleep-fmhprmc8d-v4qxq.sample                            cluster2     istiod-6c4d88c6d7-wpzz8     1.28.0      5 (CDS,LDS,EDS,RDS,NDS)',
);

const cases: Array<{ version: string; remote: string; proxyStatus: string }> = [
  { version: '1.21.2', remote: REMOTE_1_21, proxyStatus: PS_1_21 },
  { version: '1.22.0', remote: REMOTE_1_22, proxyStatus: PS_1_22 },
  { version: '1.24.1', remote: REMOTE_1_22, proxyStatus: PS_1_26.replaceAll('1.26.3', '1.24.1') },
  { version: '1.26.3', remote: REMOTE_1_22, proxyStatus: PS_1_26 },
  { version: '1.28.0', remote: REMOTE_1_22, proxyStatus: PS_1_28 },
];

describe.each(cases)('Istio $version', ({ version, remote, proxyStatus }) => {
  let lab: Lab;
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    lab = await startVersionLab(version);
    // One proxy in each xDS state istioctl distinguishes.
    const xds = (pod: string, namespace: string, xdsType: 'cds' | 'lds' | 'rds' | 'eds', status: 'stale' | 'never-acked' | 'not-sent' | 'error') =>
      lab.applyFault({ type: 'xds', cluster: 'cluster2', namespace, pod, xdsType, status });
    xds('ratings-v1-6484c4d9bb-25cnf', 'default', 'lds', 'error');
    xds('reviews-v3-5b9bd44f4-ztxsd', 'default', 'eds', 'stale');
    xds('helloworld-v2-7f46498c69-fg5p7', 'sample', 'cds', 'never-acked');
    xds('istio-eastwestgateway-7cbc7b94b8-pmkc7', 'istio-system', 'rds', 'not-sent');
  });
  afterAll(async () => {
    await stopLab(lab);
    vi.useRealTimers();
  });

  it('remote-clusters', async () => {
    expect(await table(remoteClustersGET, 'remote-clusters')).toBe(remote);
  });

  it('proxy-status', async () => {
    const text = await table(proxyStatusGET, 'proxy-status');
    expect(text).toBe(proxyStatus);
  });
});

describe('ambient (lab/scenarios/ambient.yaml, Istio 1.28)', () => {
  let lab: Lab;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-ambient-'));
    lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig'), scenarioPath: path.resolve(__dirname, '../lab/scenarios/ambient.yaml') });
    process.env.ISTHMUS_KUBECONFIG = lab.kubeconfigPath;
    process.env.ISTHMUS_CONTEXTS = '';
    process.env.ISTHMUS_DEADLINE_MS = String(DEADLINE_MS * 2);
    process.env.ISTHMUS_CACHE_MS = '0';
  });
  afterAll(() => stopLab(lab));

  it('proxy-status lists the ztunnels with their workload and authorization subscriptions', async () => {
    expect(await table(proxyStatusGET, 'proxy-status')).toBe(
      lines(
        'NAME                                                   CLUSTER      ISTIOD                      VERSION     SUBSCRIBED TYPES',
        'istio-eastwestgateway-9ztll97b5-mkq6r.istio-system     cluster2     istiod-7d8e9f0a1b-d3e4f     1.28.0      4 (CDS,LDS,EDS,RDS)',
        'waypoint-lwblm9fchf-smd5q.default                      cluster2     istiod-7d8e9f0a1b-d3e4f     1.28.0      4 (CDS,LDS,EDS,RDS)',
        'ztunnel-nlcpg.istio-system                             cluster2     istiod-7d8e9f0a1b-d3e4f     1.28.0      2 (WADS,WDS)',
        'ztunnel-sqrm9.istio-system                             cluster2     istiod-7d8e9f0a1b-d3e4f     1.28.0      2 (WADS,WDS)',
      ),
    );
  });

  it("a waypoint's endpoints: the local pod through ztunnel, the other network through its east-west gateway", async () => {
    const pods = (await (await podsGET(apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER2)}/pods?namespace=default`), params({ cluster: CLUSTER2 }))).json()) as PodsResponse;
    const waypoint = pods.pods.find((p) => p.name.startsWith('waypoint-'))!.name;
    const reviews = pods.pods.find((p) => p.name.startsWith('reviews-v3-'))!;
    const envoyCluster = 'inbound-vip|9080|http|reviews.default.svc.cluster.local';
    const rows = async () => {
      const res = await endpointsGET(
        apiRequest(`/api/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${waypoint}/endpoints?cluster=${encodeURIComponent(envoyCluster)}`),
        params({ cluster: CLUSTER2, ns: 'default', pod: waypoint }),
      );
      return ((await res.json()) as EndpointsResponse).rows.map((r) => [r.endpoint, r.target]);
    };
    // Until cluster1's watch cache has synced, its gateway Service is not known yet: ask as a page would, again.
    await expect.poll(rows, { timeout: 10_000 }).toEqual([
      [`envoy://connect_originate/${reviews.ip}:9080`, { kind: 'pod', cluster: CLUSTER2, namespace: 'default', name: reviews.name, network: 'network2', crossNetwork: false }],
      ['envoy://inner_connect_originate/172.41.0.10:15008', { kind: 'eastwest-gateway', cluster: 'cluster1-admin@cluster1', network: 'network1', service: 'istio-eastwestgateway' }],
    ]);
  });
});

describe('a canary revision beside the default one (cluster2, sample moved to it)', () => {
  let lab: Lab;
  async function start(version: string) {
    const seed = withIstioVersion(loadScenario(path.resolve(__dirname, '../lab/scenarios/seed.yaml')), version);
    const scenario = { ...seed, clusters: seed.clusters.map((c) => (c.id === 'cluster2' ? { ...c, istiod: { ...c.istiod, canary: { revision: 'canary', replicas: 1, namespaces: ['sample'] } } } : c)) };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-canary-'));
    lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig'), world: createWorld(scenario) });
    process.env.ISTHMUS_KUBECONFIG = lab.kubeconfigPath;
    process.env.ISTHMUS_CONTEXTS = '';
    process.env.ISTHMUS_DEADLINE_MS = String(DEADLINE_MS * 2);
    process.env.ISTHMUS_CACHE_MS = '0';
  }
  afterEach(() => stopLab(lab));

  const proxyNames = (text: string) => text.split('\n').slice(1, -1).map((l) => l.split(/\s+/)[0]);

  it('1.28: the text holds the default revision (RevisionOrDefault), ?revision= another; JSON every revision, grouped', async () => {
    await start('1.28.0');
    const text = await table(proxyStatusGET, 'proxy-status');
    expect(proxyNames(text)).toEqual(expect.arrayContaining(['ratings-v1-6484c4d9bb-25cnf.default', 'istio-eastwestgateway-7cbc7b94b8-pmkc7.istio-system']));
    expect(proxyNames(text).filter((n) => n.endsWith('.sample'))).toEqual([]);
    const canary = await table(proxyStatusGET, 'proxy-status', '&revision=canary');
    expect(proxyNames(canary)).toEqual(['helloworld-v2-7f46498c69-fg5p7.sample', 'sleep-fmhprmc8d-v4qxq.sample']);
    expect(canary).toMatch(/ istiod-canary-[a-z0-9]+-[a-z0-9]{5} /);

    const json = (await (await proxyStatusGET(apiRequest(`/api/mesh/proxy-status?cluster=${encodeURIComponent(CLUSTER2)}`))).json()) as {
      clusters: Array<{ revisions: string[]; proxySync: { proxies: Array<{ name: string; revision: string }> } }>;
    };
    const [c2] = json.clusters;
    expect(c2.revisions).toEqual(['default', 'canary']);
    const revisions = c2.proxySync.proxies.map((p) => p.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => (a === b ? 0 : a === 'default' ? -1 : 1)));
    expect(new Set(revisions)).toEqual(new Set(['default', 'canary']));

    // remote-clusters: the default revision's istiod in the text, both in JSON.
    expect((await table(remoteClustersGET, 'remote-clusters')).match(/istiod-canary/g)).toBeNull();
    const remote = (await (await remoteClustersGET(apiRequest(`/api/mesh/remote-clusters?cluster=${encodeURIComponent(CLUSTER2)}`))).json()) as { clusters: Array<{ rows: Array<{ revision: string }> }> };
    expect(new Set(remote.clusters[0].rows.map((r) => r.revision))).toEqual(new Set(['default', 'canary']));
  });

  it('1.26: istioctl asks every revision', async () => {
    await start('1.26.3');
    const names = proxyNames(await table(proxyStatusGET, 'proxy-status'));
    expect(names).toContain('ratings-v1-6484c4d9bb-25cnf.default');
    expect(names).toContain('helloworld-v2-7f46498c69-fg5p7.sample');
  });
});
