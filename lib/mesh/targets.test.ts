import { describe, expect, it } from 'vitest';
import { C1, C2, largeSnapshots, seedSnapshots } from '../topology/seed-snapshots';
import { buildAddressIndex, resolveTarget } from './targets';

const FROM_C2 = { cluster: C2, network: 'network2' };
const FROM_C1 = { cluster: C1, network: 'network1' };

describe('resolveTarget', () => {
  const snapshots = seedSnapshots();
  const index = buildAddressIndex(snapshots);

  it('resolves a remote east-west gateway address on 15443', () => {
    expect(resolveTarget('172.40.143.182', 15443, index, FROM_C2)).toEqual({
      kind: 'eastwest-gateway',
      cluster: C1,
      network: 'network1',
      service: 'istio-eastwestgateway',
    });
  });

  it('resolves ambient tunnel addresses: a pod behind connect_originate, the east-west gateway behind inner_connect_originate', () => {
    expect(resolveTarget('envoy://inner_connect_originate/172.40.143.182:15008', null, index, FROM_C2)).toEqual({
      kind: 'eastwest-gateway',
      cluster: C1,
      network: 'network1',
      service: 'istio-eastwestgateway',
    });
    expect(resolveTarget('envoy://connect_originate/192.168.179.215:9080', null, index, FROM_C2, 'inbound-vip|9080|http|reviews.default.svc.cluster.local')).toMatchObject({
      kind: 'pod',
      cluster: C2,
      name: 'reviews-v3-5b9bd44f4-ztxsd',
      crossNetwork: false,
    });
    expect(resolveTarget('envoy://inner_connect_originate/203.0.113.9:15008', null, index, FROM_C2)).toEqual({ kind: 'unknown' });
  });

  it('resolves pod IPs on the caller\'s network first (pod CIDRs overlap across networks)', () => {
    expect(resolveTarget('192.168.179.215', 9080, index, FROM_C2)).toEqual({
      kind: 'pod',
      cluster: C2,
      namespace: 'default',
      name: 'reviews-v3-5b9bd44f4-ztxsd',
      network: 'network2',
      crossNetwork: false,
    });
    expect(resolveTarget('192.168.179.215', 9080, index, FROM_C1)).toMatchObject({ kind: 'pod', cluster: C1, namespace: 'kube-system', name: 'coredns-5d78c9869d-zzzzz', crossNetwork: false });
    // Only one cluster has the IP: found whatever the caller's network.
    expect(resolveTarget('192.168.33.12', 9080, index, FROM_C2)).toMatchObject({ kind: 'pod', cluster: C1, name: 'reviews-v1-5b5d6494f4-ab12c' });
  });

  it("tells pods that share an IP apart by the Envoy cluster's service", () => {
    // cluster1's coredns and cluster2's reviews-v3 have the same IP; the reviews cluster names the right one.
    expect(resolveTarget('192.168.179.215', 9080, index, FROM_C1, 'outbound|9080||reviews.default.svc.cluster.local')).toMatchObject({
      kind: 'pod',
      cluster: C2,
      name: 'reviews-v3-5b9bd44f4-ztxsd',
      crossNetwork: true,
    });
    expect(resolveTarget('192.168.179.215', 53, index, FROM_C1, 'outbound|53||kube-dns.kube-system.svc.cluster.local')).toMatchObject({ name: 'coredns-5d78c9869d-zzzzz' });
  });

  it("knows the gateways istiod resolved: a load balancer hostname's IP, a NodePort gateway's node address", () => {
    const snapshots = seedSnapshots({ cluster1EastWestPending: true });
    const index = buildAddressIndex(snapshots, [
      { network: 'network1', cluster: 'cluster1', address: '3.4.5.6', port: 15443, hbonePort: 0 }, // e.g. an ELB hostname, resolved
      { network: 'network1', cluster: 'cluster1', address: '172.40.140.31', port: 32163, hbonePort: 0 }, // a node IP and nodePort
    ]);
    const gateway = { kind: 'eastwest-gateway', cluster: C1, network: 'network1', service: 'istio-eastwestgateway' };
    expect(resolveTarget('3.4.5.6', 15443, index, FROM_C2)).toEqual(gateway);
    expect(resolveTarget('172.40.140.31', 32163, index, FROM_C2)).toEqual(gateway);
    expect(resolveTarget('3.4.5.6', 443, index, FROM_C2)).toEqual({ kind: 'unknown' });
  });

  it('knows pipes and says unknown for everything else', () => {
    expect(resolveTarget('unix://./etc/istio/proxy/XDS', null, index, FROM_C2)).toEqual({ kind: 'pipe' });
    expect(resolveTarget('10.9.9.9', 80, index, FROM_C2)).toEqual({ kind: 'unknown' });
    expect(resolveTarget('envoy://connect_originate/10.0.0.1:80', null, index, FROM_C2)).toEqual({ kind: 'unknown' });
    // The ingress gateway is not a network gateway; the east-west IP on a port it does not expose is not the gateway.
    expect(resolveTarget('172.40.143.181', 443, index, FROM_C2)).toEqual({ kind: 'unknown' });
    expect(resolveTarget('172.40.143.182', 9080, index, FROM_C2)).toEqual({ kind: 'unknown' });
  });

  it('does not resolve a pending gateway, and accepts snapshots instead of an index', () => {
    const pending = seedSnapshots({ cluster1EastWestPending: true });
    expect(resolveTarget('172.40.143.182', 15443, pending, FROM_C2)).toEqual({ kind: 'unknown' });
    // ...so the remote pod is dialled by its pod IP across networks: flagged.
    expect(resolveTarget('192.168.33.10', 9080, pending, FROM_C2)).toMatchObject({
      kind: 'pod',
      name: 'productpage-v1-d5789fdfb-5cr6m',
      network: 'network1',
      crossNetwork: true,
    });
  });

  it('resolves 10,000 rows against 50,000 pods in linear time', () => {
    const large = largeSnapshots(50, 10, 10, 10);
    const started = performance.now();
    const big = buildAddressIndex(large);
    let pods = 0;
    for (let i = 0; i < 10_000; i++) {
      const target = resolveTarget(`10.${i % 50}.${i % 100}.${i % 10}`, 9080, big, { cluster: 'cluster0-admin@cluster0', network: 'network0' });
      if (target.kind === 'pod') pods++;
    }
    const ms = performance.now() - started;
    console.log(`index 50,000 pods + resolve 10,000 rows: ${ms.toFixed(1)} ms`);
    expect(pods).toBe(10_000);
    expect(ms).toBeLessThan(5_000);
  });
});
