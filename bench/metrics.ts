/**
 * Traffic benchmark (prints numbers; not a pass/fail test). Starts the lab's scale scenario with N
 * clusters, each with its own real Prometheus (Debian's `prometheus`) behind istio-system/prometheus:9090
 * answering L ms late (the lab's prometheus-latency fault, in the API server's service proxy), then times
 * what the topology's traffic and the overview's cluster matrix need:
 *  - rates: GET /api/traffic's server function (one query per cluster, all in parallel: requests and TCP
 *    bytes per flow; flows merged, matrix rates built) plus putting the flows on the topology's edges;
 *  - latency: GET /api/traffic/latency?by=pair's (one bucket query per cluster, summed per cluster pair:
 *    the matrix's p99); also by=flow (percentiles per flow too), not the goal's;
 *  - rates + latency as two requests side by side (what the overview asked before p99=pair);
 *  - page: what the overview asks now, until its matrix is complete: GET /api/traffic?p99=pair (the p99
 *    in the rates' query of each source holding the pair recording), then latency only if that answer
 *    says the p99 is not complete.
 * Cold means the traffic results are forgotten before every call (every cluster's short result cache
 * cleared), so every Prometheus query is sent again; what a running server legitimately keeps stays:
 * the learnt Istio cluster IDs, the kept-alive TLS connections to the API servers, the topology. Warm:
 * served from the short cache. Also printed: the CPU the lab's Prometheus servers spent per cold call
 * (they share this machine's cores; in a real mesh each cluster's Prometheus has its own).
 * Each Prometheus loads the recording rules (lab/prometheus/rules.ts): Istio's workload-level ones and
 * Isthmus's pair rule (`--rules all`, the default), Istio's only (`--rules istio`) or none (`--rules none`);
 * the bench prints which recordings Isthmus found and read (docs/metrics.md).
 *   npm run bench:metrics [-- --clusters 20 --latency 100 --runs 15 --scrape 10 --rules all]
 * Goal (issue 13): cold p50 ≤ 1.5 × L + 50 ms at N = 20, L = 100.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLabProcess } from '../e2e/lab-process';
import { arg, percentile, runMain, runUnderReactServer } from './common';
import { prometheusCpuMs } from './prometheus-processes';

runUnderReactServer(__filename);

async function main() {
  const N = arg('clusters', 20);
  const L = arg('latency', 100);
  const runs = arg('runs', 15);
  // Every proxy is a target: the lab computes each answer, so a gentle interval keeps it responsive.
  const scrapeS = arg('scrape', 10);
  const rules = rulesArg();

  const { buildRegistry } = await import('../server/k8s/registry');
  const { loadConfig } = await import('../server/config');
  const { resetClusterState } = await import('../server/k8s/cluster-state');
  const { getTraffic, getTrafficLatency } = await import('../server/traffic');
  const { getTopology } = await import('../server/topology');
  const { edgeTraffic } = await import('../lib/traffic/edges');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-metrics-'));
  console.log(`starting the lab: ${N} clusters, one real Prometheus each (scrape ${scrapeS} s), recording rules: ${rules}…`);
  const lab = await startLabProcess({
    kubeconfigOut: path.join(dir, 'kubeconfig'),
    // Two minutes of history, not an hour (an hour of N clusters' histograms takes long to write): the
    // timed 1 m window is covered from the start, the recordings included (Isthmus reads those only
    // once they reach back a whole window).
    extraArgs: ['--scale', `clusters=${N},namespaces=1,pods=${N * 13},traffic=1`, '--scrape-interval', String(scrapeS), '--backfill', '120', ...{ all: [], istio: ['--istio-recording-rules-only'], none: ['--no-recording-rules'] }[rules]],
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
    const rates = async () => {
      const traffic = await getTraffic(registry, '1m');
      return { traffic, edges: edgeTraffic(topology, traffic.flows) };
    };
    const latency = () => getTrafficLatency(registry, '1m', 'pair');
    // What the overview asks: the rates with the matrix's p99 (one query per source holding the pair
    // recording), and /api/traffic/latency only when that answer says the p99 is not complete.
    const page = async () => {
      const traffic = await getTraffic(registry, '1m', 'pair');
      if (!traffic.p99Complete) await latency();
      return traffic;
    };
    const flowLatency = () => getTrafficLatency(registry, '1m', 'flow');
    const first = await rates(); // cluster IDs read, connections opened (not counted)
    const firstLatency = await latency();
    const failed = [...first.traffic.clusters, ...firstLatency.clusters].filter((c) => !c.ok);
    const read = registry.clusters.map((c) => [...(c.state.prometheusRecordings.peek()?.get('1m') ?? [])].sort().join(', ') || 'none (raw metrics)');
    const kinds = [...new Set(read)].map((r) => `${r} (${read.filter((x) => x === r).length} clusters)`);
    console.log(`recording rules: ${rules}; recordings read for the 1 m window: ${kinds.join('; ')}`);
    console.log(
      `${first.traffic.flows.length} flows, ${first.traffic.matrix.length} matrix cells, ${first.edges.size} edges with traffic, ${firstLatency.matrix.length} cells with p99; ` +
        `${failed.length} cluster reads failed${failed.length ? `: ${failed[0].errors[0]?.message}` : ''}`,
    );

    const forget = () => registry.clusters.forEach((c) => c.state.results.clear());
    type Timing = { out: number[]; cpu: number[] };
    // Interleaved, run by run, so that the machine's other work weighs on every row alike.
    const timeAll = async (measures: Array<{ measure: () => Promise<unknown>; before: () => void }>) => {
      const timings: Timing[] = measures.map(() => ({ out: [], cpu: [] }));
      for (let i = 0; i < runs; i++) {
        for (const [k, { measure, before }] of measures.entries()) {
          before();
          const c = prometheusCpuMs(lab.child.pid!);
          const t = performance.now();
          await measure();
          timings[k].out.push(performance.now() - t);
          timings[k].cpu.push(prometheusCpuMs(lab.child.pid!) - c);
        }
      }
      return timings;
    };
    const goal = 1.5 * L + 50;
    const row = (name: string, { out, cpu }: Timing) =>
      console.log(
        `${name.padEnd(40)} p50 ${percentile(out, 50).toFixed(0).padStart(5)} ms  p90 ${percentile(out, 90).toFixed(0).padStart(5)} ms  max ${Math.max(...out).toFixed(0).padStart(5)} ms` +
          `   Prometheus CPU p50 ${percentile(cpu, 50).toFixed(0).padStart(5)} ms`,
      );
    const cold = (measure: () => Promise<unknown>) => ({ measure, before: forget });
    const [ratesCold, latencyCold, flowLatencyCold, twoRequestsCold, pageCold, warm] = await timeAll([
      cold(rates),
      cold(latency),
      cold(flowLatency),
      cold(() => Promise.all([rates(), latency()])),
      cold(page),
      { measure: page, before: () => {} },
    ]);
    const complete = (await page()).p99Complete;
    console.log(`\n${N} clusters, Prometheus +${L} ms, recording rules: ${rules}, ${runs} runs interleaved, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; goal: cold p50 ≤ ${goal} ms`);
    row('rates (edges, matrix rps/err), cold', ratesCold);
    row('latency (matrix p99), cold', latencyCold);
    row('latency per flow (and matrix p99), cold', flowLatencyCold);
    row('rates + latency as two requests, cold', twoRequestsCold);
    row(`page (${complete ? 'rates with p99, one request' : 'rates, then latency'}), cold`, pageCold);
    row('page, warm', warm);
    const meets = (t: { out: number[] }) => (percentile(t.out, 50) <= goal ? 'meets' : 'MISSES');
    console.log(`cold p50: rates ${meets(ratesCold)} the goal, latency ${meets(latencyCold)} it, the page (the matrix complete) ${meets(pageCold)} it`);
    resetClusterState();
  } finally {
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `--rules all|istio|none`. */
function rulesArg(): 'all' | 'istio' | 'none' {
  const i = process.argv.indexOf('--rules');
  const v = i >= 0 ? process.argv[i + 1] : 'all';
  if (v !== 'all' && v !== 'istio' && v !== 'none') throw new Error('--rules must be all, istio or none');
  return v;
}

runMain(main);
