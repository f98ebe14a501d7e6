/**
 * /api/clusters keeps each cluster's Kubernetes version on its handle state: /version is read until the
 * version is known, then again only in the background once it is older than VERSION_KEPT. Whether a
 * cluster answers is the watch-fed cache's to say, so a cluster that goes down is still not ok.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ClustersResponse } from '@/lib/types/api';
import { GET as clustersGET } from '@/app/api/clusters/route';
import { VERSION_KEPT } from '@/server/clusters';
import { CLUSTER1, CLUSTER2, registry, seedLabWithFaults } from './api-helpers';

const seed = seedLabWithFaults();

const clusters = async () => ((await (await clustersGET()).json()) as ClustersResponse).clusters;
const versionReads = () => seed.lab.requestLog().filter((r) => r.path === '/version').length;
const summary = (body: ClustersResponse['clusters']) => body.map((c) => [c.cluster, c.ok, c.kubernetesVersion]);

describe('GET /api/clusters: the Kubernetes version', () => {
  it('is read from /version once, then answered from the cluster’s state', async () => {
    const before = versionReads();
    expect(summary(await clusters())).toEqual([
      [CLUSTER1, true, 'v1.29.4'],
      [CLUSTER2, true, 'v1.29.4'],
    ]);
    expect(versionReads()).toBe(before + 2);
    expect(summary(await clusters())).toEqual([
      [CLUSTER1, true, 'v1.29.4'],
      [CLUSTER2, true, 'v1.29.4'],
    ]);
    expect(versionReads()).toBe(before + 2);
  });

  it('older than the max age, is answered as known and read again in the background', async () => {
    await clusters();
    const before = versionReads();
    const cluster1 = registry().get(CLUSTER1)!;
    cluster1.state.kubernetesVersion.keep({ gitVersion: 'v1.28.0', error: null }, Date.now() - VERSION_KEPT.maxAgeMs - 1);
    // The answer does not wait for the read: it says what was known.
    expect(summary(await clusters())[0]).toEqual([CLUSTER1, true, 'v1.28.0']);
    await vi.waitFor(() => expect(cluster1.state.kubernetesVersion.peek()?.gitVersion).toBe('v1.29.4'), { timeout: 5_000 });
    expect(versionReads()).toBe(before + 1);
    expect(summary(await clusters())[0]).toEqual([CLUSTER1, true, 'v1.29.4']);
  });

  it('known, does not make a cluster that went down look reachable', async () => {
    await clusters();
    // The fault without a fresh state: the version stays known, the watches see the API server go.
    seed.lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: true });
    try {
      await vi.waitFor(
        async () => {
          const [c1, c2] = await clusters();
          expect([c1.ok, c2.ok]).toEqual([true, false]);
          expect(c2.errors.map((e) => e.kind)).toContain('unreachable');
          expect(c2.kubernetesVersion).toBe('v1.29.4');
        },
        { timeout: 10_000, interval: 200 },
      );
    } finally {
      seed.lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: false });
    }
  });
});
