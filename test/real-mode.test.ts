/**
 * The launcher's real-cluster mode: `node scripts/start.mjs --kubeconfig <file> --context <name>` serves
 * exactly the named context (here one of the lab's, as if it were a real cluster), not the demo mesh,
 * and SIGTERM stops its whole process group.
 *
 * Needs a current production build (.next/BUILD_ID): the launcher would otherwise build first, which takes
 * minutes. `npm test` builds before it runs vitest, so there the build is current; run alone on a tree
 * without a current build, the test skips with a message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lab/index';
import type { ClustersResponse } from '@/lib/types/api';
import { CLUSTER1 } from './api-helpers';
import { freePort } from '@/e2e/next-server';
import { buildState } from '@/scripts/build-state.mjs';

const root = path.resolve(__dirname, '..');

/** Why the test cannot run, or null: the launcher would otherwise build first, which takes minutes. */
function missingBuild(): string | null {
  const state = buildState(root);
  if (state === 'missing') return 'no production build (.next/BUILD_ID missing): run `npm run build` first';
  if (state === 'stale') return 'the production build is older than the sources: run `npm run build` first';
  return null;
}

const skipReason = missingBuild();
if (skipReason) console.warn(`test/real-mode.test.ts SKIPPED: ${skipReason} (the launcher would rebuild inside the test)`);

/** True while any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipReason !== null)('npm start -- --kubeconfig <file> --context <name> (real-cluster mode)', () => {
  let lab: Lab | undefined;
  let dir = '';
  let launcher: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-real-'));
    lab = await startLab({ kubeconfigOut: path.join(dir, 'kubeconfig') });
  });

  afterAll(async () => {
    // Whatever happened above, leave no process behind.
    if (launcher?.pid && groupAlive(launcher.pid)) process.kill(-launcher.pid, 'SIGKILL');
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves exactly the named context, not the demo, and stops its process group on SIGTERM', async () => {
    const port = await freePort();
    // The server's settings come from the launcher's flags only; `next start` runs in production mode.
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('ISTHMUS_') || key === 'KUBECONFIG') delete env[key];
    const child = spawn(process.execPath, ['scripts/start.mjs', '--kubeconfig', lab!.kubeconfigPath, '--context', CLUSTER1, '--port', String(port)], {
      cwd: root,
      // Its own process group, so the test can check that nothing of it survives SIGTERM.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    launcher = child;
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

    let body: ClustersResponse | undefined;
    const deadline = Date.now() + 20_000;
    while (!body && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the launcher exited early (code ${child.exitCode}):\n${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/clusters`, { signal: AbortSignal.timeout(5000) });
        if (res.ok) body = (await res.json()) as ClustersResponse;
      } catch {
        await sleep(200); // not listening yet
      }
    }
    expect(body, `no answer from the launcher within 20 s:\n${output}`).toBeDefined();
    expect(body!.demo).toBe(false);
    expect(body!.clusters.map((c) => [c.cluster, c.clusterId, c.ok, c.errors[0] ?? null])).toEqual([[CLUSTER1, 'cluster1', true, null]]);
    expect(output).toContain('serving your clusters');
    expect(output).not.toContain('DEMO MESH');

    const pgid = child.pid!;
    process.kill(pgid, 'SIGTERM');
    await exited;
    const stopBy = Date.now() + 10_000;
    while (groupAlive(pgid) && Date.now() < stopBy) await sleep(100);
    expect(groupAlive(pgid), `processes of group ${pgid} still running 10 s after SIGTERM`).toBe(false);
  }, 30_000);
});
