import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResourceType, WatchEvent } from '../world';
import { createWorld, loadScenario, parseScenario, scaleScenario, type LabWorld } from './index';
import { clusterz, endpointRows, get } from './testing';

const SEED = path.resolve(__dirname, '../scenarios/seed.yaml');
const NOW = Date.parse('2024-06-06T12:00:00Z');
const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';
const ISTIOD1 = 'istiod-6696b6844d-cwj44';
const ISTIOD2 = 'istiod-6c4d88c6d7-wpzz8';

const type = (resource: string, kind: string, group = ''): ResourceType => ({ group, version: 'v1', resource, kind, namespaced: resource !== 'namespaces' });
const PODS = type('pods', 'Pod');
const SERVICES = type('services', 'Service');
const CONFIGMAPS = type('configmaps', 'ConfigMap');

function seedWorld(clock?: () => number): LabWorld {
  return createWorld(loadScenario(SEED), { nowMs: NOW, clock: clock ?? (() => NOW) });
}

describe('seed scenario', () => {
  it("ratings' sidecar sees exactly the talk's endpoints", async () => {
    const world = seedWorld();
    const rows = (svc: string) => endpointRows(world, 'cluster2', 'default', RATINGS, `outbound|9080||${svc}.default.svc.cluster.local`);
    expect(await rows('productpage')).toEqual(['172.40.143.182:15443 HEALTHY OK w1']);
    expect(await rows('details')).toEqual(['172.40.143.182:15443 HEALTHY OK w1']);
    // reviews v1 + v2 in cluster1 collapse into one gateway host of weight 2; v3 is local.
    expect(await rows('reviews')).toEqual(['172.40.143.182:15443 HEALTHY OK w2', '192.168.179.215:9080 HEALTHY OK w1']);
  });

  it('Envoy JSON follows the admin conventions and sets Content-Length', async () => {
    const world = seedWorld();
    const res = await get(world.podHandler('cluster2', 'default', RATINGS, 15000), '/clusters?format=json');
    expect(Number(res.length)).toBe(Buffer.byteLength(res.body));
    const parsed = JSON.parse(res.body) as { cluster_statuses: Array<Record<string, unknown>> };
    const xds = parsed.cluster_statuses.find((c) => c.name === 'xds-grpc') as { host_statuses: Array<{ address: unknown; locality: unknown }> };
    expect(xds.host_statuses[0].address).toEqual({ pipe: { path: './etc/istio/proxy/XDS' } });
    expect(xds.host_statuses[0].locality).toEqual({});
    expect(parsed.cluster_statuses.find((c) => c.name === 'BlackHoleCluster')).not.toHaveProperty('host_statuses');
    const stats = (parsed.cluster_statuses[0].host_statuses as Array<{ stats: Array<{ value?: unknown }> }> | undefined)?.[0]?.stats ?? [];
    for (const s of stats) if ('value' in s) expect(typeof s.value).toBe('string');
    const eds = JSON.parse((await get(world.podHandler('cluster2', 'default', RATINGS, 15000), '/config_dump?include_eds')).body) as { configs: Array<{ '@type': string }> };
    expect(eds.configs.map((c) => c['@type'])).toContain('type.googleapis.com/envoy.admin.v3.EndpointsConfigDump');
  });

  it("clusterz of both istiods: the remote secret's cluster only, as the talk's 1.21 istioctl shows", async () => {
    const world = seedWorld();
    expect(await clusterz(world, 'cluster1', ISTIOD1)).toEqual([{ id: 'cluster2', secretName: 'istio-system/istio-remote-secret-cluster2', syncStatus: 'synced' }]);
    expect(await clusterz(world, 'cluster2', ISTIOD2)).toEqual([{ id: 'cluster1', secretName: 'istio-system/istio-remote-secret-cluster1', syncStatus: 'synced' }]);
  });

  it("has the talk's objects", () => {
    const world = seedWorld();
    const svc = world.list('cluster1', SERVICES, 'istio-system').find((s) => s.metadata.name === 'istio-eastwestgateway')!;
    const spec = svc.spec as { clusterIP: string; type: string; ports: Array<{ name: string; port: number; nodePort: number }> };
    expect(spec.clusterIP).toBe('10.100.159.133');
    expect(spec.type).toBe('LoadBalancer');
    expect(spec.ports.map((p) => `${p.name} ${p.port}:${p.nodePort}`)).toEqual(['status-port 15021:31046', 'tls 15443:32163', 'tls-istiod 15012:30919', 'tls-webhook 15017:32420']);
    expect(svc.status).toEqual({ loadBalancer: { ingress: [{ ip: '172.40.143.182', ipMode: 'VIP' }] } });
    expect(svc.metadata.labels).toMatchObject({ istio: 'eastwestgateway', app: 'istio-eastwestgateway', 'topology.istio.io/network': 'network1' });

    const sample = world.list('cluster1', PODS, 'sample');
    const hello = sample.find((p) => p.metadata.name === 'helloworld-v1-867747c89-wzjch')!;
    expect(hello.status).toMatchObject({ phase: 'Running', podIP: '192.168.184.139' });
    expect(hello.spec).toMatchObject({ nodeName: 'c11-istio-work2' });
    expect(Date.parse(hello.metadata.creationTimestamp)).toBe(NOW - (9 * 60 + 43) * 1000);
    expect(hello.metadata.labels).toMatchObject({ app: 'helloworld', version: 'v1', 'pod-template-hash': '867747c89', 'security.istio.io/tlsMode': 'istio' });

    const loki = world.list('cluster2', PODS, 'default').find((p) => p.metadata.name === 'loki-0')!;
    expect(loki.status).toMatchObject({ phase: 'Pending' });
    expect(loki.status).not.toHaveProperty('podIP');
    expect((loki.spec as { containers: unknown[] }).containers).toHaveLength(2);

    const istiod = world.list('cluster1', PODS, 'istio-system').find((p) => p.metadata.name === ISTIOD1)!;
    expect(istiod.metadata.annotations).toMatchObject({ 'prometheus.io/port': '15014' });
    expect(istiod.metadata.labels).toMatchObject({ app: 'istiod', 'istio.io/rev': 'default' });
  });

  it('shares one real root CA across clusters', () => {
    const world = seedWorld();
    const roots = ['cluster1', 'cluster2'].map((c) => (world.list(c, CONFIGMAPS, 'sample').find((cm) => cm.metadata.name === 'istio-ca-root-cert')!.data as Record<string, string>)['root-cert.pem']);
    expect(roots[0]).toBe(roots[1]);
    const cert = new X509Certificate(roots[0]);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
  });
});

describe('faults', () => {
  it('a pending east-west gateway makes remote callers see raw pod IPs', async () => {
    const world = seedWorld();
    const rvBefore = world.resourceVersion('cluster1');
    world.applyFault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true });
    const svc = world.list('cluster1', SERVICES, 'istio-system').find((s) => s.metadata.name === 'istio-eastwestgateway')!;
    expect(svc.status).toEqual({ loadBalancer: {} });
    const events = world.eventsSince('cluster1', SERVICES, rvBefore) as WatchEvent[];
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['MODIFIED istio-eastwestgateway']);

    const productpageIP = (world.list('cluster1', PODS, 'default').find((p) => p.metadata.name.startsWith('productpage-'))!.status as { podIP: string }).podIP;
    expect(await endpointRows(world, 'cluster2', 'default', RATINGS, 'outbound|9080||productpage.default.svc.cluster.local')).toEqual([`${productpageIP}:9080 HEALTHY OK w1`]);
    const networkz = JSON.parse((await get(world.podHandler('cluster2', 'istio-system', ISTIOD2, 15014), '/debug/networkz')).body) as Array<{ Network: string }>;
    expect(networkz.map((g) => g.Network)).toEqual(['network2']);
  });

  it('ejected endpoints carry their flag; draining ones reach persistent-session services only', async () => {
    const world = seedWorld();
    world.applyFault({ type: 'endpoint-ejected', cluster: 'cluster2', namespace: 'default', pod: 'reviews-v3-5b9bd44f4-ztxsd', on: true });
    const reviews = 'outbound|9080||reviews.default.svc.cluster.local';
    expect(await endpointRows(world, 'cluster2', 'default', RATINGS, reviews)).toContain('192.168.179.215:9080 HEALTHY FAILED w1');
    world.applyFault({ type: 'endpoint-ejected', cluster: 'cluster2', namespace: 'default', pod: 'reviews-v3-5b9bd44f4-ztxsd', on: false });
    const draining = { type: 'endpoint-draining', cluster: 'cluster2', namespace: 'default', pod: 'reviews-v3-5b9bd44f4-ztxsd', on: true } as const;
    world.applyFault(draining);
    expect(await endpointRows(world, 'cluster2', 'default', RATINGS, reviews)).toEqual(['172.40.143.182:15443 HEALTHY OK w2']);

    const seed = loadScenario(SEED);
    const sessions = createWorld(
      { ...seed, services: seed.services.map((s) => (s.name === 'reviews' ? { ...s, labels: { 'istio.io/persistent-session': 'JSESSIONID' } } : s)) },
      { nowMs: NOW, clock: () => NOW },
    );
    sessions.applyFault(draining);
    expect(await endpointRows(sessions, 'cluster2', 'default', RATINGS, reviews)).toContain('192.168.179.215:9080 DRAINING OK w1');
  });

  it('an API server failing after the first sync leaves its cluster synced and its endpoints served', async () => {
    const world = seedWorld();
    const reviews = 'outbound|9080||reviews.default.svc.cluster.local';
    const before = await endpointRows(world, 'cluster2', 'default', RATINGS, reviews);
    world.applyFault({ type: 'api-down', cluster: 'cluster1', down: true });
    expect(world.faults('cluster1').apiDown).toBe(true);
    expect(await clusterz(world, 'cluster2', ISTIOD2)).toEqual([{ id: 'cluster1', secretName: 'istio-system/istio-remote-secret-cluster1', syncStatus: 'synced' }]);
    expect(await endpointRows(world, 'cluster2', 'default', RATINGS, reviews)).toEqual(before);
    world.applyFault({ type: 'remote-sync', cluster: 'cluster1', remote: 'cluster2', status: 'syncing' });
    expect((await clusterz(world, 'cluster1', ISTIOD1))![0].syncStatus).toBe('syncing');
  });

  it('an API server down since istiod started is timeout (first sync never finished) until it answers', async () => {
    const seed = loadScenario(SEED);
    const world = createWorld({ ...seed, faults: [{ type: 'api-down', cluster: 'cluster1', down: true }] }, { nowMs: NOW, clock: () => NOW });
    expect((await clusterz(world, 'cluster2', ISTIOD2))![0].syncStatus).toBe('timeout');
    expect(await endpointRows(world, 'cluster2', 'default', RATINGS, 'outbound|9080||reviews.default.svc.cluster.local')).toEqual(['192.168.179.215:9080 HEALTHY OK w1']);
    world.applyFault({ type: 'api-down', cluster: 'cluster1', down: false });
    expect((await clusterz(world, 'cluster2', ISTIOD2))![0].syncStatus).toBe('synced');
  });

  it('istiod not ready: pod Ready False, /ready 503, clusterz syncing', async () => {
    const world = seedWorld();
    world.applyFault({ type: 'istiod-not-ready', cluster: 'cluster1', on: true });
    const pod = world.list('cluster1', PODS, 'istio-system').find((p) => p.metadata.name === ISTIOD1)!;
    const conditions = (pod.status as { conditions: Array<{ type: string; status: string }> }).conditions;
    expect(conditions.find((c) => c.type === 'Ready')!.status).toBe('False');
    expect((await get(world.podHandler('cluster1', 'istio-system', ISTIOD1, 8080), '/ready')).status).toBe(503);
    expect((await clusterz(world, 'cluster1', ISTIOD1))!.map((r) => r.syncStatus)).toEqual(['syncing']);
  });

  it('a malformed istiod answers 200 with JSON that does not parse', async () => {
    const world = seedWorld();
    world.applyFault({ type: 'istiod-malformed', cluster: 'cluster2', on: true });
    const res = await get(world.podHandler('cluster2', 'istio-system', ISTIOD2, 15014), '/debug/clusterz');
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.body)).toThrow();
  });

  it('through the API server proxy istiod serves /metrics only and Envoy admin is unreachable', async () => {
    const world = seedWorld();
    const proxied = world.podHandler('cluster1', 'istio-system', ISTIOD1, 15014, { viaApiServerProxy: true });
    const metrics = await get(proxied, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('istiod_managed_clusters{cluster_type="remote"} 1');
    expect(metrics.body).toMatch(/^pilot_xds\{version="1\.21\.2"\} \d+$/m);
    expect((await get(proxied, '/debug/clusterz')).status).toBe(401);
    expect(world.podHandler('cluster2', 'default', RATINGS, 15000, { viaApiServerProxy: true })).toBeNull();
    expect(world.podHandler('cluster2', 'default', RATINGS, 9999)).toBeNull();
    expect(world.podHandler('cluster2', 'default', 'loki-0', 15000)).toBeNull();
  });

  it('syncz lists the connected proxies, gateways as routers, SYNCED by default', async () => {
    const world = seedWorld();
    const rows = JSON.parse((await get(world.podHandler('cluster2', 'istio-system', ISTIOD2, 15014), '/debug/syncz')).body) as Array<Record<string, string>>;
    expect(rows.map((r) => r.proxy)).toContain(`${RATINGS}.default`);
    expect(rows.find((r) => r.proxy.startsWith('istio-eastwestgateway-'))!.proxy_type).toBe('router');
    for (const r of rows) {
      expect(r.cluster_id).toBe('cluster2');
      expect(r.cluster_sent).toBe(r.cluster_acked);
      expect(r.endpoint_sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/\d+[0-9a-f]{8}-/);
    }
  });
});

describe('watch', () => {
  it('reports a scale-up as ADDED then MODIFIED when the pod becomes ready', async () => {
    const scenario = { ...loadScenario(SEED), podStartMs: 50 };
    const world = createWorld(scenario);
    const rv = world.resourceVersion('cluster1');
    const seen: WatchEvent[] = [];
    const ready = new Promise<void>((resolve) => {
      world.subscribe('cluster1', PODS, (ev) => {
        seen.push(ev);
        if (ev.type === 'MODIFIED' && (ev.object.status as { phase: string }).phase === 'Running') resolve();
      });
    });
    world.applyFault({ type: 'scale-workload', cluster: 'cluster1', namespace: 'default', workload: 'reviews-v1', replicas: 2 });
    const added = (world.eventsSince('cluster1', PODS, rv) as WatchEvent[]).filter((e) => e.type === 'ADDED');
    expect(added).toHaveLength(1);
    expect((added[0].object.status as { phase: string }).phase).toBe('Pending');
    await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('pod never became ready')), 10_000))]);
    expect(seen[0].type).toBe('ADDED');

    const beforeDelete = world.resourceVersion('cluster1');
    world.applyFault({ type: 'scale-workload', cluster: 'cluster1', namespace: 'default', workload: 'reviews-v1', replicas: 1 });
    expect(seen.at(-1)!.type).toBe('DELETED');
    expect(Number(seen.at(-1)!.object.metadata.resourceVersion)).toBeGreaterThan(beforeDelete);
  });

  it('renders lazily yet numbers and reports changes as if every object had been rendered up front', () => {
    const keyMaterial = new Set(['root-cert.pem', 'ca-cert.pem', 'ca-key.pem', 'cert-chain.pem']);
    const dump = (w: LabWorld) =>
      JSON.stringify(
        w.clusters().map((c) => [w.resourceVersion(c.name), w.resourceTypes().map((t) => [w.list(c.name, t), w.eventsSince(c.name, t, 0)])]),
        (k, v: unknown) => (keyMaterial.has(k) ? '<key material>' : v),
      );
    const read = seedWorld();
    for (const c of read.clusters()) for (const t of read.resourceTypes()) read.list(c.name, t);
    const unread = seedWorld();
    for (const w of [read, unread]) {
      w.applyFault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true });
      w.applyFault({ type: 'api-latency', cluster: 'cluster2', ms: 5 });
    }
    expect(dump(unread)).toBe(dump(read));
  });

  it("answers 'gone' once the history has moved past a resourceVersion", () => {
    const history = 20;
    const world = createWorld(loadScenario(SEED), { watchHistory: history });
    const rv = world.resourceVersion('cluster1');
    expect(world.eventsSince('cluster1', SERVICES, rv)).toEqual([]);
    for (let i = 0; i <= history; i++) world.applyFault({ type: 'eastwest-pending', cluster: 'cluster1', pending: i % 2 === 0 });
    expect(world.eventsSince('cluster1', SERVICES, rv)).toBe('gone');
    const recent = world.resourceVersion('cluster1') - 1;
    expect(world.eventsSince('cluster1', SERVICES, recent)).toHaveLength(1);
  });
});

describe('scenarios', () => {
  it('two worlds from the same scenario are equal (key material aside)', () => {
    const a = seedWorld();
    const b = seedWorld();
    const dump = (w: LabWorld) =>
      JSON.stringify(
        w.clusters().map((c) => w.resourceTypes().map((t) => w.list(c.name, t))),
        // Root keys are generated per world; everything else must match.
        (k, v: unknown) => (k === 'root-cert.pem' || k === 'ca-cert.pem' || k === 'ca-key.pem' || k === 'cert-chain.pem' ? '<key material>' : v),
      );
    expect(dump(a)).toBe(dump(b));
    expect(a.clusters()).toEqual(b.clusters());
    expect(a.clusters().map((c) => c.contexts[0].name)).toEqual(['cluster1-admin@cluster1', 'cluster2-admin@cluster2']);
  });

  it('reports scenario mistakes readably', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-scenario-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nclusters:\n  - id: c1\n    network: n1\n    remoteSecrets: [{ cluster: nope }]\n');
    expect(() => loadScenario(file)).toThrow(/unknown cluster "nope"[\s\S]*clusters\[0\]\.remoteSecrets|clusters\[0\]\.remoteSecrets[\s\S]*unknown cluster "nope"/);
    expect(() => parseScenario({ name: 'x', clusters: [] })).toThrow(/clusters/);
    const viewerOn = (id: string) => ({ id, network: `net-${id}`, extraUsers: [{ name: 'viewer' }] });
    expect(() => parseScenario({ name: 'x', clusters: [viewerOn('c1'), viewerOn('c2')] })).toThrow(/user names must be unique across clusters: viewer/);
  });

  it(
    'builds 50 clusters / 50,000 pods',
    () => {
      const started = performance.now();
      const scenario = scaleScenario({ clusters: 50, namespaces: 20, pods: 50_000 });
      const world = createWorld(scenario);
      const ms = Math.round(performance.now() - started);
      const pods = world.clusters().reduce((n, c) => n + world.list(c.name, PODS).length, 0);
      const heapMB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
      console.log(`scale 50 clusters / ${pods} pods: built in ${ms} ms, heap ${heapMB} MiB`);
      expect(pods).toBe(50_000);
      expect(heapMB).toBeLessThan(1024);
      expect(JSON.stringify(scaleScenario({ clusters: 3, namespaces: 2, pods: 40 }))).toBe(JSON.stringify(scaleScenario({ clusters: 3, namespaces: 2, pods: 40 })));
    },
    180_000,
  );
});

