import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorld, loadScenario, type LabWorld } from './index';
import { endpointRows, get } from './testing';

/** The ambient scenario: ztunnel and waypoints, and the shapes istiod and Envoy give them. */
const AMBIENT = path.resolve(__dirname, '../scenarios/ambient.yaml');
const NOW = Date.parse('2026-06-06T12:00:00Z');
const PODS = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };

function world(): LabWorld {
  return createWorld(loadScenario(AMBIENT), { nowMs: NOW, clock: () => NOW });
}

const podNames = (w: LabWorld, cluster: string, namespace: string) => w.list(cluster, PODS, namespace).map((p) => p.metadata.name);

describe('ambient scenario', () => {
  it('runs a ztunnel per node (DaemonSet) and a waypoint per namespace, and no sidecar', () => {
    const w = world();
    const ztunnels = w.list('cluster2', PODS, 'istio-system').filter((p) => p.metadata.name.startsWith('ztunnel-'));
    expect(ztunnels.map((p) => (p.spec as { nodeName: string }).nodeName).sort()).toEqual(['amb2-control-plane', 'amb2-worker1']);
    expect((ztunnels[0].metadata as { ownerReferences: Array<{ kind: string }> }).ownerReferences[0].kind).toBe('DaemonSet');
    expect(podNames(w, 'cluster2', 'default').filter((n) => n.startsWith('waypoint-'))).toHaveLength(1);
    const reviews = w.list('cluster2', PODS, 'default').find((p) => p.metadata.name.startsWith('reviews-v3-'))!;
    expect(JSON.stringify(reviews.spec)).not.toContain('istio-proxy');
  });

  it('istiod lists each ztunnel with the workload and authorization types, and HBONE gateways', async () => {
    const w = world();
    const istiod = podNames(w, 'cluster2', 'istio-system').find((n) => n.startsWith('istiod-'))!;
    const syncz = JSON.parse((await get(w.podHandler('cluster2', 'istio-system', istiod, 15014), '/debug/syncz')).body) as Array<{ proxy: string; proxy_type: string; resources: object }>;
    const ztunnels = syncz.filter((e) => e.proxy_type === 'ztunnel');
    expect(ztunnels).toHaveLength(2);
    expect(Object.keys(ztunnels[0].resources).sort()).toEqual(['type.googleapis.com/istio.security.Authorization', 'type.googleapis.com/istio.workload.Address']);
    expect(syncz.find((e) => e.proxy.startsWith('waypoint-'))?.proxy_type).toBe('router');

    const networkz = JSON.parse((await get(w.podHandler('cluster2', 'istio-system', istiod, 15014), '/debug/networkz')).body) as object[];
    expect(networkz).toContainEqual({ Network: 'network1', Cluster: 'cluster1', Addr: '172.41.0.10', Port: 15008, HBONEPort: 15008, ServiceAccount: { Namespace: 'istio-system', Name: 'istio-eastwestgateway' } });
  });

  it("the waypoint reaches local pods through connect_originate and the other network's through its gateway (inner_connect_originate)", async () => {
    const w = world();
    const waypoint = podNames(w, 'cluster2', 'default').find((n) => n.startsWith('waypoint-'))!;
    const reviewsIP = (w.list('cluster2', PODS, 'default').find((p) => p.metadata.name.startsWith('reviews-v3-'))!.status as { podIP: string }).podIP;
    expect(await endpointRows(w, 'cluster2', 'default', waypoint, 'inbound-vip|9080|http|reviews.default.svc.cluster.local')).toEqual([
      `envoy://connect_originate/${reviewsIP}:9080 HEALTHY OK w1`,
      'envoy://inner_connect_originate/172.41.0.10:15008 HEALTHY OK w2',
    ]);
    // No Envoy in a ztunnel.
    const ztunnel = podNames(w, 'cluster2', 'istio-system').find((n) => n.startsWith('ztunnel-'))!;
    expect(w.podHandler('cluster2', 'istio-system', ztunnel, 15000)).toBeNull();
  });
});
