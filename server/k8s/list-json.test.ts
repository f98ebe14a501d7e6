/**
 * listJson against the seed lab: the same items as the generated client, pages followed, and API errors
 * mapped like the generated client's (a 403 carries the Kubernetes Status message).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Lab } from '@/lab/index';
import { CLUSTER2, registry, startSeedLab, stopLab } from '@/test/api-helpers';
import { createDeadline } from './deadline';
import { toSourceError } from './errors';
import { listJson } from './list-json';
import { PodShape, type KubePod } from './shapes';

let lab: Lab | undefined;
beforeAll(async () => {
  lab = await startSeedLab();
});
afterAll(() => stopLab(lab));

const cluster2 = () => registry().get(CLUSTER2)!;
const names = (pods: KubePod[]) => pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort();

describe('listJson', () => {
  it('lists what the generated client lists, across pages', async () => {
    const viaClient = await cluster2().kc.makeApiClient(CoreV1Api).listPodForAllNamespaces({});
    const whole = await listJson(cluster2(), '/api/v1/pods', createDeadline(5000), PodShape);
    const paged = await listJson(cluster2(), '/api/v1/pods', createDeadline(5000), PodShape, { pageSize: 2 });
    expect(names(whole.items)).toEqual(names(viaClient.items));
    expect(names(paged.items)).toEqual(names(viaClient.items));
    const istiods = await listJson(cluster2(), '/api/v1/namespaces/istio-system/pods', createDeadline(5000), PodShape, { labelSelector: 'app=istiod' });
    expect(names(istiods.items)).toEqual(['istio-system/istiod-6c4d88c6d7-wpzz8']);
    expect(whole.items.find((p) => p.metadata?.name === 'reviews-v3-5b9bd44f4-ztxsd')?.status?.podIP).toBe('192.168.179.215');
  });

  it('maps a 403 to forbidden with the Kubernetes message', async () => {
    const rule = { type: 'forbid', cluster: 'cluster2', user: '*', verb: 'list', resource: 'pods' } as const;
    lab!.applyFault({ ...rule, on: true });
    try {
      const err = await listJson(cluster2(), '/api/v1/pods', createDeadline(5000), PodShape).catch((e: unknown) => e);
      const mapped = toSourceError(err, { cluster: CLUSTER2, server: cluster2().server, source: 'pods' });
      expect(mapped.kind).toBe('forbidden');
      expect(mapped.message).toContain('pods is forbidden');
    } finally {
      lab!.applyFault({ ...rule, on: false });
    }
  });
});
