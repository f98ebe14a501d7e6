/**
 * What one list page of pods costs the server to read (prints numbers; not a pass/fail test): a page of
 * the scale scenario's pods (500, as the cache asks) in JSON (keepPage: JSON.parse, the shape check,
 * the kept fields) and in Kubernetes' protobuf (keepProtobufPage), each read many times in place.
 *   npm run bench:pages [-- --pods 500 --rounds 200]
 */
import { createWorld, scaleScenario } from '../lab/model/index';
import { encodePod, podListBody } from '../lab/kube/protobuf';
import { arg, percentile, runMain, runUnderReactServer } from './common';

runUnderReactServer(__filename);

/** CPU milliseconds of each read (the machine is shared: wall time would count other processes' turns). */
function timings(rounds: number, read: () => void): number[] {
  for (let i = 0; i < 20; i++) read(); // warm the JIT
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = process.cpuUsage();
    read();
    const used = process.cpuUsage(started);
    out.push((used.user + used.system) / 1000);
  }
  return out.sort((a, b) => a - b);
}

async function main() {
  const { PODS } = await import('../server/cache/kinds');
  const { keepPage, keepProtobufPage } = await import('../server/cache/list-page');
  const pageSize = arg('pods', 500);
  const rounds = arg('rounds', 200);
  const world = createWorld(scaleScenario({ clusters: 1, namespaces: 40, pods: 1000 }));
  const type = world.resourceTypes().find((t) => t.resource === 'pods')!;
  const pods = world.list('cluster1', type).slice(0, pageSize);
  const json = Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: pods }));
  const protobuf = Buffer.concat(podListBody({ resourceVersion: '1' }, pods.map((p) => encodePod(p))));
  const what = 'GET /api/v1/pods';
  console.log(`one page of ${pods.length} pods: JSON ${(json.length / 2 ** 20).toFixed(2)} MiB, protobuf ${(protobuf.length / 2 ** 20).toFixed(2)} MiB`);
  for (const [name, body, read] of [
    ['JSON (keepPage)', json, () => keepPage(PODS, json, what)],
    ['protobuf (keepProtobufPage)', protobuf, () => keepProtobufPage(PODS, protobuf, what)],
  ] as const) {
    const t = timings(rounds, read);
    console.log(`  ${name}: p50 ${percentile(t, 50).toFixed(2)} ms, p90 ${percentile(t, 90).toFixed(2)} ms of CPU (${rounds} reads of ${(body.length / 1024).toFixed(0)} KiB)`);
  }
}

runMain(main);
