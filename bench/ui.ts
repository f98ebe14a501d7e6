/**
 * UI benchmark (prints numbers; not a pass/fail test): the topology of the lab's scale scenario in
 * headless Debian Chromium (time to first paint and to layout done, from the page's test hook), and
 * the overview's first-load JavaScript (gzip). Usage:
 *   npm run bench:ui [-- --clusters 10 --namespaces 22 --pods 4400 --runs 3]
 * The server's cache is set to a minute so the browser runs measure the page, not the re-read of
 * every cluster (bench:fanout measures that); the cold API time is printed on its own.
 * Builds the app first when .next/BUILD_ID is missing. Cleans up every process it started.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';
import { startNextServer, type NextServer } from '../e2e/next-server';
import { arg, ensureStandaloneBuild, runMain } from './common';
import { startLab, type Lab } from '../lab/index';
import type { TopologyResponse } from '../lib/types/api';

const root = path.resolve(__dirname, '..');
const GOALS = { firstPaintMs: 1500, layoutMs: 3000, overviewJsKb: 250 };

/** Sum of the gzip sizes of the /_next/static scripts a page's HTML loads. */
async function firstLoadJs(baseURL: string, pagePath: string): Promise<{ kb: number; files: number; hasCytoscape: boolean }> {
  const html = await (await fetch(`${baseURL}${pagePath}`)).text();
  const srcs = new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]));
  let bytes = 0;
  let files = 0;
  let hasCytoscape = false;
  for (const src of srcs) {
    const rel = decodeURIComponent(src.split('?')[0]).replace(/^\/_next\/static\//, '');
    const file = path.join(root, '.next', 'static', rel);
    if (!existsSync(file)) continue;
    const content = readFileSync(file);
    bytes += gzipSync(content, { level: 9 }).length;
    files += 1;
    if (content.includes('cytoscape')) hasCytoscape = true;
  }
  return { kb: bytes / 1024, files, hasCytoscape };
}

function row(label: string, value: string, goal = '', result = ''): string {
  return `| ${label.padEnd(40)} | ${value.padStart(12)} | ${goal.padStart(9)} | ${result.padEnd(6)} |`;
}
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

async function main() {
  const scale = { clusters: arg('clusters', 10), namespaces: arg('namespaces', 22), pods: arg('pods', 4400) };
  const runs = arg('runs', 3);

  ensureStandaloneBuild(root);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-ui-'));
  let lab: Lab | null = null;
  let next: NextServer | null = null;
  let browser: Browser | null = null;
  try {
    console.log(`starting the lab: ${scale.clusters} clusters, ${scale.namespaces} namespaces, ${scale.pods} pods`);
    lab = await startLab({ scale, kubeconfigOut: path.join(tmp, 'kubeconfig') });
    next = await startNextServer({
      env: { ISTHMUS_KUBECONFIG: lab.kubeconfigPath, ISTHMUS_CONTEXTS: '', ISTHMUS_DEMO: '1', ISTHMUS_DEADLINE_MS: '20000', ISTHMUS_CACHE_MS: '60000' },
      readyPath: '/api/clusters',
    });
    const { baseURL } = next;

    // Warm the server's read of the clusters so the browser runs measure the page, and report the API.
    const apiStarted = performance.now();
    const topo = (await (await fetch(`${baseURL}/api/topology`)).json()) as TopologyResponse;
    const apiColdMs = performance.now() - apiStarted;
    console.log(`/api/topology: ${topo.nodes.length} nodes, ${topo.edges.length} edges, ${topo.clusters.flatMap((c) => c.errors).length} errors, cold ${apiColdMs.toFixed(0)} ms`);

    browser = await chromium.launch({ executablePath: process.env.ISTHMUS_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
    const samples: Array<{ firstPaint: number; fullPaint: number; layoutDone: number; layoutMs: number; dataAt: number; apiRequests: number; layout: string; nodes: number; edges: number }> = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseURL}/topology`);
      await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true && window.__isthmusTopology.fullPaintMs !== null, null, { timeout: 120_000 });
      const s = await page.evaluate(() => {
        const h = window.__isthmusTopology!;
        const apis = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/topology')) as PerformanceResourceTiming[];
        return {
          firstPaint: h.firstPaintMs!,
          fullPaint: h.fullPaintMs ?? h.firstPaintMs!,
          layoutDone: h.layoutDoneAt!,
          layoutMs: h.layoutMs!,
          dataAt: apis[0]?.responseEnd ?? 0,
          apiRequests: apis.length,
          layout: h.layoutName ?? '',
          ...h.counts(),
        };
      });
      if (errors.length) console.log(`page errors: ${errors.join('; ')}`);
      samples.push(s);
      console.log(
        `run ${i + 1}: first paint ${s.firstPaint} ms, layout done ${s.layoutDone} ms (layout ${s.layoutMs} ms, ${s.layout}), every element drawn ${s.fullPaint} ms, data arrived ${s.dataAt.toFixed(0)} ms (${s.apiRequests} request${s.apiRequests === 1 ? '' : 's'})`,
      );
      await page.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const firstPaint = median(samples.map((s) => s.firstPaint));
    const layoutDone = median(samples.map((s) => s.layoutDone));
    const layoutMs = median(samples.map((s) => s.layoutMs));
    const fullPaint = median(samples.map((s) => s.fullPaint));
    const dataAt = median(samples.map((s) => s.dataAt));
    const afterData = median(samples.map((s) => s.firstPaint - s.dataAt));
    const overview = await firstLoadJs(baseURL, '/');
    const topologyJs = await firstLoadJs(baseURL, '/topology');

    console.log('');
    console.log(`UI benchmark: lab scale ${scale.clusters}×${scale.namespaces}×${scale.pods}, ${samples[0].nodes} nodes / ${samples[0].edges} edges on the canvas, median of ${runs} runs, ${os.cpus().length} cores`);
    console.log(row('metric', 'value', 'goal', 'result'));
    console.log(`|${'-'.repeat(42)}|${'-'.repeat(14)}|${'-'.repeat(11)}|${'-'.repeat(8)}|`);
    console.log(row('topology first paint (from navigation)', `${firstPaint} ms`, `< ${GOALS.firstPaintMs}`, verdict(firstPaint < GOALS.firstPaintMs)));
    console.log(row('  of which after /api/topology arrived', `${afterData.toFixed(0)} ms`));
    console.log(row('topology layout done (from navigation)', `${layoutDone} ms`, `< ${GOALS.layoutMs}`, verdict(layoutDone < GOALS.layoutMs)));
    console.log(row(`  layout run itself (${samples[0].layout})`, `${layoutMs} ms`));
    console.log(row('every element drawn (from navigation)', `${fullPaint} ms`));
    console.log(row('/api/topology arrived (from navigation)', `${dataAt.toFixed(0)} ms`));
    console.log(row('/api/topology cold (server)', `${apiColdMs.toFixed(0)} ms`));
    console.log(row('overview first-load JS (gzip)', `${overview.kb.toFixed(1)} kB`, `< ${GOALS.overviewJsKb}`, verdict(overview.kb < GOALS.overviewJsKb)));
    console.log(row('  overview loads cytoscape', overview.hasCytoscape ? 'yes' : 'no', 'no', verdict(!overview.hasCytoscape)));
    console.log(row('topology first-load JS (gzip, no canvas)', `${topologyJs.kb.toFixed(1)} kB`));
  } finally {
    await browser?.close().catch(() => undefined);
    await next?.stop();
    await lab?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

runMain(main);
