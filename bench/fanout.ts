/**
 * Fan-out benchmark (prints numbers; not a pass/fail test). Starts the lab's scale scenario with N
 * clusters whose API servers each answer L ms late, and times the server functions behind /api/mesh and
 * /api/topology: cold (result cache cleared before every call; kept-open port-forwards stay, as in a
 * running server) and warm (served from the short cache). Then the topology of 50 clusters / 50,000 pods.
 *   npm run bench:fanout [-- --clusters 20 --latency 100 --runs 15 --big-clusters 50 --big-pods 50000]
 * Goal: p50 ≤ 1.5 × L + 50 ms at N = 20, L = 100 (warm and cold); big topology warm < 1 s; RSS < 1 GiB.
 * The lab runs in a child process (API servers are elsewhere in real life), so RSS is the server code's alone.
 */
import { startLabProcess } from '../e2e/lab-process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { arg, percentile, runUnderReactServer, runMain } from './common';

runUnderReactServer(__filename);
const mib = () => Math.round(process.memoryUsage().rss / 2 ** 20);

async function timeRuns(runs: number, before: () => void, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    before();
    const t = performance.now();
    await call();
    out.push(performance.now() - t);
  }
  return out;
}

/** The lab runs in a child process (API servers are elsewhere in real life); a big mesh needs heap. */
const LAB_ENV = { NODE_OPTIONS: '--max-old-space-size=4096' };

async function main() {
  const N = arg('clusters', 20);
  const L = arg('latency', 100);
  const runs = arg('runs', 15);
  const bigClusters = arg('big-clusters', 50);
  const bigPods = arg('big-pods', 50_000);

  const { buildRegistry } = await import('../server/k8s/registry');
  const { loadConfig } = await import('../server/config');
  const { clearReadings, resetClusterState } = await import('../server/k8s/cluster-state');
  const { getMesh } = await import('../server/mesh');
  const { getTopology, getTopologyBytes } = await import('../server/topology');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-'));
  const rows: string[][] = [];
  const goal = 1.5 * L + 50;

  console.log(`starting the lab: ${N} clusters, +${L} ms per API request…`);
  const lab = await startLabProcess({
    kubeconfigOut: path.join(dir, 'kubeconfig'),
    extraArgs: ['--scale', `clusters=${N},namespaces=5,pods=${N * 60}`, '--latency', String(L)],
    env: LAB_ENV,
    readyMs: 300_000,
  });
  try {
    const registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath], deadlineMs: 5000, cacheMs: 60_000 });
    // Cold: results forgotten before every call; kept-open forwards stay, as in a running server.
    const clearResults = () => registry.clusters.forEach((c) => c.state.results.clear());
    const errorsOf = (m: Awaited<ReturnType<typeof getMesh>>) => m.clusters.filter((c) => !c.ok || c.errors.length).length;
    // First call ever: opens every port-forward (not counted in cold/warm).
    const first = await getMesh(registry);
    if (errorsOf(first)) console.warn(`warning: ${errorsOf(first)} clusters reported errors`);
    for (const [name, call] of [
      ['/api/mesh', () => getMesh(registry)],
      ['/api/topology', () => getTopologyBytes(registry)],
    ] as const) {
      const cold = await timeRuns(runs, clearResults, call);
      await call();
      const warm = await timeRuns(runs, () => {}, call);
      for (const [kind, xs] of [
        ['cold', cold],
        ['warm', warm],
      ] as const) {
        const p50 = percentile(xs, 50);
        rows.push([name, String(N), String(L), kind, p50.toFixed(1), percentile(xs, 95).toFixed(1), goal.toFixed(0), p50 <= goal ? 'ok' : 'MISSED', String(mib())]);
      }
    }
    const t = performance.now();
    clearReadings();
    await getMesh(registry);
    rows.push(['/api/mesh (first call, new forwards)', String(N), String(L), 'cold', (performance.now() - t).toFixed(1), '-', '-', '-', String(mib())]);
  } finally {
    resetClusterState();
    await lab.stop();
  }

  console.log(`starting the lab: ${bigClusters} clusters, ${bigPods} pods…`);
  const big = await startLabProcess({
    kubeconfigOut: path.join(dir, 'kubeconfig-big'),
    extraArgs: ['--scale', `clusters=${bigClusters},namespaces=20,pods=${bigPods}`],
    env: LAB_ENV,
    readyMs: 300_000,
  });
  try {
    const registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [big.kubeconfigPath], deadlineMs: 30_000, cacheMs: 600_000 });
    let t = performance.now();
    const topo = await getTopology(registry);
    const coldMs = performance.now() - t;
    await getTopologyBytes(registry);
    const warm = await timeRuns(Math.max(5, Math.floor(runs / 2)), () => {}, () => getTopologyBytes(registry));
    const p50 = percentile(warm, 50);
    rows.push([`/api/topology (${topo.nodes.length} nodes, ${topo.edges.length} edges)`, String(bigClusters), '0', 'cold', coldMs.toFixed(1), '-', '-', '-', String(mib())]);
    rows.push([`/api/topology ${bigPods} pods`, String(bigClusters), '0', 'warm', p50.toFixed(1), percentile(warm, 95).toFixed(1), '1000', p50 < 1000 ? 'ok' : 'MISSED', String(mib())]);
  } finally {
    resetClusterState();
    await big.stop();
  }

  const header = ['route', 'clusters', 'L ms', 'cache', 'p50 ms', 'p95 ms', 'goal p50', 'verdict', 'RSS MiB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(`\nRSS is the server code's process (the lab runs in a child process); RSS goal < 1024 MiB. ${mib() < 1024 ? 'ok' : 'MISSED'}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

runMain(main);
