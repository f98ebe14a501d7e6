/**
 * The lab serving the seed scenario (the talk's mesh), checked with real kubectl and client-node:
 * the rows the talk shows, port-forwards into istiod and a sidecar, and faults at run time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startLab, type Lab } from '../lab/index';
import { getOverPortForward, hasKubectl, kubeConfigFor, kubectl, tempDir, watchUntil } from './lab-helpers';

let lab: Lab;
let dir: string;
const ctx1 = 'cluster1-admin@cluster1';
const ctx2 = 'cluster2-admin@cluster2';

beforeAll(async () => {
  dir = tempDir();
  lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig') });
});
afterAll(async () => {
  await lab?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Ages tick while tests run: accept the talk's age or the next minute. */
const age = (talk: string) => talk.replace(/^(\d+)m$/, (_, m: string) => `(?:${m}|${Number(m) + 1})m`);

describe.skipIf(!hasKubectl)('kubectl on the seed mesh', () => {
  it('prints cluster1 istio-system services as in the talk', async () => {
    const r = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'svc', '-n', 'istio-system']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    expect(r.stdout).toMatch(
      new RegExp(
        `^istio-eastwestgateway\\s+LoadBalancer\\s+10\\.100\\.159\\.133\\s+172\\.40\\.143\\.182\\s+15021:31046/TCP,15443:32163/TCP,15012:30919/TCP,15017:32420/TCP\\s+${age('103m')}$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(/^istio-ingressgateway\s+LoadBalancer\s+10\.102\.23\.142\s+172\.40\.143\.181\s+15021:31555\/TCP,80:30553\/TCP,443:32092\/TCP\s+\S+$/m);
    expect(r.stdout).toMatch(/^istiod\s+ClusterIP\s+10\.105\.208\.143\s+<none>\s+15010\/TCP,15012\/TCP,443\/TCP,15014\/TCP\s+\S+$/m);
  });

  it('prints cluster2 east-west gateway with its external IP', async () => {
    const r = await kubectl(lab.kubeconfigPath, ['--context', ctx2, 'get', 'svc', '-n', 'istio-system', 'istio-eastwestgateway']);
    expect(r.stdout).toMatch(/^istio-eastwestgateway\s+LoadBalancer\s+10\.96\.31\.100\s+172\.40\.143\.192\s+15021:31590\/TCP,15443:31841\/TCP,15012:31272\/TCP,15017:32063\/TCP\s+\S+$/m);
  });

  it('prints the sample pods wide and the Pending loki-0', async () => {
    const sample = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-n', 'sample', '-o', 'wide']);
    expect(sample.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    expect(sample.stdout).toMatch(/^helloworld-v1-867747c89-wzjch\s+2\/2\s+Running\s+0\s+\S+\s+192\.168\.184\.139\s+\S+\s+<none>\s+<none>$/m);
    const bookinfo = await kubectl(lab.kubeconfigPath, ['--context', ctx2, 'get', 'pods']);
    expect(bookinfo.stdout).toMatch(/^loki-0\s+0\/2\s+Pending\s+0\s+10d$/m);
    expect(bookinfo.stdout).toMatch(/^reviews-v3-5b9bd44f4-ztxsd\s+2\/2\s+Running\s+0\s+\S+$/m);
  });

  it('selects with labels and fields and reads /version', async () => {
    const sleep = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'pods', '-n', 'sample', '-l', 'app=sleep', '-o', 'jsonpath={.items[0].metadata.name}']);
    expect(sleep.stdout).toBe('sleep-7656cf8794-qmx9p');
    const pending = await kubectl(lab.kubeconfigPath, ['--context', ctx2, 'get', 'pods', '-A', '--field-selector', 'status.phase=Pending', '-o', 'name']);
    expect(pending.stdout.trim()).toBe('pod/loki-0');
    const version = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', '--raw', '/version']);
    expect(JSON.parse(version.stdout).gitVersion).toMatch(/^v1\.\d+\.\d+/);
  });

  it("serves Istio's CRDs in the versions Istio 1.21 serves: v1beta1 preferred, no v1", async () => {
    const gw = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', 'gateways.networking.istio.io', '-n', 'istio-system', '-o', 'jsonpath={.items[*].apiVersion}']);
    expect(gw.stderr).toBe('');
    expect(gw.stdout.split(' ')[0]).toBe('networking.istio.io/v1beta1');
    const v1alpha3 = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', '--raw', '/apis/networking.istio.io/v1alpha3/namespaces/istio-system/gateways']);
    expect(JSON.parse(v1alpha3.stdout).items[0].apiVersion).toBe('networking.istio.io/v1alpha3');
    const v1 = await kubectl(lab.kubeconfigPath, ['--context', ctx1, 'get', '--raw', '/apis/networking.istio.io/v1/gateways']);
    expect(v1.stderr).toMatch(/NotFound|not found/i);
  });

  it('prints the 403 wording for a forbidden resource', async () => {
    const user = lab.world.clusters()[1].users[0].name;
    lab.applyFault({ type: 'forbid', cluster: 'cluster2', user, verb: 'list', resource: 'services', on: true });
    try {
      const r = await kubectl(lab.kubeconfigPath, ['--context', ctx2, 'get', 'svc', '-A']);
      expect(r.stderr).toMatch(/Error from server \(Forbidden\): services is forbidden: User "[^"]+" cannot list resource "services" in API group "" at the cluster scope/);
    } finally {
      lab.applyFault({ type: 'forbid', cluster: 'cluster2', user, verb: 'list', resource: 'services', on: false });
    }
  });
});

describe('client-node on the seed mesh', () => {
  it('port-forwards to istiod:15014 for /debug/clusterz', async () => {
    const kc = kubeConfigFor(lab.kubeconfig, ctx1);
    const answer = await getOverPortForward(kc, 'istio-system', 'istiod-6696b6844d-cwj44', 15014, '/debug/clusterz');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('cluster2');
  });

  it('port-forwards to the ratings sidecar for /clusters?format=json', async () => {
    const kc = kubeConfigFor(lab.kubeconfig, ctx2);
    const answer = await getOverPortForward(kc, 'default', 'ratings-v1-6484c4d9bb-25cnf', 15000, '/clusters?format=json');
    expect(answer.status).toBe(200);
    const clusters = JSON.parse(answer.body).cluster_statuses as Array<{ name: string; host_statuses?: Array<{ address: { socket_address: { address: string; port_value: number } } }> }>;
    const reviews = clusters.find((c) => c.name === 'outbound|9080||reviews.default.svc.cluster.local');
    const addresses = (reviews?.host_statuses ?? []).map((h) => `${h.address.socket_address.address}:${h.address.socket_address.port_value}`).sort();
    expect(addresses).toEqual(['172.40.143.182:15443', '192.168.179.215:9080']);
  });

  it('lists and watches a run-time change', async () => {
    const kc = kubeConfigFor(lab.kubeconfig, ctx1);
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'sample' });
    expect(pods.items.map((p) => p.metadata?.name)).toContain('helloworld-v1-867747c89-wzjch');
    // From the list's resourceVersion: only the change, no replay of the initial state.
    const seen = await watchUntil(
      kc,
      '/api/v1/namespaces/sample/pods',
      { resourceVersion: pods.metadata!.resourceVersion! },
      (type, name) => type === 'ADDED' && name.startsWith('helloworld-v1-'),
      () => lab.applyFault({ type: 'scale-workload', cluster: 'cluster1', namespace: 'sample', workload: 'helloworld-v1', replicas: 2 }),
    );
    expect(seen).not.toContain('ADDED helloworld-v1-867747c89-wzjch');
  });

  it('refuses connections while cluster2 API is down and serves again after', async () => {
    const api = kubeConfigFor(lab.kubeconfig, ctx2).makeApiClient(k8s.CoreV1Api);
    lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: true });
    await expect.poll(() => api.listNamespace().then(() => 'up', (e: { code?: string; cause?: { code?: string } }) => e.code ?? e.cause?.code), { timeout: 5000 }).toBe('ECONNREFUSED');
    lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: false });
    await expect.poll(() => api.listNamespace().then(() => 'up', () => 'down'), { timeout: 5000 }).toBe('up');
  });

  it('never received a write verb', () => {
    expect(lab.requestLog().filter((e) => e.method !== 'GET')).toEqual([]);
  });
});
