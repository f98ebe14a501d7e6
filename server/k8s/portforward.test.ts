/**
 * podGet over a real port-forward (client-node's PortForward against a fake API server speaking the
 * kubelet's protocol), with Node's HTTP client reading the answers: chunked and sized bodies, keep-alive
 * reuse of a forward, a pod closing mid-body or after its answer, and answers over the byte caps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hostileKubeconfig, startHostileApi, type HostileApi } from '@/test/hostile-servers';
import { DEFAULT_PROMETHEUS_CONFIG } from '../config';
import { resetClusterState } from './cluster-state';
import { createDeadline } from './deadline';
import { toSourceError } from './errors';
import { podGet, type PodPath } from './portforward';
import { buildRegistry, type ClusterHandle } from './registry';

const MiB = 1024 * 1024;
const json = JSON.stringify({ configs: Array.from({ length: 2000 }, (_, i) => ({ name: `outbound|${i}||svc.ns.svc.cluster.local` })) });

/** The pod's answers by path. */
function pod(req: IncomingMessage, res: ServerResponse) {
  switch (req.url) {
    case '/clusters?format=json': {
      // Chunked: pieces of every size, including splits inside multi-byte characters' neighbours.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < json.length; i += 777) res.write(json.slice(i, i + 777));
      return res.end();
    }
    case '/server_info':
      return res.writeHead(200, { 'Content-Length': Buffer.byteLength(json) }).end(json);
    case '/config_dump?include_eds': {
      // The pod closes the connection 100 bytes into a 10,000-byte body.
      res.writeHead(200, { 'Content-Length': 10_000 });
      res.write('x'.repeat(100));
      return setTimeout(() => req.socket.end(), 20);
    }
    case '/debug/syncz':
      return res.writeHead(200, { 'Content-Length': 100 * MiB }).end();
    case '/debug/clusterz': {
      const piece = Buffer.alloc(MiB, 'x');
      res.writeHead(200);
      let sent = 0;
      const more = () => {
        while (sent < 70 && !res.destroyed) {
          sent++;
          if (!res.write(piece)) return void res.once('drain', more);
        }
        res.end();
      };
      return more();
    }
    case '/version':
      // Answers, then the pod closes the idle connection (the next request must open a fresh forward).
      res.writeHead(200, { 'Content-Length': 2 }).end('{}');
      return setTimeout(() => req.socket.end(), 20);
    default:
      res.writeHead(404).end();
  }
}

let api: HostileApi;
let cluster: ClusterHandle;
beforeAll(async () => {
  api = await startHostileApi('healthy', { podHandler: (port) => (port === 15000 ? pod : null) });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-pf-')), 'kubeconfig');
  fs.writeFileSync(file, hostileKubeconfig([{ context: 'pods', server: api.url, token: 't' }]));
  cluster = buildRegistry({ kubeconfigPaths: [file], contexts: [], demo: false, deadlineMs: 5000, cacheMs: 0, allowedHosts: null, prometheus: DEFAULT_PROMETHEUS_CONFIG }).clusters[0];
});
afterAll(async () => {
  resetClusterState();
  await api.close();
});
beforeEach(() => {
  cluster.state.clearReadings();
  api.requests.length = 0;
});

const target = { namespace: 'default', pod: 'app', port: 15000 };
const get = (p: PodPath, ms = 5000) => podGet(cluster, target, p, createDeadline(ms));
const upgrades = () => api.requests.filter((r) => r.startsWith('UPGRADE')).length;
const failure = (p: PodPath) =>
  get(p).then(
    () => null,
    (e: unknown) => toSourceError(e, { cluster: 'pods', server: cluster.server, source: p }),
  );

describe('podGet', () => {
  it('reads a chunked body and a sized one, reusing one forward for both (keep-alive)', async () => {
    expect(await get('/clusters?format=json')).toBe(json);
    expect(await get('/server_info')).toBe(json);
    expect(await get('/clusters?format=json')).toBe(json);
    expect(upgrades()).toBe(1);
  });

  it('a kept-open forward reused many times gathers no listeners (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 40; i++) expect(await get('/server_info')).toBe(json);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(upgrades()).toBe(1);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('opens a fresh forward when the pod closed the kept one', async () => {
    expect(await get('/version')).toBe('{}');
    await new Promise((r) => setTimeout(r, 200));
    expect(await get('/server_info')).toBe(json);
    expect(upgrades()).toBe(2);
  });

  it('a forward closing mid-body is bad-response, not a success with half a body', async () => {
    const e = await failure('/config_dump?include_eds');
    expect(e?.kind).toBe('bad-response');
  });

  it('refuses a declared body over the cap before reading it, and cuts a streamed one at the cap', async () => {
    expect(await failure('/debug/syncz')).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/answered more than 64 MiB/) });
    expect(await failure('/debug/clusterz')).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/answered more than 64 MiB/) });
  });

  it('a port nothing listens on is unreachable', async () => {
    const e = await podGet(cluster, { ...target, port: 15014 }, '/debug/syncz', createDeadline(5000)).catch((err: unknown) => toSourceError(err, { cluster: 'pods', source: 'x' }));
    expect(e).toMatchObject({ kind: 'unreachable' });
  });
});
