/**
 * `npm run check` as a CI pipeline runs it: against the lab's kubeconfig (the same rules as npm start),
 * exit 0 on the seed, 1 with a finding at or above --fail-on, 2 when it cannot run; --output json.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '@/lab/index';
import { startSeedLab, stopLab } from './api-helpers';

const root = path.resolve(__dirname, '..');
let lab: Lab;
beforeAll(async () => {
  lab = await startSeedLab();
});
afterAll(() => stopLab(lab));

function check(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/check.mjs', ...args], { cwd: root, timeout: 60_000, env: { ...process.env, ISTHMUS_DEADLINE_MS: '10000' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run check', () => {
  it('exits 0 on the seed mesh; with a warning, 0 under --fail-on error and 1 under --fail-on warning; json has the finding', async () => {
    const seed = await check(['--kubeconfig', lab.kubeconfigPath, '--output', 'json']);
    expect(seed.code).toBe(0);
    expect(JSON.parse(seed.stdout)).toMatchObject({ findings: [], unknown: [], clusters: [{ cluster: 'cluster1-admin@cluster1', ok: true }, { cluster: 'cluster2-admin@cluster2', ok: true }] });

    lab.applyFault({ type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: true });
    try {
      expect((await check(['--kubeconfig', lab.kubeconfigPath])).code).toBe(0);
      const strict = await check(['--kubeconfig', lab.kubeconfigPath, '--context', 'cluster1-admin@cluster1', '--context', 'cluster2-admin@cluster2', '--fail-on', 'warning', '--output', 'json']);
      expect(strict.code).toBe(1);
      expect(JSON.parse(strict.stdout).findings.map((f: { check: string; cluster: string }) => [f.check, f.cluster])).toEqual([['locality-failover-without-outlier-detection', 'cluster1-admin@cluster1']]);
    } finally {
      lab.applyFault({ type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: false });
    }
  }, 180_000);

  it('exits 2 when it cannot run: no kubeconfig, no cluster reachable, bad options', async () => {
    expect((await check(['--kubeconfig', '/nonexistent/kubeconfig'])).code).toBe(2);
    lab.applyFault({ type: 'api-down', cluster: 'cluster1', down: true });
    lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: true });
    try {
      const down = await check(['--kubeconfig', lab.kubeconfigPath]);
      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(/no cluster could be read/);
    } finally {
      lab.applyFault({ type: 'api-down', cluster: 'cluster1', down: false });
      lab.applyFault({ type: 'api-down', cluster: 'cluster2', down: false });
    }
    expect((await check(['--output', 'yaml'])).code).toBe(2);
  }, 180_000);
});
