/**
 * Mesh checks benchmark (prints numbers; not a pass/fail test). Starts the lab's scale scenario with N
 * clusters whose API servers each answer L ms late and times the whole catalogue (readMeshSnapshot +
 * runChecks, what GET /api/checks and `npm run check` do): cold (results forgotten before every call;
 * kept-open port-forwards stay, as in a running server) and the check functions alone on the snapshot.
 *   npm run bench:checks [-- --clusters 20 --latency 100 --runs 15]
 * Goal: p50 ≤ 1.5 × L + 150 ms at N = 20, L = 100.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLabProcess } from '../e2e/lab-process';
import { arg, percentile, runUnderReactServer, runMain } from './common';

runUnderReactServer(__filename);

async function main() {
  const N = arg('clusters', 20);
  const L = arg('latency', 100);
  const runs = arg('runs', 15);
  const goal = 1.5 * L + 150;

  const { buildRegistry } = await import('../server/k8s/registry');
  const { loadConfig } = await import('../server/config');
  const { resetClusterState } = await import('../server/k8s/cluster-state');
  const { readMeshSnapshot } = await import('../server/checks');
  const { runChecks } = await import('../lib/checks/catalogue');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-checks-'));
  console.log(`starting the lab: ${N} clusters, +${L} ms per API request…`);
  const lab = await startLabProcess({
    kubeconfigOut: path.join(dir, 'kubeconfig'),
    extraArgs: ['--scale', `clusters=${N},namespaces=5,pods=${N * 60}`, '--latency', String(L)],
    env: { NODE_OPTIONS: '--max-old-space-size=4096' },
    readyMs: 300_000,
  });
  try {
    const registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath], deadlineMs: 5000, cacheMs: 60_000 });
    const clearResults = () => registry.clusters.forEach((c) => c.state.results.clear());
    const catalogue = async () => runChecks(await readMeshSnapshot(registry));
    // First call ever: opens every port-forward (timed separately).
    let t = performance.now();
    const first = await catalogue();
    const firstMs = performance.now() - t;
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      clearResults();
      t = performance.now();
      await catalogue();
      times.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    const serverCpu = (cpu.user + cpu.system) / 1000 / runs;
    // Reference under the same conditions: /api/mesh (istiod pods, services, configmaps, clusterz, syncz).
    const { getMesh } = await import('../server/mesh');
    await getMesh(registry);
    const mesh: number[] = [];
    for (let i = 0; i < runs; i++) {
      clearResults();
      t = performance.now();
      await getMesh(registry);
      mesh.push(performance.now() - t);
    }
    const snapshot = await readMeshSnapshot(registry);
    const pure: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      runChecks(snapshot);
      pure.push(performance.now() - t);
    }
    const p50 = percentile(times, 50);
    console.log(`\nclusters ${N}, +${L} ms per API request, ${runs} runs; findings ${first.findings.length}, unknown ${first.unknown.length}`);
    console.log(`first call (opens the forwards): ${firstMs.toFixed(1)} ms`);
    for (const u of first.unknown.slice(0, 3)) console.log(`  unknown: ${u.check} ${u.cluster}: ${u.reason}`);
    console.log(`whole catalogue, cold:  p50 ${p50.toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  goal p50 ≤ ${goal} ms  ${p50 <= goal ? 'ok' : 'MISSED'}`);
    console.log(`reference, /api/mesh cold on the same lab: p50 ${percentile(mesh, 50).toFixed(1)} ms  p95 ${percentile(mesh, 95).toFixed(1)} ms`);
    console.log(`CPU per run of the server code: ${serverCpu.toFixed(0)} ms (the lab runs in a child process); machine load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
    console.log(`checks alone on the snapshot: p50 ${percentile(pure, 50).toFixed(2)} ms  p95 ${percentile(pure, 95).toFixed(2)} ms`);
    console.log(`RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  } finally {
    resetClusterState();
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
