/**
 * Fleet-size benchmark (prints numbers; not a pass/fail test): the lab's scale scenario at 50 clusters
 * with 40 namespaces and 1,000 pods each, the production server on it, and a headless Chromium page.
 *   npm run bench:scale [-- --clusters 50 --namespaces 40 --pods 50000 --runs 20 --changes 20 --churn 0]
 * Prints: time to the first complete topology after the server starts; warm /api/topology p50 and
 * response bytes at each level; change propagation (a pod created in the lab → the `change` event in a
 * browser page) p50/p95; the server's RSS; first paint of the topology page at its default level.
 * Goals: first complete ≤ 3 s, warm p50 ≤ 50 ms, propagation p95 ≤ 1 s, RSS ≤ 1 GiB, default
 * response ≤ 2 MB, first paint ≤ 1.5 s. The lab and the server run in child processes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { startLabProcess, type LabProcess } from '../e2e/lab-process';
import { arg, ensureStandaloneBuild, percentile, runMain } from './common';
import { startNextServer, type NextServer } from '../e2e/next-server';
import type { ClustersResponse, TopologyResponse } from '../lib/types/api';

const root = path.resolve(__dirname, '..');
const GOALS = { firstCompleteMs: 3000, warmP50Ms: 50, propagationP95Ms: 1000, rssMiB: 1024, defaultBytes: 2 * 1024 * 1024, firstPaintMs: 1500 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET a URL and read its body to the end (its bytes dropped as they come). */
function readAll(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.on('data', () => {});
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

const rows: string[][] = [];
function report(what: string, value: string, goal: string, ok: boolean | null) {
  rows.push([what, value, goal, ok === null ? '' : ok ? 'ok' : 'MISSED']);
  console.log(`  ${what}: ${value}${goal ? ` (goal ${goal})` : ''}`);
}

async function postFault(controlUrl: string, fault: unknown): Promise<void> {
  const res = await fetch(`${controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`the lab refused ${JSON.stringify(fault)}: ${res.status}`);
}

async function main() {
  const scale = { clusters: arg('clusters', 50), namespaces: arg('namespaces', 40), pods: arg('pods', 50_000) };
  const runs = arg('runs', 20);
  const changes = arg('changes', 20);
  const churn = arg('churn', 0);

  ensureStandaloneBuild(root);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-scale-'));
  let lab: LabProcess | null = null;
  let next: NextServer | null = null;
  let browser: Browser | null = null;
  try {
    console.log(`starting the lab: ${scale.clusters} clusters, ${scale.namespaces} namespaces each, ${scale.pods} pods${churn ? `, churn ${churn} pods/s per cluster` : ''}…`);
    lab = await startLabProcess({
      kubeconfigOut: path.join(tmp, 'kubeconfig'),
      extraArgs: ['--scale', `clusters=${scale.clusters},namespaces=${scale.namespaces},pods=${scale.pods}`, '--no-prometheus', ...(churn ? ['--churn', String(churn)] : [])],
      env: { NODE_OPTIONS: '--max-old-space-size=6144' },
      readyMs: 600_000,
    });
    // The lab renders each cluster's objects on first read: read them once, so the server's start is
    // measured against an API server that is up (as real ones are), not against the lab's first render.
    console.log('warming the lab (first render of every cluster)…');
    {
      const warm = await startNextServer({ env: { ISTHMUS_KUBECONFIG: lab.kubeconfigPath, ISTHMUS_CONTEXTS: '', ISTHMUS_DEADLINE_MS: '120000' }, readyPath: '/healthz', readyMs: 120_000 });
      await fetch(`${warm.baseURL}/api/topology?level=clusters`);
      await warm.stop();
    }

    console.log('starting the server…');
    const started = performance.now();
    next = await startNextServer({
      env: { ISTHMUS_KUBECONFIG: lab.kubeconfigPath, ISTHMUS_CONTEXTS: '', ISTHMUS_DEMO: '1', ISTHMUS_DEADLINE_MS: '5000' },
      readyPath: '/healthz',
      readyMs: 120_000,
    });
    const { baseURL } = next;
    const pid = next.child.pid!;
    report('server process answering (/healthz) after spawn', `${(performance.now() - started).toFixed(0)} ms`, '', null);
    // First complete topology: every cluster synced (no cluster marked syncing or failing).
    let firstComplete = NaN;
    for (;;) {
      const t = (await (await fetch(`${baseURL}/api/topology`)).json()) as TopologyResponse;
      if (t.clusters.every((c) => c.ok && c.errors.length === 0) && t.nodes.filter((n) => n.kind === 'cluster').length === scale.clusters) {
        firstComplete = performance.now() - started;
        break;
      }
      if (performance.now() - started > 300_000) throw new Error(`no complete topology within 300 s: ${t.clusters.flatMap((c) => c.errors)[0]?.message}`);
      await sleep(50);
    }
    report('first complete topology after server start', `${firstComplete.toFixed(0)} ms`, `≤ ${GOALS.firstCompleteMs} ms`, firstComplete <= GOALS.firstCompleteMs);
    // The topology waits only for the kinds it is built from; the Istio kinds are listed after them. Warm
    // figures are taken once every kind of every cluster is listed (what "warm" means), not during that.
    for (;;) {
      const c = (await (await fetch(`${baseURL}/api/clusters`)).json()) as ClustersResponse;
      if (c.clusters.every((x) => x.watch?.state === 'synced')) break;
      if (performance.now() - started > 300_000) throw new Error('the watch caches did not all sync within 300 s');
      await sleep(50);
    }
    report('every kind of every cluster listed (watch state synced) after server start', `${(performance.now() - started).toFixed(0)} ms`, '', null);

    const defaultAnswer = await fetch(`${baseURL}/api/topology`);
    const defaultText = await defaultAnswer.text();
    const defaultTopology = JSON.parse(defaultText) as TopologyResponse;
    const defaultBytes = Buffer.byteLength(defaultText);
    report(`default /api/topology (level ${defaultTopology.level}, ${defaultTopology.nodes.length} nodes, ${defaultTopology.edges.length} edges)`, `${(defaultBytes / 1024).toFixed(0)} KiB`, '≤ 2048 KiB', defaultBytes <= GOALS.defaultBytes);

    for (const level of ['clusters', 'namespaces', 'workloads'] as const) {
      const url = `${baseURL}/api/topology?level=${level}`;
      const first = await (await fetch(url)).text(); // the view is built once, then served warm
      const times: number[] = [];
      // Timed until the last byte, with node:http: Node's fetch spends 30-50 ms of its own reading 10 MB
      // (curl reads the same answer in 9-12 ms), which is the bench's client, not the server or a browser.
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await readAll(url);
        times.push(performance.now() - t);
      }
      const p50 = percentile(times, 50);
      const nodes = (JSON.parse(first) as TopologyResponse).nodes.length;
      report(`warm /api/topology?level=${level} p50 (${nodes} nodes, ${(Buffer.byteLength(first) / 2 ** 20).toFixed(1)} MiB)`, `${p50.toFixed(1)} ms`, `≤ ${GOALS.warmP50Ms} ms`, p50 <= GOALS.warmP50Ms);
    }
    const oneCluster = await (await fetch(`${baseURL}/api/topology?level=workloads&cluster=${encodeURIComponent(defaultTopology.nodes.find((n) => n.kind === 'cluster')!.cluster)}`)).text();
    report('one cluster at level workloads (cluster=)', `${(Buffer.byteLength(oneCluster) / 1024).toFixed(0)} KiB, ${(JSON.parse(oneCluster) as TopologyResponse).nodes.length} nodes`, '', null);

    browser = await chromium.launch({ executablePath: process.env.ISTHMUS_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
    // Change propagation: a pod created in the lab → the change event in a browser page.
    const page = await browser.newPage();
    await page.goto(`${baseURL}/api/contexts`);
    await page.evaluate(() => {
      const w = window as unknown as { changes: Array<{ at: number; clusters: string[] }>; ready: boolean };
      w.changes = [];
      w.ready = false;
      const source = new EventSource('/api/events');
      source.addEventListener('hello', () => (w.ready = true));
      source.addEventListener('change', (e) => w.changes.push({ at: Date.now(), clusters: Object.keys(JSON.parse((e as MessageEvent<string>).data).clusters) }));
    });
    await page.waitForFunction(() => (window as unknown as { ready: boolean }).ready);
    const clusters = (await (await fetch(`${baseURL}/api/clusters`)).json()) as ClustersResponse;
    const delays: number[] = [];
    for (let i = 0; i < changes; i++) {
      const target = clusters.clusters[i % clusters.clusters.length];
      const labCluster = target.clusterId ?? target.cluster.split('@').pop()!;
      const sent = Date.now();
      await postFault(lab.controlUrl, { type: 'scale-workload', cluster: labCluster, namespace: 'team-001', workload: 'app-1-v1', replicas: 6 + (i % 2) });
      const handle = await page.waitForFunction(
        ([name, since]) => (window as unknown as { changes: Array<{ at: number; clusters: string[] }> }).changes.find((c) => c.at >= since && c.clusters.includes(name))?.at ?? null,
        [target.cluster, sent] as const,
        { timeout: 10_000, polling: 10 },
      );
      delays.push(Number(await handle.jsonValue()) - sent);
      await sleep(100);
    }
    const p95 = percentile(delays, 95);
    report(`change propagation lab → browser event (${changes} changes) p50 / p95`, `${percentile(delays, 50).toFixed(0)} / ${p95.toFixed(0)} ms`, `p95 ≤ ${GOALS.propagationP95Ms} ms`, p95 <= GOALS.propagationP95Ms);

    const rss = rssMiB(pid);
    report('server RSS', `${rss} MiB`, `≤ ${GOALS.rssMiB} MiB`, rss <= GOALS.rssMiB);

    const paints: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      // Once drawn, the page asks the mesh checks, which read every cluster's istiod: the lab renders 50
      // istiods' debug answers for them on the two cores the next page is drawn with. Each page is left
      // to finish that before the next is opened, so each paint is measured on a settled machine.
      const checked = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/checks', { timeout: 60_000 }).catch(() => null);
      await p.goto(`${baseURL}/topology`);
      await p.waitForFunction(() => window.__isthmusTopology?.firstPaintMs != null, null, { timeout: 120_000 });
      paints.push(await p.evaluate(() => window.__isthmusTopology!.firstPaintMs!));
      await checked;
      await p.close();
    }
    const paint = percentile(paints, 50);
    report(`browser first paint of /topology at the default level (median of 3: ${paints.join(', ')} ms)`, `${paint} ms`, `≤ ${GOALS.firstPaintMs} ms`, paint <= GOALS.firstPaintMs);
  } finally {
    await browser?.close();
    await next?.stop();
    await lab?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }

  const header = ['measure', 'value', 'goal', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}

runMain(main);
