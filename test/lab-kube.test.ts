/**
 * lab/kube against a small fake world (independent of the scenario model), with real clients:
 * kubectl and @kubernetes/client-node.
 */
import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { startLab, type Lab } from '../lab/index';
import { createFakeWorld } from '../lab/kube/fake-world';
import { getOverPortForward, hasKubectl, kubeConfigFor, kubectl, tempDir, watchUntil } from './lab-helpers';

let lab: Lab;
let dir: string;
const ctx1 = 'cluster1-admin@cluster1';

beforeAll(async () => {
  dir = tempDir();
  lab = await startLab({ world: createFakeWorld(), kubeconfigOut: path.join(dir, 'kubeconfig') });
});
afterAll(async () => {
  await lab?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw GET with the kubeconfig's credentials for a context, returning status and parsed JSON. */
async function rawGet(context: string, urlPath: string, accept = 'application/json'): Promise<{ status: number; body: any }> {
  const kc = kubeConfigFor(lab.kubeconfig, context);
  const opts: https.RequestOptions = { headers: { Accept: accept } };
  await kc.applyToHTTPSOptions(opts);
  const server = kc.getCurrentCluster()!.server;
  return new Promise((resolve, reject) => {
    https
      .get(`${server}${urlPath}`, opts, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text }));
      })
      .on('error', reject);
  });
}

describe('kubeconfig', () => {
  it('is written with mode 0600 and one context per user, current-context the first', () => {
    const stat = fs.statSync(lab.kubeconfigPath);
    expect(stat.mode & 0o777).toBe(0o600);
    const doc = YAML.parse(fs.readFileSync(lab.kubeconfigPath, 'utf8'));
    expect(doc['current-context']).toBe(ctx1);
    expect(doc.contexts.map((c: { name: string }) => c.name)).toEqual(lab.contexts);
    expect(doc.users.find((u: { name: string }) => u.name === 'cluster1-admin').user['client-certificate-data']).toBeTruthy();
  });
});

describe.skipIf(!hasKubectl)('kubectl', () => {
  it('prints services with Table columns', async () => {
    const r = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'svc', '-n', 'istio-system']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    expect(r.stdout).toMatch(/^istio-eastwestgateway\s+LoadBalancer\s+10\.100\.0\.1\s+172\.40\.143\.181\s+15443:32163\/TCP\s+103m$/m);
    expect(r.stdout).toMatch(/^istiod\s+ClusterIP\s+10\.105\.0\.1\s+<none>\s+15014\/TCP\s+103m$/m);
  });

  it('prints wide pods across namespaces', async () => {
    const r = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-A', '-o', 'wide']);
    expect(r.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    expect(r.stdout).toMatch(/^sample\s+sleep-1\s+1\/1\s+Running\s+0\s+103m\s+10\.0\.1\.11\s+node-1\s+<none>\s+<none>$/m);
  });

  it('uses a token context, label and field selectors, and chunks', async () => {
    const viewer = await kubectl(lab.kubeconfigPath, ['--context', 'cluster2-viewer@cluster2', 'get', 'ns', '-o', 'name']);
    expect(viewer.stdout.trim().split('\n')).toEqual(['namespace/default', 'namespace/istio-system', 'namespace/sample']);
    const labels = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-A', '-l', 'app in (sleep,istiod),app!=istiod', '-o', 'name']);
    expect(labels.stdout.trim()).toBe('pod/sleep-1');
    const fields = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-A', '--field-selector', 'metadata.namespace!=sample,status.phase=Running', '-o', 'name']);
    expect(fields.stdout.trim()).toBe('pod/istiod-abc1');
    const before = lab.requestLog().length;
    const chunked = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-A', '--chunk-size', '1', '-o', 'name']);
    expect(chunked.stdout.trim().split('\n')).toHaveLength(3);
    const continued = lab.requestLog().slice(before).filter((e) => e.path.includes('continue='));
    expect(continued).toHaveLength(2);
  });

  it('prints kubectl\'s errors for 401, 403, 404 and 405', async () => {
    const doc = YAML.parse(lab.kubeconfig);
    doc.users.push({ name: 'bad', user: { token: 'not-a-token' } });
    doc.contexts.push({ name: 'bad@cluster1', context: { cluster: 'cluster1', user: 'bad' } });
    const badPath = path.join(dir, 'bad-kubeconfig');
    fs.writeFileSync(badPath, YAML.stringify(doc), { mode: 0o600 });
    const unauthorized = await kubectl(badPath, ['--context', 'bad@cluster1', 'get', 'pods']);
    expect(unauthorized.code).not.toBe(0);
    expect(unauthorized.stderr).toContain('error: You must be logged in to the server (Unauthorized)');

    lab.applyFault({ type: 'forbid', cluster: 'cluster1', user: 'cluster1-admin', verb: 'list', resource: 'pods', namespace: 'sample', on: true });
    try {
      const forbidden = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-n', 'sample']);
      expect(forbidden.stderr).toContain(
        'Error from server (Forbidden): pods is forbidden: User "kubernetes-admin" cannot list resource "pods" in API group "" in the namespace "sample"',
      );
      const other = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-n', 'istio-system', '-o', 'name']);
      expect(other.stdout.trim()).toBe('pod/istiod-abc1');
    } finally {
      lab.applyFault({ type: 'forbid', cluster: 'cluster1', user: 'cluster1-admin', verb: 'list', resource: 'pods', namespace: 'sample', on: false });
    }
    const missing = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pod', '-n', 'sample', 'nope']);
    expect(missing.stderr).toContain('Error from server (NotFound): pods "nope" not found');
    const write = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'delete', 'pod', '-n', 'sample', 'sleep-1']);
    expect(write.stderr).toContain('Error from server (MethodNotAllowed)');
  });

  it('answers get --raw /version with the cluster\'s Kubernetes version', async () => {
    const r = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', '--raw', '/version']);
    expect(JSON.parse(r.stdout).gitVersion).toBe('v1.29.4');
  });
});

describe('REST details', () => {
  it('serves /version and /healthz without credentials and 401s the rest', async () => {
    const base = lab.servers.cluster1;
    const insecure = { rejectUnauthorized: false };
    const get = (p: string) =>
      new Promise<number>((resolve, reject) => https.get(`${base}${p}`, insecure, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject));
    expect(await get('/version')).toBe(200);
    expect(await get('/healthz')).toBe(200);
    expect(await get('/api/v1/pods')).toBe(401);
  });

  it('rejects a client certificate of another cluster', async () => {
    const kc = kubeConfigFor(lab.kubeconfig, 'cluster2-admin@cluster2');
    kc.clusters = kc.clusters.map((c) => (c.name === 'cluster2' ? { ...c, server: lab.servers.cluster1, skipTLSVerify: true, caData: undefined } : c));
    const api = kc.makeApiClient(k8s.CoreV1Api);
    await expect(api.listNamespace()).rejects.toMatchObject({ code: 401 });
  });

  it('answers an expired continue token and a too old watch with 410 Expired', async () => {
    const token = Buffer.from(JSON.stringify({ rv: 1, after: ['', 'a'] })).toString('base64url');
    const list = await rawGet(ctx1, `/api/v1/pods?limit=1&continue=${token}`);
    expect(list.status).toBe(410);
    expect(list.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    const watch = await rawGet(ctx1, '/api/v1/pods?watch=true&resourceVersion=1');
    expect(watch.body).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('paginates with remainingItemCount and a stable resourceVersion', async () => {
    const first = await rawGet(ctx1, '/api/v1/namespaces?limit=2');
    expect(first.body.items.map((o: any) => o.metadata.name)).toEqual(['default', 'istio-system']);
    expect(first.body.metadata.remainingItemCount).toBe(1);
    const second = await rawGet(ctx1, `/api/v1/namespaces?limit=2&continue=${first.body.metadata.continue}`);
    expect(second.body.items.map((o: any) => o.metadata.name)).toEqual(['sample']);
    expect(second.body.metadata.continue).toBeUndefined();
    expect(second.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
  });

  it('rejects bad selectors with 400', async () => {
    expect((await rawGet(ctx1, '/api/v1/pods?fieldSelector=spec.foo%3Dx')).status).toBe(400);
    expect((await rawGet(ctx1, '/api/v1/pods?labelSelector=a%20in%20b')).status).toBe(400);
  });

  it('serves CRDs under their group with kind and apiVersion kept', async () => {
    const groups = await rawGet(ctx1, '/apis');
    expect(groups.body.groups.map((g: any) => g.name)).toContain('networking.istio.io');
    const list = await rawGet(ctx1, '/apis/networking.istio.io/v1/gateways');
    expect(list.body).toMatchObject({ kind: 'GatewayList', apiVersion: 'networking.istio.io/v1', items: [] });
  });

  it('proxies istiod /metrics, answers 401 for /debug and 503 for a port nobody serves', async () => {
    const metrics = await rawGet(ctx1, '/api/v1/namespaces/istio-system/pods/istiod-abc1:15014/proxy/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('pilot_xds');
    expect((await rawGet(ctx1, '/api/v1/namespaces/istio-system/pods/istiod-abc1:15014/proxy/debug/clusterz')).status).toBe(401);
    const refused = await rawGet(ctx1, '/api/v1/namespaces/istio-system/pods/istiod-abc1:15000/proxy/clusters');
    expect(refused.status).toBe(503);
    expect(refused.body.message).toContain('error trying to reach service');
  });
});

describe('client-node', () => {
  it('lists pods with a label selector', async () => {
    const api = kubeConfigFor(lab.kubeconfig, ctx1).makeApiClient(k8s.CoreV1Api);
    const pods = await api.listNamespacedPod({ namespace: 'sample', labelSelector: 'app=helloworld' });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['helloworld-v1-1']);
  });

  it('watches a run-time change', async () => {
    const seen = await watchUntil(
      kubeConfigFor(lab.kubeconfig, 'cluster2-admin@cluster2'),
      '/api/v1/namespaces/sample/pods',
      {},
      (type, name) => type === 'ADDED' && name === 'sleep-x1',
      () => lab.applyFault({ type: 'scale-workload', cluster: 'cluster2', namespace: 'sample', workload: 'sleep', replicas: 2 }),
    );
    expect(seen).toContain('ADDED sleep-2'); // the initial state comes first
  });

  it('lists what the cluster holds now: objects serialized for an earlier list are not served once they changed or went', async () => {
    const names = async () => ((await rawGet(ctx1, '/api/v1/namespaces/sample/pods')).body.items as Array<{ metadata: { name: string; resourceVersion: string } }>).map((p) => p.metadata.name);
    const before = await names();
    lab.applyFault({ type: 'scale-workload', cluster: 'cluster1', namespace: 'sample', workload: 'helloworld', replicas: 3 });
    const scaledUp = await names();
    expect(scaledUp.length).toBe(before.length + 2);
    lab.applyFault({ type: 'scale-workload', cluster: 'cluster1', namespace: 'sample', workload: 'helloworld', replicas: 1 });
    expect(await names()).toEqual(before);
  });

  it('port-forwards to istiod and fails a closed port as the kubelet does', async () => {
    const kc = kubeConfigFor(lab.kubeconfig, ctx1);
    const answer = await getOverPortForward(kc, 'istio-system', 'istiod-abc1', 15014, '/debug/clusterz');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual([{ ID: 'cluster1', SyncStatus: 'synced' }]);
    await expect(getOverPortForward(kc, 'istio-system', 'istiod-abc1', 1234, '/')).rejects.toThrow(/error forwarding port 1234 to pod .*connection refused/);
  });

  it('keeps a forward open for keep-alive requests and closes it when the pod closes the connection', async () => {
    const input = new PassThrough();
    let received = '';
    const output = new Writable({ write: (chunk, _enc, cb) => ((received += chunk.toString()), cb()) });
    const ws = await new k8s.PortForward(kubeConfigFor(lab.kubeconfig, ctx1)).portForward('istio-system', 'istiod-abc1', [15014], output, null, input);
    const socket = (typeof ws === 'function' ? ws() : ws)!;
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const answers = () => received.split('HTTP/1.1 200 OK').length - 1;
    input.write('GET /debug/clusterz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await expect.poll(answers, { timeout: 5000 }).toBe(1);
    input.write('GET /debug/clusterz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await expect.poll(answers, { timeout: 5000 }).toBe(2);
    await closed; // the test's own timeout is the deadline
  });

  it('denies port-forward with a 403 when pods/portforward is forbidden', async () => {
    lab.applyFault({ type: 'forbid', cluster: 'cluster1', user: '*', verb: 'create', resource: 'pods/portforward', on: true });
    try {
      await expect(getOverPortForward(kubeConfigFor(lab.kubeconfig, ctx1), 'istio-system', 'istiod-abc1', 15014, '/debug/clusterz')).rejects.toThrow(/403/);
      const denied = lab.requestLog().filter((e) => e.path.includes('/portforward') && e.status === 403);
      expect(denied.length).toBeGreaterThan(0);
    } finally {
      lab.applyFault({ type: 'forbid', cluster: 'cluster1', user: '*', verb: 'create', resource: 'pods/portforward', on: false });
    }
  });

  it('delays responses by the latency fault', async () => {
    const api = kubeConfigFor(lab.kubeconfig, ctx1).makeApiClient(k8s.CoreV1Api);
    lab.applyFault({ type: 'api-latency', cluster: 'cluster1', ms: 300 });
    try {
      const started = Date.now();
      await api.listNamespace();
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      lab.applyFault({ type: 'api-latency', cluster: 'cluster1', ms: 0 });
    }
  });
});

describe('request log', () => {
  it('records every request and no write verb reached a handler', () => {
    const log = lab.requestLog();
    expect(log.length).toBeGreaterThan(10);
    const writes = log.filter((e) => !['GET', 'HEAD'].includes(e.method));
    expect(writes.every((e) => e.status === 405 || e.status === 401)).toBe(true);
  });
});
