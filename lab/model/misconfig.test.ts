import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MisconfigFault, ResourceType } from '../world';
import { createWorld, loadScenario, type LabWorld } from './index';

const SEED = path.resolve(__dirname, '../scenarios/seed.yaml');
const NOW = Date.parse('2024-06-06T12:00:00Z');
const ISTIOD2 = 'istiod-6c4d88c6d7-wpzz8';
const ISTIOD1 = 'istiod-6696b6844d-cwj44';
const t = (resource: string, group = ''): ResourceType => ({ group, version: 'v1', resource, kind: resource, namespaced: resource !== 'namespaces' && resource !== 'nodes' });
const TYPES = [t('nodes'), t('namespaces'), t('pods'), t('services'), t('configmaps'), t('secrets'), t('gateways', 'networking.istio.io'), t('destinationrules', 'networking.istio.io')];

async function get(handler: ((req: IncomingMessage, res: ServerResponse) => void) | null, urlPath: string): Promise<string> {
  const server = http.createServer(handler!);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${urlPath}`)).text();
  } finally {
    server.close();
  }
}

/** Everything a check could read of both clusters: objects and istiod's debug answers. */
async function state(world: LabWorld): Promise<string> {
  const parts: unknown[] = [];
  for (const c of ['cluster1', 'cluster2']) {
    for (const type of TYPES) parts.push(world.list(c, type).map((o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '' } })));
    const istiod = c === 'cluster1' ? ISTIOD1 : ISTIOD2;
    for (const p of ['/debug/clusterz', '/debug/syncz', '/debug/networkz']) parts.push(await get(world.podHandler(c, 'istio-system', istiod, 15014), p));
  }
  return JSON.stringify(parts);
}

const DRILLS: Array<[MisconfigFault, MisconfigFault]> = [
  [{ type: 'root-ca', cluster: 'cluster2', ca: 'other' }, { type: 'root-ca', cluster: 'cluster2', ca: null }],
  [{ type: 'root-expiry', cluster: 'cluster2', days: 10 }, { type: 'root-expiry', cluster: 'cluster2', days: null }],
  [{ type: 'network-label-missing', cluster: 'cluster2', on: true }, { type: 'network-label-missing', cluster: 'cluster2', on: false }],
  [{ type: 'eastwest-missing', cluster: 'cluster2', on: true }, { type: 'eastwest-missing', cluster: 'cluster2', on: false }],
  [{ type: 'eastwest-port-missing', cluster: 'cluster2', on: true }, { type: 'eastwest-port-missing', cluster: 'cluster2', on: false }],
  [{ type: 'cross-network-gateway-missing', cluster: 'cluster2', on: true }, { type: 'cross-network-gateway-missing', cluster: 'cluster2', on: false }],
  // The seed exposes no istiod: the drill adds the Gateway, its undo removes it again.
  [{ type: 'istiod-gateway-missing', cluster: 'cluster1', on: false }, { type: 'istiod-gateway-missing', cluster: 'cluster1', on: true }],
  [{ type: 'node-pod-cidr', cluster: 'cluster1', cidr: '10.244.0.0/16' }, { type: 'node-pod-cidr', cluster: 'cluster1', cidr: null }],
  [{ type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: false }, { type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: true }],
  [{ type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: true, id: 'Kubernetes' }, { type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: true }],
  [{ type: 'cluster-id', cluster: 'cluster2', id: 'cluster1' }, { type: 'cluster-id', cluster: 'cluster2', id: null }],
  [{ type: 'trust-domain', cluster: 'cluster2', trustDomain: 'other.local' }, { type: 'trust-domain', cluster: 'cluster2', trustDomain: null }],
  [{ type: 'mesh-id', cluster: 'cluster2', meshId: 'mesh2' }, { type: 'mesh-id', cluster: 'cluster2', meshId: null }],
  [{ type: 'dns-capture-off', cluster: 'cluster1', on: true }, { type: 'dns-capture-off', cluster: 'cluster1', on: false }],
  [{ type: 'istiod-version', cluster: 'cluster2', version: '1.23.0' }, { type: 'istiod-version', cluster: 'cluster2', version: null }],
  [{ type: 'service-ports', cluster: 'cluster2', namespace: 'default', name: 'ratings', ports: [9081] }, { type: 'service-ports', cluster: 'cluster2', namespace: 'default', name: 'ratings', ports: null }],
  [{ type: 'service-absent', cluster: 'cluster1', namespace: 'default', name: 'ratings', on: true }, { type: 'service-absent', cluster: 'cluster1', namespace: 'default', name: 'ratings', on: false }],
  [{ type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: true }, { type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: false }],
  [{ type: 'xds', cluster: 'cluster2', namespace: 'default', pod: 'ratings-v1-6484c4d9bb-25cnf', xdsType: 'lds', status: 'stale' }, { type: 'xds', cluster: 'cluster2', namespace: 'default', pod: 'ratings-v1-6484c4d9bb-25cnf', xdsType: 'lds', status: 'synced' }],
];

describe('misconfiguration drills', () => {
  it('node-pod-cidr gives each node the next /24 of the range as spec.podCIDR(s), as kube-controller-manager does', () => {
    const world = createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => NOW });
    const nodes = () => world.list('cluster1', t('nodes')).map((n) => [n.metadata.name, (n.spec as { podCIDR?: string }).podCIDR, (n.spec as { podCIDRs?: string[] }).podCIDRs]);
    expect(nodes().every(([, cidr]) => cidr === undefined)).toBe(true);
    world.applyFault({ type: 'node-pod-cidr', cluster: 'cluster1', cidr: '10.244.0.0/16' });
    expect(nodes()).toEqual([
      ['c11-istio-master', '10.244.0.0/24', ['10.244.0.0/24']],
      ['c11-istio-work1', '10.244.1.0/24', ['10.244.1.0/24']],
      ['c11-istio-work2', '10.244.2.0/24', ['10.244.2.0/24']],
      ['c11-istio-work3', '10.244.3.0/24', ['10.244.3.0/24']],
    ]);
  });

  it('istiod-gateway-missing removes and restores the istiod Gateway (15012, 15017) on the east-west gateway', () => {
    const world = createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => NOW });
    const gateways = () => world.list('cluster1', t('gateways', 'networking.istio.io')).map((g) => g.metadata.name);
    expect(gateways()).not.toContain('istiod-gateway');
    world.applyFault({ type: 'istiod-gateway-missing', cluster: 'cluster1', on: false });
    expect(gateways()).toContain('istiod-gateway');
    world.applyFault({ type: 'istiod-gateway-missing', cluster: 'cluster1', on: true });
    expect(gateways()).not.toContain('istiod-gateway');
  });

  it.each(DRILLS)('%o changes what the lab serves, and undoing it restores it', async (on, off) => {
    const world = createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => NOW });
    const before = await state(world);
    world.applyFault(on);
    expect(await state(world)).not.toEqual(before);
    world.applyFault(off);
    expect(await state(world)).toEqual(before);
  });

  it('a remote secret for a wrong ID shows that ID in clusterz and the secret', async () => {
    const world = createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => NOW });
    world.applyFault({ type: 'remote-secret', cluster: 'cluster1', remote: 'cluster2', present: true, id: 'Kubernetes' });
    const rows = JSON.parse(await get(world.podHandler('cluster1', 'istio-system', ISTIOD1, 15014), '/debug/clusterz'));
    // A 1.21 istiod lists remote secrets only (its own cluster from 1.22).
    expect(rows.map((r: { id: string }) => r.id)).toEqual(['Kubernetes']);
    const secret = world.list('cluster1', t('secrets')).find((s) => s.metadata.name === 'istio-remote-secret-cluster2')!;
    expect(Object.keys(secret.data as object)).toEqual(['Kubernetes']);
  });

  it('a NACK is ERROR with its text from a 1.23+ istiod, STALE before', async () => {
    const world = createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => NOW });
    world.applyFault({ type: 'xds', cluster: 'cluster2', namespace: 'default', pod: 'ratings-v1-6484c4d9bb-25cnf', xdsType: 'lds', status: 'error' });
    const syncz = async () => JSON.parse(await get(world.podHandler('cluster2', 'istio-system', ISTIOD2, 15014), '/debug/syncz')).find((r: { proxy: string }) => r.proxy.startsWith('ratings'));
    const old = await syncz();
    expect(old.resources).toBeUndefined();
    expect(old.listener_sent).not.toEqual(old.listener_acked);
    world.applyFault({ type: 'istiod-version', cluster: 'cluster2', version: '1.24.0' });
    const current = await syncz();
    expect(current.resources['type.googleapis.com/envoy.config.listener.v3.Listener'].lastError).toMatch(/duplicate listener/);
  });
});
