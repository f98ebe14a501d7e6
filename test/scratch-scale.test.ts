import { it } from 'vitest';
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { startLab } from '@/lab/index';
import { buildRegistry } from '@/server/k8s/registry';
import { loadConfig } from '@/server/config';
import { getTopology } from '@/server/topology';
it('x', async () => {
  for (const [ns, pods] of [[3, 100], [4, 150], [5, 200]]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-'));
    const lab = await startLab({ scale: { clusters: 5, namespaces: ns, pods }, kubeconfigOut: path.join(dir, 'k') });
    const reg = buildRegistry({ ...loadConfig({}), kubeconfigPaths: [lab.kubeconfigPath], deadlineMs: 10000, cacheMs: 0 });
    const t = await getTopology(reg);
    console.log(ns, pods, t.nodes.length, t.edges.length, t.errors.length);
    await lab.stop();
  }
}, 120000);
