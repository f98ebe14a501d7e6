/**
 * How fast the lab's model is at bench scale: world build time and RSS, listing one cluster's objects,
 * and one pod's Envoy /clusters (cold, warm, and after a fault invalidates the views).
 *   npx tsx lab/model/bench-world.ts [clusters] [namespaces] [pods]
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWorld, scaleScenario } from './index';

const [clusters = 50, namespaces = 10, pods = 50_000] = process.argv.slice(2).map(Number);
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/** Milliseconds a synchronous or async call takes, with its result. */
async function timed<T>(fn: () => T | Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [Math.round((performance.now() - started) * 10) / 10, result];
}

async function get(handler: (req: IncomingMessage, res: ServerResponse) => void, path: string): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`)).text();
  } finally {
    server.close();
  }
}

async function main() {
  const [buildMs, world] = await timed(() => createWorld(scaleScenario({ clusters, namespaces, pods })));
  console.log(`world ${clusters} clusters / ${namespaces} namespaces / ${pods} pods: built in ${buildMs} ms, RSS ${mib(process.memoryUsage().rss)}`);

  const types = world.resourceTypes();
  const podType = types.find((t) => t.resource === 'pods')!;
  const [firstListMs, first] = await timed(() => world.list('cluster1', podType));
  const [againListMs] = await timed(() => world.list('cluster1', podType));
  const [nsListMs] = await timed(() => world.list('cluster1', podType, 'team-001'));
  console.log(`list pods of cluster1 (${first.length}): first ${firstListMs} ms, again ${againListMs} ms, one namespace ${nsListMs} ms`);
  const [everyTypeMs] = await timed(() => {
    for (const c of world.clusters()) for (const t of types) world.list(c.name, t);
  });
  console.log(`list every type of every cluster: ${everyTypeMs} ms, RSS ${mib(process.memoryUsage().rss)}`);

  const pod = first.find((p) => p.metadata.namespace === 'team-001')!;
  const handler = world.podHandler('cluster1', pod.metadata.namespace!, pod.metadata.name, 15000)!;
  const [coldMs, body] = await timed(() => get(handler, '/clusters?format=json'));
  const [warmMs] = await timed(() => get(handler, '/clusters?format=json'));
  const other = first.find((p) => p.metadata.namespace === 'team-002')!;
  const [otherPodMs] = await timed(() => get(world.podHandler('cluster1', other.metadata.namespace!, other.metadata.name, 15000)!, '/clusters?format=json'));
  world.applyFault({ type: 'endpoint-ejected', cluster: 'cluster2', namespace: pod.metadata.namespace!, pod: pod.metadata.name, on: true });
  const [afterFaultMs] = await timed(() => get(handler, '/clusters?format=json'));
  const [textMs] = await timed(() => get(handler, '/clusters'));
  console.log(
    `/clusters of ${pod.metadata.name} (${Math.round(body.length / 1024)} KiB): cold ${coldMs} ms, warm ${warmMs} ms, another pod ${otherPodMs} ms, after a fault ${afterFaultMs} ms, text ${textMs} ms`,
  );
  console.log(`RSS at the end ${mib(process.memoryUsage().rss)}`);
}

void main();
