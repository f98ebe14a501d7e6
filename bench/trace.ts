/**
 * Reachability-trace benchmark (prints numbers; not a pass/fail test). Starts the lab's scale scenario
 * with N clusters whose API servers each answer L ms late and times getTrace (GET /api/trace) from a pod
 * of cluster1 to a service that runs in every cluster: cold (every cached result forgotten before each
 * call; kept-open port-forwards stay, as in a running server).
 *   npm run bench:trace [-- --clusters 20 --latency 100 --runs 15]
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
  const { buildRegistry } = await import('../server/k8s/registry');
  const { loadConfig } = await import('../server/config');
  const { resetClusterState } = await import('../server/k8s/cluster-state');
  const { getSnapshots } = await import('../server/snapshot');
  const { getTrace } = await import('../server/trace');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-trace-'));
  console.log(`starting the lab: ${N} clusters, +${L} ms per API request…`);
  const lab = await startLabProcess({ kubeconfigOut: path.join(dir, 'kubeconfig'), extraArgs: ['--scale', `clusters=${N},namespaces=5,pods=${N * 60}`, '--latency', String(L)], readyMs: 300_000 });
  try {
    const registry = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath], deadlineMs: 5000, cacheMs: 60_000 });
    const source = registry.clusters[0];
    const snapshot = (await getSnapshots(registry, [source]))[0];
    const pod = snapshot.pods.find((p) => p.namespace === 'team-001' && p.hasSidecar && p.labels.app);
    if (!pod) throw new Error('no sidecar pod in team-001 of the first cluster');
    const req = { cluster: source, namespace: pod.namespace, pod: pod.name, host: 'app-1.team-001.svc.cluster.local', port: 8080 };
    // First call ever: opens the port-forwards (not counted).
    const first = await getTrace(registry, req);
    console.log(`trace ${pod.namespace}/${pod.name} -> ${req.host}:${req.port}: ${first.verdict.sentence.slice(0, 160)}`);
    const errors = first.clusters.flatMap((c) => c.errors);
    if (errors.length) console.warn(`warning: ${errors.length} sources reported errors (${errors[0].message})`);
    // cold: every cached result forgotten first (the inventory too); inventory cached: as a running
    // server that has shown any page within its cache time (the trace's own reads are never cached).
    const timed = async (clear: boolean) => {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        if (clear) registry.clusters.forEach((c) => c.state.results.clear());
        const t = performance.now();
        await getTrace(registry, req);
        out.push(performance.now() - t);
      }
      return out;
    };
    const times = await timed(true);
    const inventoryCached = await timed(false);
    // One API round trip under the same conditions (machine load, TLS, the lab's latency), for scale.
    const { listJson } = await import('../server/k8s/list-json');
    const { PodShape } = await import('../server/k8s/shapes');
    const { createDeadline } = await import('../server/k8s/deadline');
    const trips: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await listJson(source, '/api/v1/namespaces/istio-system/pods', createDeadline(5000), PodShape, { labelSelector: 'app=istiod' });
      trips.push(performance.now() - t);
    }
    const goal = 1.5 * L + 150;
    console.log(`\nroute       clusters  L ms  cache            p50 ms  p95 ms  goal p50  verdict`);
    const row = (cache: string, xs: number[]) => {
      const m = percentile(xs, 50);
      console.log(`/api/trace  ${String(N).padStart(8)}  ${String(L).padStart(4)}  ${cache.padEnd(15)}  ${m.toFixed(1).padStart(6)}  ${percentile(xs, 95).toFixed(1).padStart(6)}  ${goal.toFixed(0).padStart(8)}  ${m <= goal ? 'ok' : 'MISSED'}`);
    };
    row('cold', times);
    row('inventory cached', inventoryCached);
    console.log(`one API round trip (istiod pods of cluster1): p50 ${percentile(trips, 50).toFixed(1)} ms, p95 ${percentile(trips, 95).toFixed(1)} ms; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
  } finally {
    resetClusterState();
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
