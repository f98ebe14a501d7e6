/**
 * Traffic benchmark (prints numbers; not a pass/fail test). Starts the lab's scale scenario with N
 * clusters, each with its own real Prometheus (Debian's `prometheus`) behind istio-system/prometheus:9090
 * answering L ms late (the lab's prometheus-latency fault, in the API server's service proxy), then times
 * what the topology's traffic and the overview's cluster matrix need: GET /api/traffic's server function
 * (every cluster's 7 queries in parallel, flows merged, matrix built) plus putting the flows on the
 * topology's edges. Cold: results forgotten before every call (cluster IDs and connections kept, as in a
 * running server); warm: served from the short cache.
 *   npm run bench:metrics [-- --clusters 20 --latency 100 --runs 15 --scrape 10]
 * Goal: cold p50 ≤ 1.5 × L + 50 ms at N = 20, L = 100.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLabProcess } from '../e2e/lab-process';
import { arg, percentile, runUnderReactServer } from './common';

runUnderReactServer(__filename);

async function main() {
  const N = arg('clusters', 20);
  const L = arg('latency', 100);
  const runs = arg('runs', 15);
  // Every proxy is a target: the lab computes each answer, so a gentle interval keeps it responsive.
  const scrapeS = arg('scrape', 10);

  const { buildRegistry } = await import('../server/k8s/registry');
  const { loadConfig } = await import('../server/config');
  const { resetClusterState } = await import('../server/k8s/cluster-state');
  const { getTraffic } = await import('../server/traffic');
  const { getTopology } = await import('../server/topology');
  const { edgeTraffic } = await import('../lib/traffic/edges');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-metrics-'));
  console.log(`starting the lab: ${N} clusters, one real Prometheus each (scrape ${scrapeS} s)…`);
  const lab = await startLabProcess({
    kubeconfigOut: path.join(dir, 'kubeconfig'),
    extraArgs: ['--scale', `clusters=${N},namespaces=1,pods=${N * 13},traffic=1`, '--scrape-interval', String(scrapeS)],
    readyMs: 300_000,
  });
  try {
    // A few scrapes, so every query has series to aggregate.
    await new Promise((resolve) => setTimeout(resolve, 3 * scrapeS * 1000 + 2000));
    for (let i = 1; i <= N; i++) {
      const res = await fetch(`${lab.controlUrl}/faults`, { method: 'POST', body: JSON.stringify({ type: 'prometheus-latency', cluster: `cluster${i}`, ms: L }) });
      if (!res.ok) throw new Error(`the lab refused the latency fault: ${res.status}`);
    }
    const registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath], deadlineMs: 5000, cacheMs: 60_000 });
    const topology = await getTopology(registry);
    const measure = async () => {
      const traffic = await getTraffic(registry, '1m');
      const edges = edgeTraffic(topology, traffic.flows);
      return { traffic, edges };
    };
    const first = await measure(); // cluster IDs read, connections opened (not counted)
    const failed = first.traffic.clusters.filter((c) => !c.ok);
    console.log(`${first.traffic.flows.length} flows, ${first.traffic.matrix.length} matrix cells, ${first.edges.size} edges with traffic; ${failed.length} clusters failed${failed.length ? `: ${failed[0].errors[0]?.message}` : ''}`);

    const time = async (before: () => void) => {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        before();
        const t = performance.now();
        await measure();
        out.push(performance.now() - t);
      }
      return out;
    };
    const cold = await time(() => registry.clusters.forEach((c) => c.state.results.clear()));
    const warm = await time(() => {});
    const goal = 1.5 * L + 50;
    const row = (name: string, xs: number[]) =>
      console.log(`${name.padEnd(34)} p50 ${percentile(xs, 50).toFixed(0).padStart(5)} ms  p90 ${percentile(xs, 90).toFixed(0).padStart(5)} ms  max ${Math.max(...xs).toFixed(0).padStart(5)} ms`);
    console.log(`\n${N} clusters, Prometheus +${L} ms, ${runs} runs; goal: cold p50 ≤ ${goal} ms`);
    row('traffic + matrix + edges, cold', cold);
    row('traffic + matrix + edges, warm', warm);
    console.log(`cold p50 ${percentile(cold, 50) <= goal ? 'meets' : 'MISSES'} the goal`);
    resetClusterState();
  } finally {
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
