/**
 * The mesh checks against the lab: each misconfiguration drill turned on gives exactly its finding
 * (right check, cluster and subject), turned off gives none; several at once give all of them and
 * nothing else; a cluster that is down gives `unknown`, not findings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { createWorld, loadScenario, parseScenario } from '@/lab/model';
import type { LabFault } from '@/lab/world';
import type { CheckId, ChecksResponse, Finding, Subject } from '@/lib/checks/types';
import { GET } from '@/app/api/checks/route';
import { apiRequest, CLUSTER1, CLUSTER2, freshState, startSeedLab, stopLab } from './api-helpers';

const SEED = path.resolve(__dirname, '../lab/scenarios/seed.yaml');
const EW: Subject = { kind: 'Service', namespace: 'istio-system', name: 'istio-eastwestgateway' };
const ISTIOD: Subject = { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' };
const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';

async function checks(query = '', { keepReadings = false } = {}): Promise<ChecksResponse> {
  // Namespaces, pods and Services come from the watch-fed cache: let the drill's watch events arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (!keepReadings) freshState();
  const res = await GET(apiRequest(`/api/checks${query}`));
  expect(res.status).toBe(200);
  return (await res.json()) as ChecksResponse;
}

const of = (r: ChecksResponse, id: CheckId) => r.findings.filter((f) => f.check === id);
const where = (f: Finding) => ({ cluster: f.cluster, subject: f.subject });
/** Errors and warnings: the seed's all-clear allows info. */
const serious = (r: ChecksResponse) => r.findings.filter((f) => f.severity !== 'info');

interface Drill {
  check: CheckId;
  on: LabFault[];
  off: LabFault[];
  expected: Array<{ cluster: string; subject: Subject }>;
}

const DRILLS: Drill[] = [
  { check: 'istiod-not-ready', on: [{ type: 'istiod-not-ready', cluster: 'cluster2', on: true }], off: [{ type: 'istiod-not-ready', cluster: 'cluster2', on: false }], expected: [{ cluster: CLUSTER2, subject: ISTIOD }] },
  {
    check: 'remote-secret-missing',
    on: [{ type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: false }],
    off: [{ type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: true }],
    expected: [{ cluster: CLUSTER1, subject: { kind: 'Secret', namespace: 'istio-system', name: 'istio-remote-secret-cluster2' } }],
  },
  {
    check: 'remote-cluster-not-synced',
    on: [{ type: 'remote-sync', cluster: 'cluster1', remote: 'cluster2', status: 'closed' }],
    off: [{ type: 'remote-sync', cluster: 'cluster1', remote: 'cluster2', status: 'synced' }],
    expected: [{ cluster: CLUSTER1, subject: { kind: 'Secret', namespace: 'istio-system', name: 'istio-remote-secret-cluster2' } }],
  },
  {
    check: 'remote-cluster-unknown-id',
    on: [{ type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: true, id: 'Kubernetes' }],
    off: [{ type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: true }],
    expected: [{ cluster: CLUSTER1, subject: { kind: 'Secret', namespace: 'istio-system', name: 'istio-remote-secret-cluster2' } }],
  },
  { check: 'cluster-id-duplicate', on: [{ type: 'cluster-id', cluster: 'cluster2', id: 'cluster1' }], off: [{ type: 'cluster-id', cluster: 'cluster2', id: null }], expected: [{ cluster: CLUSTER2, subject: ISTIOD }] },
  {
    check: 'root-ca-mismatch',
    on: [{ type: 'root-ca', cluster: 'cluster2', ca: 'other-root' }],
    off: [{ type: 'root-ca', cluster: 'cluster2', ca: null }],
    expected: [{ cluster: CLUSTER2, subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-ca-root-cert' } }],
  },
  {
    // The mesh's one root expires: every cluster has it.
    check: 'root-cert-expiring',
    on: [{ type: 'root-expiry', cluster: 'cluster1', days: 10 }, { type: 'root-expiry', cluster: 'cluster2', days: 10 }],
    off: [{ type: 'root-expiry', cluster: 'cluster1', days: null }, { type: 'root-expiry', cluster: 'cluster2', days: null }],
    expected: [CLUSTER1, CLUSTER2].map((cluster) => ({ cluster, subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-ca-root-cert' } })),
  },
  {
    check: 'trust-domain-mismatch',
    on: [{ type: 'trust-domain', cluster: 'cluster2', trustDomain: 'cluster2.local' }],
    off: [{ type: 'trust-domain', cluster: 'cluster2', trustDomain: null }],
    expected: [{ cluster: CLUSTER2, subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' } }],
  },
  {
    check: 'mesh-id-mismatch',
    on: [{ type: 'mesh-id', cluster: 'cluster2', meshId: 'mesh2' }],
    off: [{ type: 'mesh-id', cluster: 'cluster2', meshId: null }],
    expected: [{ cluster: CLUSTER2, subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' } }],
  },
  {
    check: 'network-label-missing',
    on: [{ type: 'network-label-missing', cluster: 'cluster2', on: true }],
    off: [{ type: 'network-label-missing', cluster: 'cluster2', on: false }],
    expected: [{ cluster: CLUSTER2, subject: { kind: 'Namespace', name: 'istio-system' } }],
  },
  { check: 'eastwest-gateway-missing', on: [{ type: 'eastwest-missing', cluster: 'cluster2', on: true }], off: [{ type: 'eastwest-missing', cluster: 'cluster2', on: false }], expected: [{ cluster: CLUSTER2, subject: EW }] },
  { check: 'eastwest-gateway-no-address', on: [{ type: 'eastwest-pending', cluster: 'cluster2', pending: true }], off: [{ type: 'eastwest-pending', cluster: 'cluster2', pending: false }], expected: [{ cluster: CLUSTER2, subject: EW }] },
  { check: 'eastwest-gateway-port-missing', on: [{ type: 'eastwest-port-missing', cluster: 'cluster2', on: true }], off: [{ type: 'eastwest-port-missing', cluster: 'cluster2', on: false }], expected: [{ cluster: CLUSTER2, subject: EW }] },
  {
    check: 'cross-network-gateway-missing',
    on: [{ type: 'cross-network-gateway-missing', cluster: 'cluster2', on: true }],
    off: [{ type: 'cross-network-gateway-missing', cluster: 'cluster2', on: false }],
    expected: [{ cluster: CLUSTER2, subject: EW }],
  },
  {
    check: 'proxy-not-synced',
    on: [{ type: 'xds', cluster: 'cluster2', namespace: 'default', pod: RATINGS, xdsType: 'eds', status: 'stale' }],
    off: [{ type: 'xds', cluster: 'cluster2', namespace: 'default', pod: RATINGS, xdsType: 'eds', status: 'synced' }],
    expected: [{ cluster: CLUSTER2, subject: { kind: 'Pod', namespace: 'default', name: RATINGS } }],
  },
  {
    // istiod two minors ahead of the mesh, and of its proxies.
    check: 'istio-version-skew',
    on: [{ type: 'istiod-version', cluster: 'cluster2', version: '1.23.0' }],
    off: [{ type: 'istiod-version', cluster: 'cluster2', version: null }],
    expected: [{ cluster: CLUSTER2, subject: ISTIOD }, { cluster: CLUSTER2, subject: ISTIOD }],
  },
  {
    check: 'dns-capture-off',
    on: [
      { type: 'dns-capture-off', cluster: 'cluster1', on: true },
      { type: 'service-absent', cluster: 'cluster1', namespace: 'sample', name: 'helloworld', on: true },
    ],
    off: [
      { type: 'dns-capture-off', cluster: 'cluster1', on: false },
      { type: 'service-absent', cluster: 'cluster1', namespace: 'sample', name: 'helloworld', on: false },
    ],
    expected: [{ cluster: CLUSTER1, subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' } }],
  },
  {
    check: 'service-inconsistent',
    on: [{ type: 'service-ports', cluster: 'cluster2', namespace: 'default', name: 'ratings', ports: [9081] }],
    off: [{ type: 'service-ports', cluster: 'cluster2', namespace: 'default', name: 'ratings', ports: null }],
    expected: [{ cluster: CLUSTER2, subject: { kind: 'Service', namespace: 'default', name: 'ratings' } }],
  },
  {
    // Both clusters' nodes get /24s of one range (every kind cluster uses 10.244.0.0/16); they are on
    // different networks, so the finding is info.
    check: 'pod-cidr-overlap',
    on: ['cluster1', 'cluster2'].map((cluster): LabFault => ({ type: 'node-pod-cidr', cluster, cidr: '10.244.0.0/16' })),
    off: ['cluster1', 'cluster2'].map((cluster): LabFault => ({ type: 'node-pod-cidr', cluster, cidr: null })),
    expected: [{ cluster: CLUSTER2, subject: { kind: 'Node', name: 'multi-primary-master' } }],
  },
  {
    check: 'locality-failover-without-outlier-detection',
    on: [{ type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: true }],
    off: [{ type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: false }],
    expected: [{ cluster: CLUSTER1, subject: { kind: 'DestinationRule', namespace: 'default', name: 'reviews' } }],
  },
];

describe('the seed lab', () => {
  let lab: Lab;
  const undo: LabFault[] = [];
  beforeAll(async () => {
    lab = await startSeedLab();
    // These tests look at what is found, not how fast: a generous deadline keeps a loaded machine from making sources unknown.
    process.env.ISTHMUS_DEADLINE_MS = '10000';
  });
  afterAll(() => stopLab(lab));
  afterEach(() => {
    for (const f of undo.splice(0)) lab.applyFault(f);
  });
  const apply = (on: LabFault[], off: LabFault[]) => {
    for (const f of on) lab.applyFault(f);
    undo.push(...off);
  };

  it('is all clear: no error or warning, nothing unknown', async () => {
    const r = await checks();
    expect(serious(r)).toEqual([]);
    expect(r.unknown).toEqual([]);
    expect(r.clusters.map((c) => [c.cluster, c.ok, c.errors])).toEqual([
      [CLUSTER1, true, []],
      [CLUSTER2, true, []],
    ]);
  });

  it.each(DRILLS.map((d) => [d.check, d] as const))('%s: the drill on gives exactly its finding, off gives none', async (_id, d) => {
    apply(d.on, d.off);
    const on = await checks();
    expect(of(on, d.check).map(where)).toEqual(d.expected);
    for (const f of d.off) lab.applyFault(f);
    undo.length = 0;
    const off = await checks();
    expect(of(off, d.check)).toEqual([]);
    expect(serious(off)).toEqual([]);
  });

  it('endpoints-unroutable: without a gateway address, cluster1 proxies hold cluster2 pod IPs', async () => {
    apply([{ type: 'eastwest-pending', cluster: 'cluster2', pending: true }], [{ type: 'eastwest-pending', cluster: 'cluster2', pending: false }]);
    const found = of(await checks(), 'endpoints-unroutable');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f).toMatchObject({ cluster: CLUSTER1, subject: { kind: 'Pod' } });
    expect(found[0].evidence[0].fact).toMatch(/^192\.168\.\d+\.\d+ \(cluster2-admin@cluster2 [a-z-]+\/[a-z0-9-]+, network2\)/);
    lab.applyFault(undo.pop()!);
    // As a running server sees it (kept proxy sample, forwards): istiod's gateways changed, so the sample is read again.
    expect(of(await checks('', { keepReadings: true }), 'endpoints-unroutable')).toEqual([]);
  });

  it('several drills at once give all of their findings and nothing else', async () => {
    apply(
      [
        { type: 'root-ca', cluster: 'cluster2', ca: 'other-root' },
        { type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: true },
        { type: 'network-label-missing', cluster: 'cluster2', on: true },
        { type: 'mesh-id', cluster: 'cluster1', meshId: 'mesh-a' },
      ],
      [
        { type: 'root-ca', cluster: 'cluster2', ca: null },
        { type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: false },
        { type: 'network-label-missing', cluster: 'cluster2', on: false },
        { type: 'mesh-id', cluster: 'cluster1', meshId: null },
      ],
    );
    const r = await checks();
    // mesh-id: two clusters disagree and neither is the majority, so the first configured one is the reference.
    expect(serious(r).map((f) => [f.check, f.cluster])).toEqual([
      ['root-ca-mismatch', CLUSTER2],
      ['mesh-id-mismatch', CLUSTER2],
      ['network-label-missing', CLUSTER2],
      ['locality-failover-without-outlier-detection', CLUSTER1],
    ]);
  });

  it('filters by ?cluster= and ?severity=, and rejects bad values', async () => {
    apply([{ type: 'root-ca', cluster: 'cluster2', ca: 'other-root' }, { type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: true }], [
      { type: 'root-ca', cluster: 'cluster2', ca: null },
      { type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: false },
    ]);
    expect((await checks(`?cluster=${encodeURIComponent(CLUSTER1)}`)).findings.map((f) => f.check)).toEqual(['locality-failover-without-outlier-detection']);
    expect((await checks('?severity=error')).findings.map((f) => f.check)).toEqual(['root-ca-mismatch']);
    expect((await GET(apiRequest('/api/checks?severity=fatal'))).status).toBe(400);
    expect((await GET(apiRequest('/api/checks?cluster=nope'))).status).toBe(400);
  });

  it('a cluster that is down makes its checks unknown, not findings', async () => {
    apply([{ type: 'api-down', cluster: 'cluster2', down: true }], [{ type: 'api-down', cluster: 'cluster2', down: false }]);
    const r = await checks();
    expect(r.findings.filter((f) => f.cluster === CLUSTER2)).toEqual([]);
    const unknown = r.unknown.filter((u) => u.cluster === CLUSTER2);
    expect(unknown.length).toBeGreaterThanOrEqual(20);
    expect(unknown[0].reason).toMatch(/^cluster2-admin@cluster2: API server https:\/\/127\.0\.0\.1:\d+ /);
    expect(r.clusters.filter((c) => !c.ok).map((c) => c.cluster)).toEqual([CLUSTER2]);
    expect(r.checks.some((c) => c.status === 'passed')).toBe(false);
  });
});

/** Drills that are scenario knobs (the topology itself), each on a lab of its own. */
describe('scenario knobs', () => {
  const seed = () => structuredClone(loadScenario(SEED)) as unknown as Record<string, unknown> & { clusters: Array<Record<string, unknown>>; workloads: Array<Record<string, unknown>>; istio: Record<string, unknown> };
  let lab: Lab | undefined;
  afterEach(async () => {
    await stopLab(lab);
    lab = undefined;
  });
  async function labOf(scenario: unknown): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-checks-'));
    lab = await startLab({ world: createWorld(parseScenario(scenario)), kubeconfigOut: path.join(dir, 'kubeconfig') });
    process.env.ISTHMUS_KUBECONFIG = lab.kubeconfigPath;
  }

  it('istiod-not-exposed: cluster1 configures the remote cluster2; its istiod Gateway removed gives the finding, restored none', async () => {
    const s = seed();
    Object.assign(s.clusters[0], { exposeIstiod: true });
    Object.assign(s.clusters[1], { controlPlane: 'cluster1', istiod: { replicas: 0 }, remoteSecrets: [] });
    await labOf(s);
    const healthy = await checks();
    expect(of(healthy, 'istiod-not-exposed')).toEqual([]);
    // The remote runs no istiod, as Istio expects of a remote: not istiod-not-ready.
    expect(of(healthy, 'istiod-not-ready')).toEqual([]);
    lab!.applyFault({ type: 'istiod-gateway-missing', cluster: 'cluster1', on: true });
    const found = of(await checks(), 'istiod-not-exposed');
    expect(found.map(where)).toEqual([{ cluster: CLUSTER1, subject: { kind: 'Gateway', namespace: 'istio-system', name: 'istiod-gateway' } }]);
    expect(found[0].message).toMatch(/15012 and 15017/);
    lab!.applyFault({ type: 'istiod-gateway-missing', cluster: 'cluster1', on: false });
    expect(of(await checks(), 'istiod-not-exposed')).toEqual([]);
  });

  it('proxy-config-rejected: a 1.24 mesh reports the NACK and its text', async () => {
    const s = seed();
    s.istio.version = '1.24.3';
    await labOf(s);
    expect(of(await checks(), 'proxy-config-rejected')).toEqual([]);
    lab!.applyFault({ type: 'xds', cluster: 'cluster2', namespace: 'default', pod: RATINGS, xdsType: 'lds', status: 'error' });
    const found = of(await checks(), 'proxy-config-rejected');
    expect(found.map(where)).toEqual([{ cluster: CLUSTER2, subject: { kind: 'Pod', namespace: 'default', name: RATINGS } }]);
    expect(found[0].message).toMatch(/LDS: Error adding\/updating listener/);
    lab!.applyFault({ type: 'xds', cluster: 'cluster2', namespace: 'default', pod: RATINGS, xdsType: 'lds', status: 'synced' });
    expect(of(await checks(), 'proxy-config-rejected')).toEqual([]);
  });

  it('pod-cidr-overlap without node ranges: a pod IP of cluster1 reused in cluster2 (other network: info)', async () => {
    const s = seed();
    const hello2 = s.workloads.find((w) => w.name === 'helloworld-v2')!;
    (hello2.pods as Array<Record<string, unknown>>)[0].ip = '192.168.184.139'; // helloworld-v1's in cluster1
    await labOf(s);
    const found = of(await checks(), 'pod-cidr-overlap');
    expect(found.map((f) => [f.severity, f.cluster, f.subject])).toEqual([['info', CLUSTER2, { kind: 'Pod', namespace: 'sample', name: 'helloworld-v2-7f46498c69-fg5p7' }]]);
  });
});
