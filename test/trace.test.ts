/**
 * The reachability trace against the lab: the seed mesh's two demo calls are healthy and derived from
 * what the clusters say; each path fault is named by the verdict with its cluster, replica or object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { createWorld, parseScenario, type LabWorld } from '@/lab/model/index';
import type { LabFault } from '@/lab/world';
import type { TraceResponse } from '@/lib/trace/types';
import { GET as traceGET } from '@/app/api/trace/route';
import { apiRequest, CLUSTER1, CLUSTER2, DEADLINE_MS, freshState, stopLab, seedLabWithFaults } from './api-helpers';

const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';
const SLEEP1 = 'sleep-7656cf8794-qmx9p';
const REVIEWS = 'reviews.default.svc.cluster.local:9080';

async function trace(from: string, to: string): Promise<{ status: number; body: TraceResponse; ms: number }> {
  const started = Date.now();
  const res = await traceGET(apiRequest(`/api/trace?${new URLSearchParams({ from, to })}`));
  return { status: res.status, body: (await res.json()) as TraceResponse, ms: Date.now() - started };
}

const ratingsToReviews = () => trace(`${CLUSTER2}/default/${RATINGS}`, REVIEWS);
const sleepToHelloworld = () => trace(`${CLUSTER1}/sample/${SLEEP1}`, 'helloworld.sample:5000');

describe('trace on the seed mesh', () => {
  const seed = seedLabWithFaults();
  const fault = seed.fault;

  it('ratings (cluster2) → reviews:9080: reviews-v3 direct, cluster1 reviews through 172.40.143.182:15443, healthy', async () => {
    const { status, body } = await ratingsToReviews();
    expect(status).toBe(200);
    expect(body.verdict.sentence).toMatch(/^Healthy/);
    expect(body.problems).toEqual([]);
    // Derived: the endpoints come from EndpointSlices, the gateway from the clusters' Services and istiod.
    const direct = body.paths.filter((p) => p.via === 'direct');
    expect(direct.map((p) => [p.cluster, p.pod])).toEqual([[CLUSTER2, 'reviews-v3-5b9bd44f4-ztxsd']]);
    const viaGateway = body.paths.filter((p) => p.via === 'gateway');
    expect(viaGateway.map((p) => p.pod?.replace(/-[^-]+-[^-]+$/, ''))).toEqual(['reviews-v1', 'reviews-v2']);
    expect(viaGateway.every((p) => p.cluster === CLUSTER1 && p.gateway === '172.40.143.182:15443' && p.crossNetworkGateway === true && p.inEnvoy === true)).toBe(true);
    expect(body.verdict.sentence).toMatch(/^Healthy: ratings-v1-6484c4d9bb-25cnf \(cluster2\) reaches reviews\.default\.svc\.cluster\.local:9080: 1 direct in cluster2; 2 in cluster1 through cluster1's east-west gateway 172\.40\.143\.182:15443\.$/);
    expect(body.controlPlane.replicas.map((r) => [r.pod, r.servesSource, r.shards.map((s) => `${s.clusterId}:${s.read}:${s.endpoints}/${s.expected}`)])).toEqual([
      ['istiod-6c4d88c6d7-wpzz8', true, ['cluster1:synced:2/2', 'cluster2:own:1/1']],
    ]);
    expect(body.dataPlane.route).toMatchObject({ listener: '0.0.0.0_9080', routeConfig: '9080', virtualService: 'default/reviews' });
    expect(body.config.map((c) => `${c.kind} ${c.namespace}/${c.name}`)).toContain('DestinationRule default/reviews');
  });

  it('sleep (cluster1) → helloworld:5000 by Istio cluster ID: v1 direct, v2 through cluster2\'s gateway', async () => {
    const gateway = (seed.lab.world as LabWorld).mesh.cluster('cluster2').services.find((s) => s.gatewayKind === 'eastwest')!.scenarioExternalIP;
    const { status, body } = await trace(`cluster1/sample/${SLEEP1}`, 'helloworld.sample:5000');
    expect(status).toBe(200);
    expect(body.source.cluster).toBe(CLUSTER1);
    expect(body.verdict.healthy).toBe(true);
    expect(body.paths.map((p) => [p.pod?.split('-').slice(0, 2).join('-'), p.via, p.gateway])).toEqual([
      ['helloworld-v1', 'direct', null],
      ['helloworld-v2', 'gateway', `${gateway}:15443`],
    ]);
  });

  it('validates its parameters', async () => {
    expect((await trace('nope/sample/x', 'helloworld.sample:5000')).status).toBe(400);
    expect((await trace(`${CLUSTER1}/Bad_NS/x`, 'helloworld.sample:5000')).status).toBe(400);
    expect((await trace(`${CLUSTER1}/sample/${SLEEP1}`, 'helloworld.sample')).status).toBe(400);
    expect((await trace(`${CLUSTER1}/sample/${SLEEP1}`, 'helloworld.sample:70000')).status).toBe(400);
    expect((await trace(`${CLUSTER1}/sample/${SLEEP1}`, 'www.example.com:443')).status).toBe(400);
    const res = await traceGET(apiRequest('/api/trace'));
    expect(res.status).toBe(400);
  });

  it('a missing pod is the verdict, not an error', async () => {
    const { status, body } = await trace(`${CLUSTER1}/sample/sleep-nope`, 'helloworld.sample:5000');
    expect(status).toBe(200);
    expect(body.verdict.sentence).toBe('pod sample/sleep-nope does not exist in cluster1');
  });

  it('DestinationRule subset matching no pod: the verdict names the DestinationRule and the subset', async () => {
    fault(
      { type: 'subset-unmatched', cluster: 'cluster2', namespace: 'default', service: 'reviews', subset: 'v4', on: true },
      { type: 'subset-unmatched', cluster: 'cluster2', namespace: 'default', service: 'reviews', subset: 'v4', on: false },
    );
    const { body } = await ratingsToReviews();
    expect(body.verdict.healthy).toBe(false);
    expect(body.verdict.sentence).toBe('DestinationRule default/reviews has subset v4 but no pod carries version=v4');
    expect(body.problems[0]).toMatchObject({ check: 'subset-no-pods', cluster: CLUSTER2, subject: 'DestinationRule default/reviews' });
    expect(body.dataPlane.route?.emptyDestinations).toEqual(['outbound|9080|v4|reviews.default.svc.cluster.local']);
  });

  it('PeerAuthentication STRICT against a caller without a sidecar', async () => {
    fault(
      { type: 'sidecar-removed', cluster: 'cluster1', namespace: 'sample', workload: 'sleep', on: true },
      { type: 'sidecar-removed', cluster: 'cluster1', namespace: 'sample', workload: 'sleep', on: false },
    );
    const { body } = await sleepToHelloworld();
    expect(body.source.sidecar).toBe(false);
    expect(body.dataPlane.state).toBe('no-sidecar');
    expect(body.verdict.sentence).toBe(`PeerAuthentication istio-system/default in cluster1 is STRICT and ${SLEEP1} has no sidecar: its plaintext requests are refused`);
    expect(body.problems[0]).toMatchObject({ check: 'mtls-strict-no-sidecar', cluster: CLUSTER1 });
  });

  it('a proxy that missed an EDS push: its endpoints lag istiod\'s', async () => {
    fault({ type: 'eds-stale', cluster: 'cluster2', namespace: 'default', pod: RATINGS, on: true }, { type: 'eds-stale', cluster: 'cluster2', namespace: 'default', pod: RATINGS, on: false });
    // istiod then drops reviews-v1's endpoint (draining, not a persistent-session service); the frozen proxy keeps it.
    const v1 = (seed.lab.world as LabWorld).mesh.pods('cluster1').find((p) => p.app === 'reviews' && p.version === 'v1')!.name;
    fault({ type: 'endpoint-draining', cluster: 'cluster1', namespace: 'default', pod: v1, on: true }, { type: 'endpoint-draining', cluster: 'cluster1', namespace: 'default', pod: v1, on: false });
    const { body } = await ratingsToReviews();
    expect(body.controlPlane.edsStatus).toBe('STALE');
    expect(body.verdict.sentence).toBe("the client's Envoy holds 2 endpoints of reviews on network1 while istiod replica istiod-6c4d88c6d7-wpzz8 has 1: the proxy missed an EDS push (EDS STALE)");
    expect(body.problems.find((p) => p.severity === 'error')).toMatchObject({ check: 'proxy-not-synced', cluster: CLUSTER2 });
  });

  it('remote secret missing: cluster2\'s istiod does not read cluster1', async () => {
    fault({ type: 'remote-secret', cluster: 'cluster2', remote: 'cluster1', present: false }, { type: 'remote-secret', cluster: 'cluster2', remote: 'cluster1', present: true });
    const { body } = await ratingsToReviews();
    expect(body.verdict.sentence).toBe("cluster2's istiod does not read cluster1: remote secret missing");
    expect(body.problems[0]).toMatchObject({ check: 'remote-secret-missing', cluster: CLUSTER2 });
  });

  it('remote cluster not synced', async () => {
    fault({ type: 'remote-sync', cluster: 'cluster2', remote: 'cluster1', status: 'timeout' }, { type: 'remote-sync', cluster: 'cluster2', remote: 'cluster1', status: 'synced' });
    const { body } = await ratingsToReviews();
    expect(body.verdict.sentence).toBe('istiod istiod-6c4d88c6d7-wpzz8 of cluster2 reads cluster1 but its sync is timeout');
    expect(body.problems[0]).toMatchObject({ check: 'remote-cluster-not-synced', cluster: CLUSTER2 });
  });

  it('east-west gateway pending: cluster1\'s pod IPs are not routable from network2', async () => {
    fault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true }, { type: 'eastwest-pending', cluster: 'cluster1', pending: false });
    const { body } = await ratingsToReviews();
    expect(body.verdict.sentence).toBe("the client's Envoy holds cluster1's pod IPs, which are not routable from network2: cluster1's east-west gateway has no external address");
    expect(body.problems.map((p) => p.check)).toContain('eastwest-gateway-no-address');
    expect(body.paths.filter((p) => p.cluster === CLUSTER1).every((p) => p.via === 'none')).toBe(true);
  });

  it('a down cluster: its column is unknown with the reason, the rest still answers within the deadline', async () => {
    // From a healthy mesh: a pod an earlier test's undo recreated is still starting for the scenario's
    // podStartMs, and its empty subset cluster would rightly be the verdict.
    await expect.poll(async () => (await ratingsToReviews()).body.verdict.sentence, { timeout: 15_000 }).toMatch(/^Healthy/);
    fault({ type: 'api-down', cluster: 'cluster1', down: true }, { type: 'api-down', cluster: 'cluster1', down: false });
    const { status, body, ms } = await ratingsToReviews();
    expect(status).toBe(200);
    expect(ms).toBeLessThan(DEADLINE_MS + 1000);
    const c1 = body.expected.find((c) => c.cluster === CLUSTER1)!;
    expect(c1.state).toBe('unknown');
    expect(c1.reason).toMatch(/refused|reset the connection/);
    const c2 = body.expected.find((c) => c.cluster === CLUSTER2)!;
    expect(c2.state).toBe('ok');
    expect(c2.endpoints.map((e) => e.pod)).toEqual(['reviews-v3-5b9bd44f4-ztxsd']);
    expect(body.dataPlane.state).toBe('ok');
    expect(body.verdict.healthy).toBe(false);
    expect(body.verdict.sentence).toMatch(/^No broken link found, but cluster1(-admin@cluster1)? is unknown \(.*(refused|reset) the connection\)\.$/);
  });
});

describe('trace with two istiod replicas in cluster2', () => {
  let lab: Lab;
  let world: LabWorld;
  beforeAll(async () => {
    const doc = parse(fs.readFileSync(path.resolve(__dirname, '../lab/scenarios/seed.yaml'), 'utf8'));
    doc.clusters[1].istiod = { ...doc.clusters[1].istiod, pods: undefined, replicas: 2 };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-trace-'));
    world = createWorld(parseScenario(doc));
    lab = await startLab({ world, kubeconfigOut: path.join(dir, 'kubeconfig') });
    process.env.ISTHMUS_KUBECONFIG = lab.kubeconfigPath;
  });
  afterAll(() => stopLab(lab));

  it('one replica whose shard for cluster1 is empty: the verdict names both replicas', async () => {
    const replicas = world.mesh.istiodReplicas('cluster2').map((p) => p.name);
    const caller = world.mesh.findPod('cluster2', 'default', RATINGS)!;
    const other = replicas.find((r) => r !== world.mesh.istiodOf(caller)!.name)!;
    lab.applyFault({ type: 'istiod-shard-empty', cluster: 'cluster2', replica: other, remote: 'cluster1', on: true });
    freshState();
    const { body } = await ratingsToReviews();
    const healthy = replicas.find((r) => r !== other)!;
    expect(body.verdict.sentence).toBe(`istiod replica ${other} has 0 endpoints of reviews from cluster1 while replica ${healthy} has 2`);
    expect(body.problems[0]).toMatchObject({ check: 'istiod-replicas-disagree', cluster: CLUSTER2, subject: `istiod ${other}` });
    expect(body.controlPlane.replicas.find((r) => r.pod === other)!.shards.find((s) => s.clusterId === 'cluster1')).toMatchObject({ endpoints: 0, expected: 2, mismatch: true });
  });
});
