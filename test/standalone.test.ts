/**
 * The standalone server (`node .next/standalone/server.js`, what `npm start` and the image run) serves the
 * demo mesh: every page and API route answers 200 with no per-cluster error, and the probes answer
 * under any Host header (the kubelet calls them by pod IP).
 *
 * Needs a current build (`npm run build`; `npm test` builds first); otherwise it skips with a message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import { startNextServer, type NextServer } from '@/e2e/next-server';
import { buildState } from '@/scripts/build-state.mjs';
import { failedStops, routeTour } from './route-tour';
import { expectSecurityHeaders } from './security-headers';

const root = path.resolve(__dirname, '..');
const state = buildState(root);
const skipReason = state === 'current' ? null : `the standalone build is ${state}: run \`npm run build\` first`;
if (skipReason) console.warn(`test/standalone.test.ts SKIPPED: ${skipReason}`);

describe.skipIf(skipReason !== null)('the standalone server on the demo mesh', () => {
  let lab: Lab | undefined;
  let server: NextServer | undefined;
  let dir = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-standalone-'));
    lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig'), prometheus: { scrapeIntervalS: 1 } });
    server = await startNextServer({ env: { ISTHMUS_KUBECONFIG: lab.kubeconfigPath, ISTHMUS_CONTEXTS: '', ISTHMUS_DEMO: '1', ISTHMUS_DEADLINE_MS: '10000' }, readyPath: '/readyz' });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every page and API route with 200 and no cluster error', async () => {
    const stops = await routeTour((p) => fetch(server!.baseURL + p));
    expect(stops.length).toBeGreaterThan(20);
    expect(failedStops(stops)).toEqual([]);
  }, 60_000);

  it('every page and API route carries the security headers; hostile requests are refused without a 500', async () => {
    const answers: Array<{ path: string; headers: Headers }> = [];
    await routeTour(async (p) => {
      const res = await fetch(server!.baseURL + p);
      answers.push({ path: p, headers: res.headers });
      return res;
    });
    expect(answers.length).toBeGreaterThan(20);
    for (const { path: p, headers } of answers.filter((a) => a.path !== '/healthz' && a.path !== '/readyz')) {
      expectSecurityHeaders(headers, p);
      if (p.startsWith('/api/')) expect(headers.get('cache-control'), p).toBe('no-store');
    }
    // Pages are rendered per request, so each gets its own nonce on its scripts.
    const page = await (await fetch(`${server!.baseURL}/topology`)).text();
    expect(page).toMatch(/<script[^>]* nonce="[A-Za-z0-9+/=]+"/);

    const status = async (p: string, init?: RequestInit) => (await fetch(server!.baseURL + p, init)).status;
    expect(await status('/api/clusters/%E0%A4%A/pods')).toBe(400);
    expect(await status('/api/clusters', { headers: { 'Sec-Fetch-Site': 'cross-site' } })).toBe(403);
    expect(await status('/api/clusters', { method: 'POST' })).toBe(405);
    const trace = await rawRequest(server!.baseURL, 'TRACE', '/api/mesh');
    expect(trace.status).toBe(405);
    expect(trace.headers['x-content-type-options']).toBe('nosniff');
  }, 60_000);

  it('answers the probes under any Host header, and nothing else', async () => {
    const { port } = new URL(server!.baseURL);
    const byPodIp = (p: string) => fetchWithHost(`${server!.baseURL}${p}`, `10.0.0.7:${port}`);
    expect((await byPodIp('/healthz')).status).toBe(200);
    expect((await byPodIp('/readyz')).status).toBe(200);
    expect((await byPodIp('/api/clusters')).status).toBe(421);
  });
});

describe.skipIf(skipReason !== null)('the standalone server bound beyond loopback', () => {
  it('refuses to start without sign-in, and starts with --insecure-no-auth', async () => {
    const { spawn } = await import('node:child_process');
    const { freePort } = await import('@/e2e/next-server');
    const { standaloneEnv, standaloneServer } = await import('@/scripts/standalone.mjs');
    const run = async (extra: Record<string, string>) => {
      const env = standaloneEnv({ ...process.env, ISTHMUS_AUTH: '', ISTHMUS_INSECURE_NO_AUTH: '', ...extra }, { host: '0.0.0.0', port: await freePort() });
      const child = spawn(process.execPath, [standaloneServer(root)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => (child.kill('SIGTERM'), resolve(null)), 8000);
        child.on('exit', (c) => (clearTimeout(timer), resolve(c)));
      });
      return { code, output };
    };
    const refused = await run({});
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('refusing to start: bound to 0.0.0.0');
    const insecure = await run({ ISTHMUS_INSECURE_NO_AUTH: '1' });
    expect(insecure.code).toBeNull(); // still serving when stopped
  }, 30_000);
});

/** fetch() forbids TRACE; node's http does not. */
async function rawRequest(base: string, method: string, p: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .request(base + p, { method }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      })
      .on('error', reject)
      .end();
  });
}

/** fetch() forbids setting Host; node's http does not. */
async function fetchWithHost(url: string, host: string): Promise<{ status: number }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    }).on('error', reject);
  });
}
