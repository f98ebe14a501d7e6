/**
 * --impersonate against the lab in in-cluster mode: Isthmus' ServiceAccount holds the shipped read-only
 * roles plus the impersonate component; people hold their own bindings (test/fixtures/people-*.yaml):
 * alice may read cluster1 only, group sre (bob) both clusters. Every cluster call, lists and
 * port-forward included, is made as the signed-in person, and one person's view is never served from
 * another's cache.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inClusterServerEnv } from '@/e2e/lab-process';
import { startLab, type Lab } from '@/lab/index';
import { getClusters } from '@/server/clusters';
import { getMesh } from '@/server/mesh';
import { getEndpoints } from '@/server/endpoints';
import { getRegistry } from '@/server/k8s/registry';
import { registryFor } from '@/server/auth/impersonation';
import { resetClusterState } from '@/server/k8s/cluster-state';

const root = path.resolve(__dirname, '..');
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');
const SHIPPED = read('deploy/kubernetes/base/rbac.yaml');
const IMPERSONATE = read('deploy/kubernetes/components/impersonate/impersonate.yaml');
const alice = { user: 'alice', groups: ['team-a'] };
const bob = { user: 'bob', groups: ['sre'] };

let lab: Lab;
let dir = '';
const saved = { ...process.env };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-impersonate-'));
  lab = await startLab({
    kubeconfigOut: path.join(dir, 'admin-kubeconfig'),
    rbac: {
      cluster1: [SHIPPED, IMPERSONATE, read('test/fixtures/people-cluster1.yaml')].join('\n---\n'),
      cluster2: [SHIPPED, IMPERSONATE, read('test/fixtures/people-cluster2.yaml')].join('\n---\n'),
    },
    inCluster: { cluster: 'cluster1', serviceAccount: 'isthmus/isthmus', root: path.join(dir, 'pod') },
  });
  Object.assign(process.env, inClusterServerEnv(lab.inCluster!, 'cluster1'), {
    ISTHMUS_DEADLINE_MS: '3000',
    // A long cache: a view served from someone else's cache would show here.
    ISTHMUS_CACHE_MS: '60000',
  });
  resetClusterState();
});

afterAll(async () => {
  resetClusterState();
  process.env = saved;
  await lab?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const summary = (mesh: Awaited<ReturnType<typeof getMesh>>) =>
  mesh.clusters.map((c) => ({ cluster: c.cluster, ok: c.ok, istiod: c.istiod.length, forbidden: c.errors.filter((e) => e.kind === 'forbidden').map((e) => e.message) }));

describe('--impersonate', () => {
  it('shows bob (group sre) both clusters complete, as bob', async () => {
    const before = lab.requestLog().length;
    const mesh = summary(await getMesh(registryFor(getRegistry(), bob)));
    expect(mesh).toEqual([
      { cluster: 'cluster1', ok: true, istiod: 1, forbidden: [] },
      { cluster: 'cluster2', ok: true, istiod: 1, forbidden: [] },
    ]);
    const calls = lab.requestLog().slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((r) => r.user))).toEqual(new Set(['bob']));
  });

  it('shows alice cluster1 complete and cluster2 forbidden with the reason, never from bob\'s cache', async () => {
    const mesh = summary(await getMesh(registryFor(getRegistry(), alice)));
    expect(mesh[0]).toEqual({ cluster: 'cluster1', ok: true, istiod: 1, forbidden: [] });
    expect(mesh[1].cluster).toBe('cluster2');
    expect(mesh[1].forbidden.length).toBeGreaterThan(0);
    expect(mesh[1].forbidden[0]).toMatch(/User "alice" cannot list resource "(pods|services|configmaps|namespaces)"/);
    const clusters = await getClusters(registryFor(getRegistry(), alice));
    expect(clusters.clusters.map((c) => [c.cluster, c.ok])).toEqual([
      ['cluster1', true],
      ['cluster2', true],
    ]);
  });

  it('port-forwards as the person: alice reads a sidecar in cluster1, not in cluster2', async () => {
    const registry = registryFor(getRegistry(), alice);
    const start = lab.requestLog().length;
    const mine = await getEndpoints(registry, registry.get('cluster1')!, 'default', 'details-v1-2rgrb5wcps-srxnp', {});
    expect(mine.rows.length).toBeGreaterThan(0);
    // cluster2 is read too (to resolve addresses): forbidden there, said, and the rows still shown.
    expect(mine.clusters.find((c) => c.cluster === 'cluster1')!.errors).toEqual([]);
    const myForwards = lab.requestLog().slice(start).filter((r) => r.cluster === 'cluster1' && r.path.includes('/portforward'));
    expect(myForwards.length).toBeGreaterThan(0);
    expect(new Set(myForwards.map((r) => r.user))).toEqual(new Set(['alice']));
    const before = lab.requestLog().length;
    const theirs = await getEndpoints(registry, registry.get('cluster2')!, 'default', 'ratings-v1-6484c4d9bb-25cnf', {});
    expect(theirs.rows).toEqual([]);
    expect(theirs.clusters.find((c) => c.cluster === 'cluster2')!.errors.map((e) => e.kind)).toContain('forbidden');
    // The pod is read before any port-forward (server/endpoints.ts): alice is refused there already, as alice.
    const theirCalls = lab.requestLog().slice(before).filter((r) => r.cluster === 'cluster2');
    expect(theirCalls.map((r) => [r.user, r.status])).toContainEqual(['alice', 403]);
    expect(theirCalls.filter((r) => r.user !== 'alice')).toEqual([]);
  });

  it('needs the right to impersonate: without the impersonate component every call is forbidden', async () => {
    lab.setRbac('cluster2', [SHIPPED, read('test/fixtures/people-cluster2.yaml')].join('\n---\n'));
    try {
      const carol = { user: 'carol', groups: ['sre'] };
      const mesh = await getMesh(registryFor(getRegistry(), carol));
      const c2 = mesh.clusters[1];
      expect(c2.errors.map((e) => e.message).join('\n')).toMatch(/cannot impersonate resource "users"/);
    } finally {
      lab.setRbac('cluster2', [SHIPPED, IMPERSONATE, read('test/fixtures/people-cluster2.yaml')].join('\n---\n'));
    }
  });
});
