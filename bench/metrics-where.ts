/**
 * Where the matrix's latency query spends its time (prints numbers; not a test). Starts bench:metrics's
 * lab (N clusters, one real Prometheus each, every recording rule loaded) and asks every Prometheus
 * directly (no service proxy, no added latency) each variant of the query, with `stats=all`:
 *  - one server at a time: Prometheus's own timings (queue, preparation, inner evaluation, sort), the
 *    samples it read, the answer's size, the wall time and the client's JSON parse;
 *  - all N at once (what a cold matrix does): the wall time until the last answer is in.
 * Also each rule group's evaluation time (GET /api/v1/rules), the rules' standing cost.
 *   npm run bench:metrics-where -- [--clusters 20 --scrape 10 --rounds 5]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLabProcess } from '../e2e/lab-process';
import { arg, percentile, runMain, runUnderReactServer } from './common';
import { prometheusCpuMs, prometheusProcesses } from './prometheus-processes';

runUnderReactServer(__filename);

const X = 'istio_request_duration_milliseconds_bucket';
const once = (by: string, metric: string, unknown: string) =>
  `sum by (${by}) (rate(${metric}{reporter="source"}[1m])) or sum by (${by}) (rate(${metric}{reporter="destination",${unknown}="unknown"}[1m]))`;
const VARIANTS: Record<string, string> = {
  'rates (workload:)': `sum by (source_cluster, source_workload, destination_cluster, response_code) (rate(workload:istio_requests_total{reporter="source"}[1m]))`,
  'pair buckets, raw': once('le, source_cluster, source_workload, destination_cluster', X, 'source_workload'),
  'pair buckets, workload:': once('le, source_cluster, source_workload, destination_cluster', `workload:${X}`, 'source_workload'),
  'pair buckets, cluster_pair:': once('le, source_cluster, destination_cluster', `cluster_pair:${X}`, 'source_cluster'),
  'pair p99 in Prom, workload:': `histogram_quantile(0.99, ${once('le, source_cluster, destination_cluster', `workload:${X}`, 'source_workload')})`,
  'pair p99 in Prom, cluster_pair:': `histogram_quantile(0.99, ${once('le, source_cluster, destination_cluster', `cluster_pair:${X}`, 'source_cluster')})`,
  'rule: workload: buckets': `sum without(instance, namespace, pod) (${X})`,
  'rule: cluster_pair: from raw': `sum by (reporter, source_cluster, destination_cluster, le) (${X})`,
  'rule: cluster_pair: from workload:': `sum by (reporter, source_cluster, destination_cluster, le) (workload:${X})`,
  'flow buckets, workload:': once('le, source_cluster, source_workload_namespace, source_workload, source_app, destination_service_namespace, destination_service_name, destination_cluster, destination_workload_namespace, destination_workload, destination_app, destination_version, request_protocol', `workload:${X}`, 'source_workload'),
};

interface Answer {
  wallMs: number;
  parseMs: number;
  bytes: number;
  series: number;
  timings: Record<string, number>;
  samples: number;
}

async function ask(url: string, query: string): Promise<Answer> {
  const t = performance.now();
  const res = await fetch(`${url}/api/v1/query?stats=all&query=${encodeURIComponent(query)}`);
  const text = await res.text();
  const wallMs = performance.now() - t;
  const p = performance.now();
  const body = JSON.parse(text);
  const parseMs = performance.now() - p;
  if (body.status !== 'success') throw new Error(`${query}: ${text.slice(0, 300)}`);
  return { wallMs, parseMs, bytes: text.length, series: body.data.result.length, timings: body.data.stats.timings, samples: body.data.stats.samples?.totalQueryableSamples ?? 0 };
}

async function main() {
  const N = arg('clusters', 20);
  const scrapeS = arg('scrape', 10);
  const rounds = arg('rounds', 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-where-'));
  const lab = await startLabProcess({
    kubeconfigOut: path.join(dir, 'kubeconfig'),
    extraArgs: ['--scale', `clusters=${N},namespaces=1,pods=${N * 13},traffic=1`, '--scrape-interval', String(scrapeS), '--backfill', '120'],
    readyMs: 300_000,
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 3 * scrapeS * 1000 + 2000));
    const urls = prometheusProcesses(lab.child.pid!).map((p) => p.url);
    console.log(`${urls.length} Prometheus servers; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const ms = (x: number) => x.toFixed(1).padStart(6);
    for (const [name, query] of Object.entries(VARIANTS)) {
      const one: Answer[] = [];
      const all: number[] = [];
      for (let r = 0; r < rounds; r++) {
        for (const url of urls) one.push(await ask(url, query));
        const t = performance.now();
        await Promise.all(urls.map((url) => ask(url, query)));
        all.push(performance.now() - t);
      }
      const p50 = (f: (a: Answer) => number) => percentile(one.map(f), 50);
      console.log(
        `${name.padEnd(32)} one: wall ${ms(p50((a) => a.wallMs))} ms (exec ${ms(p50((a) => a.timings.execTotalTime * 1000))}, inner eval ${ms(p50((a) => a.timings.innerEvalTime * 1000))}, prep ${ms(p50((a) => a.timings.queryPreparationTime * 1000))}, parse ${ms(p50((a) => a.parseMs))})` +
          `  ${p50((a) => a.samples)} samples, ${p50((a) => a.series)} series, ${(p50((a) => a.bytes) / 1024).toFixed(1)} KiB;  all ${urls.length} at once: p50 ${ms(percentile(all, 50))} ms`,
      );
    }
    const groups = new Map<string, number[]>();
    for (const url of urls) {
      const body = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: Array<{ name: string; evaluationTime: number }> } };
      for (const g of body.data.groups) groups.set(g.name, [...(groups.get(g.name) ?? []), g.evaluationTime * 1000]);
    }
    for (const [name, times] of groups) console.log(`rule group ${name}: last evaluation p50 ${ms(percentile(times, 50))} ms per server, every ${scrapeS} s`);
    const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const cpu = () => prometheusCpuMs(lab.child.pid!);
    const c0 = cpu();
    await idle(30_000);
    console.log(`the ${urls.length} servers idle (scrapes and rules): ${((cpu() - c0) / 30_000).toFixed(2)} cores`);

    // The real path: through each cluster's API server's service proxy, answering L ms late, all at once.
    const L = arg('latency', 100);
    for (let i = 1; i <= N; i++) await fetch(`${lab.controlUrl}/faults`, { method: 'POST', body: JSON.stringify({ type: 'prometheus-latency', cluster: `cluster${i}`, ms: L }) });
    const { buildRegistry } = await import('../server/k8s/registry');
    const { loadConfig } = await import('../server/config');
    const { resolvePrometheus } = await import('../server/prometheus/sources');
    const { promQuery } = await import('../server/prometheus/client');
    const { createDeadline } = await import('../server/k8s/deadline');
    const registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath], deadlineMs: 5000, cacheMs: 0 });
    const sources = await Promise.all(registry.clusters.map((c) => resolvePrometheus(registry, c, createDeadline(5000))));
    const proxied = Object.entries(VARIANTS).filter(([name]) => !name.startsWith('rule:') && name !== 'pair buckets, raw');
    const times = new Map<string, number[]>(proxied.map(([name]) => [name, []]));
    await Promise.all(sources.map((s) => promQuery(s.target, 'vector(1)', createDeadline(5000)))); // connections opened
    for (let r = 0; r < rounds * 3; r++) {
      for (const [name, query] of proxied) {
        const t = performance.now();
        await Promise.all(sources.map((s) => promQuery(s.target, query, createDeadline(5000))));
        times.get(name)!.push(performance.now() - t);
      }
    }
    console.log(`\nthrough the service proxy, +${L} ms, all ${N} at once (${rounds * 3} rounds, interleaved; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
    for (const [name, t] of times) console.log(`${name.padEnd(32)} p50 ${ms(percentile(t, 50))} ms  p90 ${ms(percentile(t, 90))} ms`);
  } finally {
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
