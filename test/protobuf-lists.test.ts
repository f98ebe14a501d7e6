/**
 * Pod lists in protobuf end to end: the watch-fed cache asks for them as client-go does
 * (`application/vnd.kubernetes.protobuf, application/json`), the lab answers pods in protobuf and every
 * other kind in JSON, and a server that answers JSON to that Accept (an API proxy, an older fake) is read
 * as before (the hostile servers' ten-istiods mode: its lists are JSON). The cache keeps the same pods
 * either way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { DEFAULT_TIMING, Informer } from '@/server/cache/informer';
import { PODS, SERVICES } from '@/server/cache/kinds';
import { loadConfig } from '@/server/config';
import { resetClusterState } from '@/server/k8s/cluster-state';
import { statusMessage, UpstreamStatusError } from '@/server/k8s/errors';
import { deadlineUntil } from '@/server/k8s/deadline';
import { keepProtobufPage } from '@/server/cache/list-page';
import { forEachPage, readBody } from '@/server/k8s/list-json';
import { PROTOBUF_CONTENT_TYPE, PROTOBUF_OR_JSON } from '@/server/k8s/protobuf';
import { buildRegistry, type Registry } from '@/server/k8s/registry';
import { CLUSTER1 } from './api-helpers';
import { hostileKubeconfig, startHostileApi, type HostileApi } from './hostile-servers';

let lab: Lab;
let hostile: HostileApi;
let dir: string;
let registry: Registry;
const informers: Array<Informer<unknown>> = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-protobuf-'));
  lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig') });
  hostile = await startHostileApi('ten-istiods');
  fs.writeFileSync(path.join(dir, 'json-only'), hostileKubeconfig([{ context: 'json-only', server: hostile.url, token: 'json-only-token' }]));
  registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath, path.join(dir, 'json-only')], deadlineMs: 5000, cacheMs: 0 });
});
afterAll(async () => {
  for (const informer of informers) informer.close();
  resetClusterState();
  await hostile?.close();
  await lab?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function synced<T>(informer: Informer<T>): Promise<Informer<T>> {
  informers.push(informer as Informer<unknown>);
  informer.start();
  const started = Date.now();
  while (!informer.synced) {
    if (informer.error) throw new Error(`${informer.kind.name}: ${informer.error.kind} ${informer.error.message}`);
    if (Date.now() - started > 10_000) throw new Error(`${informer.kind.name} never synced`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return informer;
}

const podLists = (from: number) => lab.requestLog().slice(from).filter((r) => r.cluster === 'cluster1' && r.path.startsWith('/api/v1/pods?') && !r.path.includes('watch='));

describe('pod lists in protobuf', () => {
  it('the cache lists pods in protobuf (in pages) and keeps what the JSON list gives', async () => {
    const cluster = registry.get(CLUSTER1)!;
    const from = lab.requestLog().length;
    const protobuf = await synced(new Informer(cluster, PODS, DEFAULT_TIMING, () => {}));
    const protobufLists = podLists(from);
    expect(protobufLists.length).toBeGreaterThan(0);
    expect(protobufLists.map((r) => r.contentType)).toEqual(protobufLists.map(() => PROTOBUF_CONTENT_TYPE));

    const json = await synced(new Informer(cluster, { ...PODS, protobuf: undefined }, DEFAULT_TIMING, () => {}));
    expect(podLists(from).slice(protobufLists.length).map((r) => r.contentType)).toEqual(protobufLists.map(() => 'application/json'));
    expect(protobuf.items.size).toBeGreaterThan(5);
    expect([...protobuf.items]).toStrictEqual([...json.items]);
    expect(protobuf.resourceVersion).toBe(json.resourceVersion);
    // istiod's pod is read whole: its image and CLUSTER_ID env.
    const istiod = [...protobuf.items.values()].find((p) => p.istiod);
    expect(istiod?.istiodClusterId).toBeTruthy();
  });

  it('a list read in pages of 2 follows the continue tokens of the protobuf ListMeta', async () => {
    const cluster = registry.get(CLUSTER1)!;
    const deadline = deadlineUntil(5000, new AbortController().signal);
    const kept: string[] = [];
    let pages = 0;
    const last = await forEachPage('/api/v1/pods', { pageSize: 2 }, async (pathAndQuery) => {
      const page = await readBody(cluster, pathAndQuery, deadline, 1 << 20, (body, what, type) => (expect(type).toBe(PROTOBUF_CONTENT_TYPE), keepProtobufPage(PODS, body, what)), PROTOBUF_OR_JSON);
      expect(page.kept.length).toBeLessThanOrEqual(2);
      kept.push(...page.kept.map(([key]) => key));
      pages++;
      return page.metadata;
    });
    expect(pages).toBeGreaterThan(2);
    expect(last?.resourceVersion).toMatch(/^\d+$/);
    const whole = await synced(new Informer(cluster, PODS, DEFAULT_TIMING, () => {}));
    expect(kept).toEqual([...whole.items.keys()].sort());
  });

  it('other kinds, JSON first in Accept, and kubectl-style Accept headers are answered in JSON', async () => {
    const cluster = registry.get(CLUSTER1)!;
    const typeOf = (apiPath: string, accept: string) => readBody(cluster, apiPath, deadlineUntil(5000, new AbortController().signal), 1 << 24, (_body, _what, type) => type, accept);
    expect(await typeOf('/api/v1/services', PROTOBUF_OR_JSON)).toBe('application/json');
    expect(await typeOf('/api/v1/pods', 'application/json, application/vnd.kubernetes.protobuf')).toBe('application/json');
    expect(await typeOf('/api/v1/pods', 'application/vnd.kubernetes.protobuf;q=0.5, application/json')).toBe('application/json');
    expect(await typeOf('/api/v1/pods', '*/*')).toBe('application/json');
    expect(await typeOf('/api/v1/pods', 'application/vnd.kubernetes.protobuf')).toBe('application/vnd.kubernetes.protobuf');
    const services = await synced(new Informer(cluster, SERVICES, DEFAULT_TIMING, () => {}));
    expect(services.items.size).toBeGreaterThan(0);
  });

  it("a refused list's Status comes in protobuf too, and its message is read from it", async () => {
    const cluster = registry.get(CLUSTER1)!;
    const from = lab.requestLog().length;
    lab.applyFault({ type: 'forbid', cluster: 'cluster1', user: '*', verb: 'list', resource: 'pods', on: true });
    try {
      const err = await readBody(cluster, '/api/v1/pods?limit=500', deadlineUntil(5000, new AbortController().signal), 1 << 20, () => null, PROTOBUF_OR_JSON).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamStatusError);
      expect((err as UpstreamStatusError).status).toBe(403);
      expect(statusMessage((err as UpstreamStatusError).body)).toMatch(/^pods is forbidden: User ".*" cannot list resource "pods" in API group "" at the cluster scope$/);
      expect(podLists(from).map((r) => [r.status, r.contentType])).toEqual([[403, PROTOBUF_CONTENT_TYPE]]);
    } finally {
      lab.applyFault({ type: 'forbid', cluster: 'cluster1', user: '*', verb: 'list', resource: 'pods', on: false });
    }
  });

  it('a server that answers JSON to the protobuf Accept is read as before', async () => {
    const informer = await synced(new Informer(registry.get('json-only')!, PODS, DEFAULT_TIMING, () => {}));
    expect([...informer.items.values()].map((p) => p.name)).toContain('victim-app');
    expect(informer.items.size).toBe(11);
    expect([...informer.items.values()].find((p) => p.istiod)?.istiodClusterId).toBe('hostile');
  });
});
