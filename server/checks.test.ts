import { describe, expect, it } from 'vitest';
import type { NetworkGateway } from '@/lib/istio/networkz';
import type { Read } from '@/lib/checks/types';
import type { RemoteClusterRow } from '@/lib/types/api';
import { DeadlineExceeded } from './k8s/deadline';
import { toSourceError } from './k8s/errors';
import { routingOf } from './checks';

/** A read of istiod that timed out as the checks' reader says it: under the optional deadline left. */
function timedOut(path: string, msLeft: number): { ok: false; reason: string } {
  return { ok: false, reason: toSourceError(new DeadlineExceeded(msLeft), { cluster: 'cluster1', source: `istiod istiod-abc ${path}` }).message };
}

const gateways: Read<NetworkGateway[]> = { ok: true, value: [{ network: 'network2', cluster: 'cluster2', address: '192.168.30.2', port: 15443, hbonePort: 0 }] };
const remote = (status: string): RemoteClusterRow => ({ name: 'cluster2', secret: 'istio-system/istio-remote-secret-cluster2', status, istiod: 'istiod-abc', revision: 'default' });
const remotes: Read<RemoteClusterRow[]> = { ok: true, value: [remote('synced')] };

describe('routingOf (what a kept proxy sample is keyed by)', () => {
  it('is the same for a replica that times out on every request, whatever deadline was left', () => {
    const first = routingOf([{ networkz: timedOut('/debug/networkz', 4749), clusterz: timedOut('/debug/clusterz', 4749) }]);
    const next = routingOf([{ networkz: timedOut('/debug/networkz', 4746), clusterz: timedOut('/debug/clusterz', 4746) }]);
    expect(next).toBe(first);
  });

  it('changes with the gateways or remote clusters istiod answers, and when it stops answering', () => {
    const known = routingOf([{ networkz: gateways, clusterz: remotes }]);
    const syncing = routingOf([{ networkz: gateways, clusterz: { ok: true, value: [remote('syncing')] } }]);
    const unknown = routingOf([{ networkz: timedOut('/debug/networkz', 4749), clusterz: remotes }]);
    expect(new Set([known, syncing, unknown]).size).toBe(3);
  });
});
