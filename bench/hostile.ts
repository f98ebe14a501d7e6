/**
 * Hostile-upstream benchmark (prints numbers; not a pass/fail test). The built standalone server serves
 * the seed lab's two clusters next to the hostile API servers of test/hostile-servers.ts (1 GiB bodies,
 * endless streams and headers, 100,000-deep JSON, wrong types, a redirect, credentials in a URL, ten
 * istiods streaming 1 GiB each), each in a process of its own. Every route is read `--rounds` times
 * cold while the server's RSS is sampled from /proc every 20 ms.
 *   npm run build && npm run bench:hostile [-- --rounds 5 --deadline 5000]
 * Goal: every answer 200 within the deadline (+ margin), hostile clusters typed errors, peak RSS < 400 MiB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLabProcess } from '../e2e/lab-process';
import { startNextServer } from '../e2e/next-server';
import { HOSTILE_MODES, hostileContext, startHostileProcess } from '../test/hostile-servers';
import { arg } from './common';

const MiB = 2 ** 20;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Every `error` and `errors[]` entry of a JSON answer, by cluster name when it carries one. */
function errorKinds(value: unknown, out: Map<string, Set<string>>, cluster = '?'): Map<string, Set<string>> {
  if (Array.isArray(value)) for (const v of value) errorKinds(v, out, cluster);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const here = typeof o.cluster === 'string' ? o.cluster : cluster;
    if (typeof o.kind === 'string' && typeof o.message === 'string') {
      if (!out.has(here)) out.set(here, new Set());
      out.get(here)!.add(o.kind);
    }
    for (const v of Object.values(o)) errorKinds(v, out, here);
  }
  return out;
}

async function main() {
  const rounds = arg('rounds', 3);
  const deadline = arg('deadline', 5000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-bench-hostile-'));
  const lab = await startLabProcess({ kubeconfigOut: path.join(dir, 'lab-kubeconfig') });
  const hostile = await startHostileProcess(path.join(dir, 'hostile-kubeconfig'));
  const server = await startNextServer({
    env: { ISTHMUS_KUBECONFIG: [lab.kubeconfigPath, path.join(dir, 'hostile-kubeconfig')].join(path.delimiter), ISTHMUS_CONTEXTS: '', ISTHMUS_DEADLINE_MS: String(deadline), ISTHMUS_CACHE_MS: '0' },
    readyPath: '/healthz',
  });
  const pid = server.child.pid!;
  await new Promise((r) => setTimeout(r, 3000)); // the watch-fed caches start listing
  const before = rssOf(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  try {
    const ten = encodeURIComponent(hostileContext('ten-istiods'));
    const routes = ['/api/clusters', '/api/mesh', '/api/topology', `/api/clusters/${ten}/namespaces/default/pods/victim-app/endpoints`];
    const kinds = new Map<string, Set<string>>();
    for (const route of routes) {
      const times: number[] = [];
      const statuses = new Set<number>();
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        const res = await fetch(server.baseURL + route);
        const text = await res.text();
        times.push(performance.now() - t);
        statuses.add(res.status);
        if (res.headers.get('content-type')?.includes('json')) errorKinds(JSON.parse(text), kinds);
        for (const secret of ['HOSTILE-TOKEN', 'PASSWORD-IN-URL', 'TOKEN-IN-QUERY']) if (text.includes(secret)) console.log(`  LEAK: ${secret} in ${route}`);
      }
      console.log(`${route}: status ${[...statuses].join(',')}, ms ${times.map(Math.round).join(' / ')} (deadline ${deadline}; the first includes loading the route)`);
    }
    for (const mode of HOSTILE_MODES) console.log(`  ${hostileContext(mode)}: ${[...(kinds.get(hostileContext(mode)) ?? [])].join(', ') || 'no error'}`);
    console.log(`redirect target requests: ${hostile.seen.filter((l) => l.startsWith('redirect-target')).length}`);
  } finally {
    clearInterval(sampler);
    console.log(`server RSS: ${Math.round(before / MiB)} MiB before, peak ${Math.round(peak / MiB)} MiB (goal < 400 MiB)`);
    await server.stop();
    await hostile.stop();
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
