import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNextServer, type NextServer } from './next-server';
import { CLUSTER1, CLUSTER2, expect, test } from './fixtures';

/**
 * A bad kubeconfig entry never blanks the dashboard: each server here runs against the lab's kubeconfig
 * plus broken entries (a YAML typo in a second KUBECONFIG file, a misspelt path, an unknown context).
 */
let dir = '';
const servers: NextServer[] = [];

test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'isthmus-e2e-config-'));
});
test.afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serverWith(env: Record<string, string>): Promise<string> {
  const server = await startNextServer({ env: { ISTHMUS_DEMO: '', ISTHMUS_DEADLINE_MS: '2000', ...env }, readyPath: '/' }); // '/' answers 200 even with no usable cluster
  servers.push(server);
  return server.baseURL;
}

test('a YAML typo in one KUBECONFIG file and a misspelt one: their cards and banner lines, both clusters served', async ({ page, e2e }) => {
  const typo = path.join(dir, 'team-b.yaml');
  writeFileSync(typo, 'apiVersion: v1\nclusters:\n- name: b\n  cluster:\n    server: https://127.0.0.1:1\n   insecure-skip-tls-verify: true\n');
  const misspelt = path.join(dir, 'confg');
  const base = await serverWith({ ISTHMUS_KUBECONFIG: [e2e.kubeconfigPath, typo, misspelt].join(':'), ISTHMUS_CONTEXTS: '' });
  await page.goto(base);

  for (const ctx of [CLUSTER1, CLUSTER2]) {
    await expect(page.locator(`[data-testid="cluster-card"][data-cluster="${ctx}"]`).getByText('reachable')).toBeVisible();
  }
  const typoCard = page.locator(`[data-testid="cluster-card"][data-cluster="kubeconfig ${typo}"]`);
  await expect(typoCard).toContainText(`${typo}:6:4: bad indentation of a mapping entry`);
  const banner = page.getByTestId('cluster-errors');
  await expect(banner.locator(`li[data-cluster="kubeconfig ${typo}"]`).first()).toContainText(`${typo}:6:4`);
  await expect(banner.locator(`li[data-cluster="kubeconfig ${misspelt}"]`).first()).toContainText(`${misspelt} does not exist`);
  await expect(page.getByText('The Isthmus API is not answering')).toHaveCount(0);
});

test('an unknown --context beside a good one: its card names the known contexts; the good one is served', async ({ page, e2e }) => {
  const base = await serverWith({ ISTHMUS_KUBECONFIG: e2e.kubeconfigPath, ISTHMUS_CONTEXTS: `${CLUSTER1},cluster3-admin@cluster3` });
  await page.goto(base);
  await expect(page.locator(`[data-testid="cluster-card"][data-cluster="${CLUSTER1}"]`).getByText('reachable')).toBeVisible();
  await expect(page.locator('[data-testid="cluster-card"][data-cluster="cluster3-admin@cluster3"]')).toContainText(
    `context "cluster3-admin@cluster3" is not in the kubeconfig (known: "${CLUSTER1}"`,
  );
});

test('no usable cluster at all: every page says exactly that, and why', async ({ page, e2e, consoleErrors }) => {
  const base = await serverWith({ ISTHMUS_KUBECONFIG: e2e.kubeconfigPath, ISTHMUS_CONTEXTS: 'cluster1' });
  for (const route of ['/', '/topology', '/pods']) {
    await page.goto(`${base}${route}`);
    const alert = page.getByTestId('no-usable-cluster');
    await expect(alert).toContainText('No usable cluster.');
    await expect(alert).toContainText(`cluster1: context "cluster1" is not in the kubeconfig (known: "${CLUSTER1}"`);
  }
  await page.goto(base);
  await expect(page.getByText('Nothing to show: no usable cluster')).toBeVisible();
  await expect(page.getByText('The Isthmus API is not answering')).toHaveCount(0);
  // The browser logs each 503 answer; those are the state under test, anything else is not.
  const others = consoleErrors.filter((e) => !/status of 503/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...others);
});
