import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { weightScaleFactor, type NetworkGateway } from './eds';
import { createWorld, loadScenario, withIstioVersion, type LabWorld, type Scenario } from './index';
import { clusterz, endpointRows, get } from './testing';

/** The version knob: the seed mesh as each Istio release the lab models, and the shapes each one serves. */
const SEED = path.resolve(__dirname, '../scenarios/seed.yaml');
const NOW = Date.parse('2024-06-06T12:00:00Z');
const ISTIOD1 = 'istiod-6696b6844d-cwj44';
const ISTIOD2 = 'istiod-6c4d88c6d7-wpzz8';
const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';

function world(version: string, change: (s: Scenario) => Scenario = (s) => s): LabWorld {
  return createWorld(change(withIstioVersion(loadScenario(SEED), version)), { nowMs: NOW, clock: () => NOW });
}

async function debugJson(w: LabWorld, cluster: string, istiod: string, debugPath: string): Promise<unknown> {
  const res = await get(w.podHandler(cluster, 'istio-system', istiod, 15014), debugPath);
  expect(res.status).toBe(200);
  return JSON.parse(res.body);
}

type SyncEntry = Record<string, unknown> & { proxy: string; resources?: Record<string, { sent?: string; acked?: string; sentTime: string; lastError?: string }> };

const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const NDS = 'type.googleapis.com/istio.networking.nds.v1.NameTable';

describe('the version knob', () => {
  it('refuses a version that is not major.minor.patch', () => {
    expect(() => withIstioVersion(loadScenario(SEED), '1.28')).toThrow(/invalid Istio version "1.28"/);
  });

  it('sets the images istioctl reads the version from', () => {
    const w = world('1.26.3');
    const istiod = w.list('cluster1', { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true }, 'istio-system').find((p) => p.metadata.name === ISTIOD1)!;
    expect(JSON.stringify(istiod.spec)).toContain('docker.io/istio/pilot:1.26.3');
  });
});

describe('clusterz by version', () => {
  it("serves Istio's CRDs in the versions each release serves (v1 from 1.22 on, v1beta1 always)", () => {
    const versions = (v: string, resource: string) => world(v).resourceTypes().filter((t) => t.resource === resource).map((t) => t.version);
    expect(versions('1.21.2', 'gateways')).toEqual(['v1beta1', 'v1alpha3']);
    expect(versions('1.21.2', 'peerauthentications')).toEqual(['v1beta1']);
    expect(versions('1.22.0', 'destinationrules')).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    expect(versions('1.28.0', 'peerauthentications')).toEqual(['v1', 'v1beta1']);
    expect(versions('1.28.0', 'pods')).toEqual(['v1']);
  });

  it("names the VirtualService of a route in the version istiod's schema has (v1alpha3 until 1.24)", async () => {
    const routeConfig = async (v: string) => {
      const dump = (await get(world(v).podHandler('cluster2', 'default', RATINGS, 15000), '/config_dump')).body;
      return [...new Set(dump.match(/\/apis\/networking\.istio\.io\/[a-z0-9]+\/namespaces\/[^"]+\/virtual-service\/[^"]+/g) ?? [])];
    };
    const at121 = await routeConfig('1.21.2');
    expect(at121.length).toBeGreaterThan(0);
    expect(at121.every((c) => c.startsWith('/apis/networking.istio.io/v1alpha3/'))).toBe(true);
    expect((await routeConfig('1.24.0')).every((c) => c.startsWith('/apis/networking.istio.io/v1/'))).toBe(true);
  });

  it('1.21: remote secrets only; null without any', async () => {
    expect(await clusterz(world('1.21.2'), 'cluster1', ISTIOD1)).toEqual([{ id: 'cluster2', secretName: 'istio-system/istio-remote-secret-cluster2', syncStatus: 'synced' }]);
    const alone = world('1.21.2', (s) => ({ ...s, clusters: s.clusters.map((c) => ({ ...c, remoteSecrets: [] })) }));
    expect((await get(alone.podHandler('cluster1', 'istio-system', ISTIOD1, 15014), '/debug/clusterz')).body).toBe('null');
  });

  it.each(['1.22.0', '1.24.1', '1.26.3', '1.28.0'])('%s: the config cluster first, with no secret', async (version) => {
    expect(await clusterz(world(version), 'cluster2', ISTIOD2)).toEqual([
      { id: 'cluster2', secretName: '', syncStatus: 'synced' },
      { id: 'cluster1', secretName: 'istio-system/istio-remote-secret-cluster1', syncStatus: 'synced' },
    ]);
  });
});

describe('networkz by version', () => {
  it('1.22: Network, Cluster, Addr, Port only', async () => {
    expect(await debugJson(world('1.22.0'), 'cluster1', ISTIOD1, '/debug/networkz')).toEqual([
      { Network: 'network1', Cluster: 'cluster1', Addr: '172.40.143.182', Port: 15443 },
      { Network: 'network2', Cluster: 'cluster2', Addr: '172.40.143.192', Port: 15443 },
    ]);
  });

  it.each(['1.24.1', '1.28.0'])('%s: HBONEPort and ServiceAccount too (zero for Service-labelled gateways)', async (version) => {
    const gateways = (await debugJson(world(version), 'cluster1', ISTIOD1, '/debug/networkz')) as object[];
    expect(gateways[0]).toEqual({ Network: 'network1', Cluster: 'cluster1', Addr: '172.40.143.182', Port: 15443, HBONEPort: 0, ServiceAccount: { Namespace: '', Name: '' } });
  });
});

describe('syncz by version', () => {
  const ratings = async (version: string, change?: (s: Scenario) => Scenario) =>
    ((await debugJson(world(version, change), 'cluster2', ISTIOD2, '/debug/syncz')) as SyncEntry[]).find((e) => e.proxy === `${RATINGS}.default`)!;

  it('≤ 1.22: flat nonces only', async () => {
    for (const version of ['1.21.2', '1.22.0']) {
      const entry = await ratings(version);
      expect(entry.resources).toBeUndefined();
      expect(Object.keys(entry).filter((k) => k.endsWith('_sent')).sort()).toEqual(['cluster_sent', 'endpoint_sent', 'listener_sent', 'route_sent']);
    }
  });

  it.each(['1.24.1', '1.26.3', '1.28.0'])('%s: flat nonces plus resources with sentTime for every subscribed type (NDS with DNS capture)', async (version) => {
    const entry = await ratings(version);
    const types = Object.keys(entry.resources!);
    expect(types.sort()).toEqual([CDS, 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', 'type.googleapis.com/envoy.config.listener.v3.Listener', 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', NDS].sort());
    expect(entry.resources![CDS].sent).toBe(entry.cluster_sent);
    expect(entry.resources![CDS].sentTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(Date.parse(entry.resources![CDS].sentTime)).toBeLessThan(NOW);
  });

  it('no DNS capture: no NDS subscription', async () => {
    const entry = await ratings('1.28.0', (s) => ({ ...s, istio: { ...s.istio, dnsCapture: false } }));
    expect(Object.keys(entry.resources!)).not.toContain(NDS);
  });

  it('a NACK is lastError from 1.23 (and a stale type before)', async () => {
    const nack = (s: Scenario): Scenario => ({ ...s, xds: [{ cluster: 'cluster2', namespace: 'default', pod: RATINGS, type: 'cds', status: 'error' }] });
    const modern = await ratings('1.26.3', nack);
    expect(modern.resources![CDS].lastError).toMatch(/validation failed/);
    const old = await ratings('1.22.0', nack);
    expect(old.cluster_sent).not.toBe(old.cluster_acked);
    expect(old.cluster_acked).toBeTruthy();
  });
});

describe('gateway weights', () => {
  const gw = (network: string, cluster: string, addr: string): NetworkGateway => ({ network, cluster, addr, port: 15443, hbonePort: 0 });

  it('scale by the LCM of gateway counts per network and per network + cluster', () => {
    expect(weightScaleFactor([gw('n1', 'c1', 'a'), gw('n2', 'c2', 'b')])).toBe(1);
    expect(weightScaleFactor([gw('n1', 'c1', 'a'), gw('n1', 'c1', 'b'), gw('n2', 'c2', 'c')])).toBe(2);
    // network1 has 3 gateways over two clusters (2 + 1): lcm(3, 2, 1) = 6.
    expect(weightScaleFactor([gw('n1', 'c1', 'a'), gw('n1', 'c1', 'b'), gw('n1', 'c3', 'c'), gw('n2', 'c2', 'd')])).toBe(6);
  });

  it('two east-west gateway IPs share remote endpoints in whole weights; local ones are scaled alike', async () => {
    const w = world('1.24.1', (s) => ({
      ...s,
      clusters: s.clusters.map((c) =>
        c.id !== 'cluster1'
          ? c
          : { ...c, gateways: [...c.gateways, { ...c.gateways[0], name: 'istio-eastwestgateway-b', clusterIP: undefined, externalIP: '172.40.143.183', pods: undefined }] },
      ),
    }));
    expect(await endpointRows(w, 'cluster2', 'default', RATINGS, 'outbound|9080||reviews.default.svc.cluster.local')).toEqual([
      '172.40.143.182:15443 HEALTHY OK w2',
      '172.40.143.183:15443 HEALTHY OK w2',
      '192.168.179.215:9080 HEALTHY OK w2',
    ]);
  });
});
