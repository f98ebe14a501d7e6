/**
 * Isthmus deployed as deploy/kubernetes ships it, against the lab in in-cluster mode: cluster1 is the
 * cluster the pod runs in (ServiceAccount token and CA files, KUBERNETES_SERVICE_HOST/PORT), cluster2 a
 * remote read through a kubeconfig of ServiceAccount tokens, and both lab API servers enforce the
 * shipped RBAC (deploy/kubernetes/base/rbac.yaml) for the ServiceAccount isthmus/isthmus.
 *  - every page and API route works and sees no 403;
 *  - removing any single rule of the shipped roles makes some route fail (no rule is unneeded);
 *  - a rotated token file is read again at once (the old token is revoked by then).
 * The route tour runs the standalone server (what the image runs); it needs `npm run build` and skips
 * without it. The rotation test calls the route handlers in-process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { inClusterServerEnv } from '@/e2e/lab-process';
import { startNextServer, type NextServer } from '@/e2e/next-server';
import { buildState } from '@/scripts/build-state.mjs';
import type { ClustersResponse } from '@/lib/types/api';
import { GET as clustersGET } from '@/app/api/clusters/route';
import { resetClusterState } from '@/server/k8s/cluster-state';
import { failedStops, routeTour } from './route-tour';

const root = path.resolve(__dirname, '..');
const SHIPPED_RBAC = fs.readFileSync(path.join(root, 'deploy/kubernetes/base/rbac.yaml'), 'utf8');
const SA_USER = 'system:serviceaccount:isthmus:isthmus';

const buildMissing = buildState(root) === 'current' ? null : 'the standalone build is missing or stale: run `npm run build` first';
if (buildMissing) console.warn(`test/in-cluster.test.ts route tours SKIPPED: ${buildMissing}`);

/** A role's key: Kind/namespace/name (two Roles may share a name in different namespaces). */
const roleKey = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The shipped RBAC without rule `index` of role `role` (roleKey). */
function withoutRule(role: string, index: number): string {
  return YAML.parseAllDocuments(SHIPPED_RBAC)
    .map((d) => {
      const o = d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: unknown[] };
      if (roleKey(o) === role) o.rules = o.rules!.filter((_, i) => i !== index);
      return YAML.stringify(o);
    })
    .join('---\n');
}

/** Every rule of the shipped roles, as [role, index, rule]. */
function shippedRules(): Array<[string, number, string]> {
  return YAML.parseAllDocuments(SHIPPED_RBAC)
    .map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: unknown[] })
    .filter((o) => o.rules)
    .flatMap((o) => o.rules!.map((rule, i) => [roleKey(o), i, JSON.stringify(rule)] as [string, number, string]));
}

let lab: Lab;
let dir = '';
/** What a pod of the home-and-remotes overlay gets in its environment. */
let podEnv: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-in-cluster-'));
  lab = await startLab({
    kubeconfigOut: path.join(dir, 'admin-kubeconfig'),
    rbac: { '*': SHIPPED_RBAC },
    prometheus: { scrapeIntervalS: 1 },
    inCluster: { cluster: 'cluster1', serviceAccount: 'isthmus/isthmus', root: path.join(dir, 'pod') },
  });
  podEnv = {
    ...inClusterServerEnv(lab.inCluster!, 'cluster1'),
    ISTHMUS_DEADLINE_MS: '10000',
    ISTHMUS_CACHE_MS: '0',
  };
});

afterAll(async () => {
  await lab?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(buildMissing !== null)('in-cluster mode with the shipped ClusterRole (standalone server)', () => {
  /** A fresh server per RBAC variant: kept-open port-forwards were authorized under the previous one. */
  async function tour(rbac: string) {
    lab.setRbac('*', rbac);
    let server: NextServer | undefined;
    try {
      server = await startNextServer({ env: podEnv, readyPath: '/readyz' });
      return await routeTour((p) => fetch(server!.baseURL + p));
    } finally {
      await server?.stop();
    }
  }

  it('answers every page and API route for both clusters with no 403 and no other error', async () => {
    const stops = await tour(SHIPPED_RBAC);
    expect(stops.filter((s) => s.path.includes('/pods/') && s.path.includes('cluster2')).length).toBeGreaterThan(0);
    expect(failedStops(stops)).toEqual([]);
    // The reads were made as the ServiceAccount, and RBAC let each one through.
    const mine = lab.requestLog().filter((r) => r.user === SA_USER);
    expect(new Set(mine.map((r) => r.cluster))).toEqual(new Set(['cluster1', 'cluster2']));
    expect(mine.filter((r) => r.status === 403)).toEqual([]);
  }, 60_000);

  it.each(shippedRules())('without %s rule %i (%s), some route fails with a 403', async (role, index) => {
    const stops = await tour(withoutRule(role, index));
    const forbidden = failedStops(stops).flatMap((s) => s.errors).filter((e) => e.kind === 'forbidden');
    expect(forbidden.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('in-cluster mode, in-process', () => {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(podEnv)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const clusters = async () => ((await (await clustersGET()).json()) as ClustersResponse).clusters.map((c) => [c.cluster, c.ok, c.errors[0]?.kind ?? null]);

  it('serves the home cluster under its in-cluster name, the remotes by context', async () => {
    lab.setRbac('*', SHIPPED_RBAC);
    expect(await clusters()).toEqual([
      ['cluster1', true, null],
      ['cluster2', true, null],
    ]);
  });

  it('reads the rotated token file at once (the old token no longer works)', async () => {
    lab.setRbac('*', SHIPPED_RBAC);
    await clusters();
    // Every cached kind listed, and the watch that follows each list accepted, before the rotation: a
    // request sent just before it carries the old token and is rightly refused, which is not what this
    // test is about (reads made after it). The lab logs a watch when it ends, so its acceptance is waited
    // for, not observed.
    const synced = async () => ((await (await clustersGET()).json()) as ClustersResponse).clusters.every((c) => c.watch.state === 'synced');
    await vi.waitFor(async () => expect(await synced()).toBe(true), { timeout: 10_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 500));
    lab.inCluster!.rotateToken('cluster1');
    lab.inCluster!.rotateToken('cluster2');
    resetClusterState();
    const before = lab.requestLog().length;
    expect(await clusters()).toEqual([
      ['cluster1', true, null],
      ['cluster2', true, null],
    ]);
    const after = lab.requestLog().slice(before);
    expect(after.filter((r) => r.status === 401)).toEqual([]);
    expect(after.filter((r) => r.user === SA_USER).length).toBeGreaterThan(0);
  });
});
