/**
 * The cluster registry with every auth kind client-node supports, against the lab: client certificates
 * (the seed's kubeadm contexts), a bearer token, an exec credential plugin (as `aws eks get-token`),
 * a wrong token, an EKS-style context name in URLs, and broken kubeconfigs. No response may carry a
 * credential.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScenarioPath, startLab, type Lab } from '@/lab/index';
import { createWorld, loadScenario } from '@/lab/model';
import type { ClustersResponse, EndpointsResponse } from '@/lib/types/api';
import { GET as clustersGET } from '@/app/api/clusters/route';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import { loadConfig } from '@/server/config';
import { getClusters } from '@/server/clusters';
import { getMesh } from '@/server/mesh';
import { getSnapshots } from '@/server/snapshot';
import { buildRegistry } from '@/server/k8s/registry';
import { apiRequest, CLUSTER1, CLUSTER2, freshState, params, stopLab } from './api-helpers';

const VIEWER = 'viewer'; // a token user of cluster1 (scenario extraUsers)
const TOKEN_CONTEXT = `${VIEWER}@cluster1`;
const EXEC_CONTEXT = 'exec-viewer@cluster1';
const WRONG_CONTEXT = 'wrong-token@cluster2';
const EKS_CONTEXT = 'arn:aws:eks:us-west-2:123456789012:cluster/cluster1';
const WRONG_TOKEN = 'lab-0123456789abcdef0123456789abcdef';

interface KubeconfigDoc {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  [key: string]: unknown;
}

let lab: Lab;
let dir: string;
let kubeconfigPath: string;
let doc: KubeconfigDoc;
let viewerToken: string;
let pluginRuns: string;
/** Every credential string the lab handed out (tokens, key PEMs, their base64); none may appear in a response. */
const secrets: string[] = [WRONG_TOKEN];
/** Every JSON body produced below, checked for credentials at the end. */
const bodies: string[] = [];

const writeKubeconfig = (file: string, d: KubeconfigDoc) => {
  const p = path.join(dir, file);
  fs.writeFileSync(p, YAML.stringify(d), { mode: 0o600 });
  return p;
};
const registryFor = (file: string, contexts: string[] = []) =>
  buildRegistry({ ...loadConfig({ ISTHMUS_DEADLINE_MS: '3000', ISTHMUS_CACHE_MS: '0' }), kubeconfigPaths: [file], contexts });
const record = <T>(value: T): T => {
  bodies.push(JSON.stringify(value));
  return value;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-auth-'));
  const scenario = loadScenario(defaultScenarioPath);
  scenario.clusters.find((c) => c.id === 'cluster1')!.extraUsers.push({ name: VIEWER, auth: 'token' });
  lab = await startLab({ world: createWorld(scenario), kubeconfigOut: path.join(dir, 'lab-kubeconfig') });

  doc = YAML.parse(lab.kubeconfig) as KubeconfigDoc;
  viewerToken = doc.users.find((u) => u.name === VIEWER)!.user.token as string;
  expect(viewerToken).toMatch(/^lab-/);
  secrets.push(viewerToken);
  for (const { user } of doc.users) {
    const keyData = user['client-key-data'] as string | undefined;
    if (!keyData) continue;
    const pem = Buffer.from(keyData, 'base64').toString();
    // The key itself, its base64 body lines and the kubeconfig's base64 of the whole PEM.
    secrets.push(keyData, pem, ...pem.split('\n').filter((l) => l.length > 40));
  }

  // An exec credential plugin as EKS's `aws eks get-token` is one: prints an ExecCredential on stdout.
  // Like the real ones it says until when the token is good, and it notes each run.
  const plugin = path.join(dir, 'get-token');
  pluginRuns = path.join(dir, 'plugin-runs');
  const expirationTimestamp = new Date(Date.now() + 3600_000).toISOString();
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: viewerToken, expirationTimestamp } };
  fs.writeFileSync(plugin, `#!/bin/sh\necho run >> '${pluginRuns}'\ncat <<'EOF'\n${JSON.stringify(credential)}\nEOF\n`, { mode: 0o755 });
  fs.chmodSync(plugin, 0o755);

  doc.users.push(
    { name: 'exec-viewer', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: ['eks', 'get-token', '--cluster-name', 'cluster1'], interactiveMode: 'Never' } } },
    { name: 'wrong-token', user: { token: WRONG_TOKEN } },
  );
  doc.contexts.push(
    { name: EXEC_CONTEXT, context: { cluster: 'cluster1', user: 'exec-viewer' } },
    { name: WRONG_CONTEXT, context: { cluster: 'cluster2', user: 'wrong-token' } },
    { name: EKS_CONTEXT, context: { cluster: 'cluster1', user: 'exec-viewer' } },
  );
  kubeconfigPath = writeKubeconfig('kubeconfig', doc);
}, 30_000);

afterAll(async () => {
  await stopLab(lab);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('every auth kind against the lab', () => {
  const good = [
    [CLUSTER1, 'cluster1'], // client certificate
    [CLUSTER2, 'cluster2'], // client certificate
    [TOKEN_CONTEXT, 'cluster1'], // bearer token
    [EXEC_CONTEXT, 'cluster1'], // exec plugin
    [EKS_CONTEXT, 'cluster1'], // exec plugin behind an ARN-shaped name
  ] as const;

  it('lists the lab kubeconfig’s contexts, the token user among them', () => {
    expect(lab.contexts).toEqual([CLUSTER1, TOKEN_CONTEXT, CLUSTER2]);
  });

  it('reads cluster info with certificates, token and exec plugin; a wrong token is unauthorized', async () => {
    freshState();
    const registry = registryFor(kubeconfigPath);
    const { clusters } = record(await getClusters(registry));
    const byName = new Map(clusters.map((c) => [c.cluster, c]));
    for (const [name, clusterId] of good) {
      expect(byName.get(name), name).toMatchObject({ clusterId, ok: true, kubernetesVersion: 'v1.29.4', errors: [] });
    }
    expect(byName.get(WRONG_CONTEXT)).toMatchObject({ ok: false, errors: [{ kind: 'unauthorized' }] });

    // The lab authenticated the token and exec contexts as the token user, and rejected the wrong token.
    const log = lab.requestLog();
    expect(log.some((r) => r.user === VIEWER && r.status === 200)).toBe(true);
    expect(log.some((r) => r.cluster === 'cluster2' && r.status === 401)).toBe(true);
  });

  it('reads snapshots with every auth kind; the wrong token fails only its own cluster', async () => {
    freshState();
    const snapshots = record(await getSnapshots(registryFor(kubeconfigPath)));
    const byName = new Map(snapshots.map((s) => [s.cluster, s]));
    for (const [name, clusterId] of good) {
      const s = byName.get(name)!;
      expect(s, name).toMatchObject({ clusterId, reachable: true, errors: [] });
      expect(s.pods.length, name).toBeGreaterThan(0);
    }
    expect(byName.get(TOKEN_CONTEXT)!.pods.map((p) => p.name)).toEqual(byName.get(CLUSTER1)!.pods.map((p) => p.name));
    expect(byName.get(WRONG_CONTEXT)).toMatchObject({ reachable: false, errors: [{ kind: 'unauthorized' }] });
  });

  it('runs the credential plugin once for a cold page, not once per request', async () => {
    freshState();
    const registry = registryFor(kubeconfigPath, [EXEC_CONTEXT]);
    fs.rmSync(pluginRuns, { force: true });
    const mesh = record(await getMesh(registry));
    expect(mesh.clusters[0]).toMatchObject({ cluster: EXEC_CONTEXT, ok: true });
    expect(fs.readFileSync(pluginRuns, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('a failing credential plugin is unauthorized, with our words', async () => {
    freshState();
    const failing = path.join(dir, 'get-token-fails');
    fs.writeFileSync(failing, '#!/bin/sh\necho "token expired, run aws sso login" >&2\nexit 1\n', { mode: 0o755 });
    const broken = structuredClone(doc);
    broken.users.push({ name: 'failing-exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: failing, interactiveMode: 'Never' } } });
    broken.contexts.push({ name: 'failing-exec@cluster1', context: { cluster: 'cluster1', user: 'failing-exec' } });
    const clusters = await getClusters(registryFor(writeKubeconfig('kubeconfig-failing', broken), ['failing-exec@cluster1']));
    expect(clusters.clusters[0].errors[0]).toMatchObject({ kind: 'unauthorized', message: expect.stringContaining('credential plugin failed') });
  });

  it('reads the mesh (istiod by port-forward) with every auth kind; the wrong token fails only its own cluster', async () => {
    freshState();
    const mesh = record(await getMesh(registryFor(kubeconfigPath)));
    const byName = new Map(mesh.clusters.map((c) => [c.cluster, c]));
    for (const [name, clusterId] of good) {
      const c = byName.get(name)!;
      expect(c, name).toMatchObject({ clusterId, ok: true, errors: [] });
      expect(c.istiod.length, name).toBeGreaterThan(0);
      expect(c.remoteClusters.map((r) => r.name), name).toContain(clusterId === 'cluster1' ? 'cluster2' : 'cluster1');
    }
    expect(byName.get(WRONG_CONTEXT)).toMatchObject({ ok: false, errors: [{ kind: 'unauthorized' }] });
  });
});

describe('an EKS-style context name through the route handlers', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    freshState();
    process.env.ISTHMUS_KUBECONFIG = kubeconfigPath;
    process.env.ISTHMUS_CONTEXTS = [EKS_CONTEXT, CLUSTER2].join(',');
    process.env.ISTHMUS_DEADLINE_MS = '3000';
    process.env.ISTHMUS_CACHE_MS = '0';
  });
  afterAll(() => {
    for (const key of ['ISTHMUS_KUBECONFIG', 'ISTHMUS_CONTEXTS', 'ISTHMUS_DEADLINE_MS', 'ISTHMUS_CACHE_MS']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('GET /api/clusters lists it with its Istio cluster ID', async () => {
    const res = await clustersGET();
    expect(res.status).toBe(200);
    const body = record((await res.json()) as ClustersResponse);
    expect(body.clusters.map((c) => [c.cluster, c.clusterId, c.ok, c.errors[0] ?? null])).toEqual([
      [EKS_CONTEXT, 'cluster1', true, null],
      [CLUSTER2, 'cluster2', true, null],
    ]);
  });

  it('serves a pod’s endpoints with the name URL-encoded (as Next hands it over, and double-encoded)', async () => {
    const podType = lab.world.resourceTypes().find((t) => t.resource === 'pods')!;
    const productpage = lab.world.list('cluster1', podType, 'default').find((p) => p.metadata.name?.startsWith('productpage-'))!.metadata.name!;
    const url = `/api/clusters/${encodeURIComponent(EKS_CONTEXT)}/namespaces/default/pods/${productpage}/endpoints`;
    expect(url).toContain('arn%3Aaws%3Aeks%3Aus-west-2%3A123456789012%3Acluster%2Fcluster1');
    for (const segment of [EKS_CONTEXT, encodeURIComponent(EKS_CONTEXT)]) {
      const res = await endpointsGET(apiRequest(url), params({ cluster: segment, ns: 'default', pod: productpage }));
      expect(res.status, segment).toBe(200);
      const body = record((await res.json()) as EndpointsResponse);
      expect(body).toMatchObject({ cluster: EKS_CONTEXT, namespace: 'default', pod: productpage });
      expect(body.clusters.flatMap((c) => c.errors)).toEqual([]);
      // reviews-v3 lives in cluster2 on another network: reached through cluster2's east-west gateway.
      const viaGateway = body.rows.find((r) => r.endpoint === '172.40.143.192:15443' && r.cluster.includes('reviews.default'));
      expect(viaGateway?.target).toMatchObject({ kind: 'eastwest-gateway', cluster: CLUSTER2 });
      expect(body.rows.some((r) => r.target.kind === 'pod' && r.target.cluster === EKS_CONTEXT)).toBe(true);
    }
  });
});

describe("broken kubeconfigs: a bad entry is that cluster's error, the others are served", () => {
  it('a duplicate context name in the only file: no usable cluster, and the 503 says why, without credentials', async () => {
    const dup = structuredClone(doc);
    dup.contexts.push({ name: TOKEN_CONTEXT, context: { cluster: 'cluster2', user: 'wrong-token' } });
    const file = writeKubeconfig('duplicate', dup);
    expect(registryFor(file).get(`kubeconfig ${file}`)!.configError!.message).toBe(`kubeconfig ${file}: duplicate context name "${TOKEN_CONTEXT}"; its contexts are not served`);
    bodies.push(await routeProblem([file], [], /^no usable cluster: kubeconfig .*duplicate context name/));
  });

  it('a context whose user is missing is its own error card; the healthy contexts answer', async () => {
    const ghost = structuredClone(doc);
    ghost.contexts.push({ name: 'ghost@cluster1', context: { cluster: 'cluster1', user: 'ghost' } });
    const file = writeKubeconfig('ghost', ghost);
    const body = await routeClusters([file], ['ghost@cluster1', CLUSTER1]);
    expect(body.clusters.map((c) => [c.cluster, c.ok, c.errors[0]?.kind ?? null])).toEqual([
      ['ghost@cluster1', false, 'config'],
      [CLUSTER1, true, null],
    ]);
    expect(body.clusters[0].errors[0].message).toBe('ghost@cluster1: context "ghost@cluster1" refers to user "ghost", which the kubeconfig does not define');
  });

  it("a YAML typo in one of several KUBECONFIG files is that file's card with file:line:col; a misspelt path and an unknown context too", async () => {
    const typo = path.join(dir, 'typo');
    fs.writeFileSync(typo, 'apiVersion: v1\nclusters:\n- name: other\n  cluster:\n    server: https://127.0.0.1:1\n   insecure-skip-tls-verify: true\n');
    const misspelt = path.join(dir, 'kubeconfg');
    const all = await routeClusters([kubeconfigPath, typo, misspelt], []);
    const byName = new Map(all.clusters.map((c) => [c.cluster, c]));
    expect(byName.get(CLUSTER1)).toMatchObject({ ok: true, errors: [] });
    expect(byName.get(CLUSTER2)).toMatchObject({ ok: true, errors: [] });
    expect(byName.get(`kubeconfig ${typo}`)!.errors).toEqual([{ kind: 'config', message: `kubeconfig ${typo}:6:4: bad indentation of a mapping entry; its contexts are not served`, source: 'the kubeconfig' }]);
    expect(byName.get(`kubeconfig ${misspelt}`)!.errors[0].message).toBe(`kubeconfig ${misspelt} does not exist; its contexts are not served`);

    const named = await routeClusters([kubeconfigPath, typo], [CLUSTER1, 'cluster3-admin@cluster3']);
    expect(named.clusters[0]).toMatchObject({ cluster: CLUSTER1, ok: true });
    expect(named.clusters[1].errors[0].message).toMatch(
      new RegExp(`^cluster3-admin@cluster3: context "cluster3-admin@cluster3" is not in the kubeconfig \\(known: "${CLUSTER1}", .*; not read: ${typo}:6:4: bad indentation`),
    );
  });

  it('only an unknown context: the one fatal state, a 503 naming the known contexts', async () => {
    bodies.push(await routeProblem([kubeconfigPath], ['nope'], new RegExp(`^no usable cluster: nope: context "nope" is not in the kubeconfig \\(known: "${CLUSTER1}"`)));
  });
});

describe('no credential in any response', () => {
  it('no token or key appears in anything recorded above', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(10);
    expect(secrets.length).toBeGreaterThan(4);
    for (const body of bodies) for (const secret of secrets) expect(body.includes(secret), `a credential in ${body.slice(0, 80)}`).toBe(false);
  });
});

/** Runs `fn` with ISTHMUS_KUBECONFIG and ISTHMUS_CONTEXTS set, restoring them after. */
async function withKubeconfig<T>(files: string[], contexts: string[], fn: () => Promise<T>): Promise<T> {
  const saved = { kubeconfig: process.env.ISTHMUS_KUBECONFIG, contexts: process.env.ISTHMUS_CONTEXTS };
  process.env.ISTHMUS_KUBECONFIG = files.join(path.delimiter);
  process.env.ISTHMUS_CONTEXTS = contexts.join(',');
  try {
    return await fn();
  } finally {
    for (const [key, value] of [['ISTHMUS_KUBECONFIG', saved.kubeconfig], ['ISTHMUS_CONTEXTS', saved.contexts]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** GET /api/clusters with the given kubeconfig files: a 200 whose body is recorded. */
function routeClusters(files: string[], contexts: string[]): Promise<ClustersResponse> {
  return withKubeconfig(files, contexts, async () => {
    const res = await clustersGET();
    expect(res.status).toBe(200);
    return record((await res.json()) as ClustersResponse);
  });
}

/** GET /api/clusters with the given kubeconfig: a 503 no-clusters problem whose message matches; returns the body. */
function routeProblem(files: string[], contexts: string[], message: RegExp): Promise<string> {
  return withKubeconfig(files, contexts, async () => {
    const res = await clustersGET();
    const body = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(body).error.kind).toBe('no-clusters');
    expect(JSON.parse(body).error.message).toMatch(message);
    return body;
  });
}
