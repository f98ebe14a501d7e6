import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startLabProcess, type LabProcess } from './lab-process';
import { startNextServer, type NextServer } from './next-server';
import { expect, test } from './fixtures';

/**
 * Legibility at scale (issue 8): the topology and the overview of lab meshes of 5 and 10 clusters, each
 * behind its own server, at 1440×900.
 */

interface Mesh {
  lab: LabProcess;
  server: NextServer;
}
const meshes: Mesh[] = [];
let dir = '';

async function startMesh(scale: string): Promise<string> {
  const lab = await startLabProcess({ kubeconfigOut: path.join(dir, `${scale}.kubeconfig`), extraArgs: ['--scale', scale] });
  const server = await startNextServer({ env: { ISTHMUS_KUBECONFIG: lab.kubeconfigPath, ISTHMUS_CONTEXTS: '', ISTHMUS_DEMO: '', ISTHMUS_DEADLINE_MS: '5000' }, readyPath: '/api/contexts' });
  meshes.push({ lab, server });
  return server.baseURL;
}

test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'isthmus-e2e-scale-'));
});
test.afterAll(async () => {
  for (const m of meshes) {
    await m.server.stop();
    await m.lab.stop();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function laidOut(page: Page) {
  await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true, undefined, { timeout: 45_000 });
  return page.evaluate(() => window.__isthmusTopology!.legibility());
}

function expectLegible(report: Awaited<ReturnType<typeof laidOut>>, clusters: number) {
  const tooSmall = report.labels.filter((l) => l.shown && l.px < 9.99);
  expect(tooSmall, `labels drawn under 10 px at zoom ${report.zoom.toFixed(2)}`).toEqual([]);
  // Every cluster box stays named.
  const clusterLabels = report.labels.filter((l) => l.id.startsWith('cluster:') && l.shown);
  expect(clusterLabels).toHaveLength(clusters);
  const boxes = report.clusters;
  expect(boxes).toHaveLength(clusters);
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const overlap = a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
      expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
    }
  }
}

test('5 clusters (180 nodes): no label under 10 px on screen, cluster boxes apart, also filtered; a cross-cluster only view', async ({ page }) => {
  test.setTimeout(180_000);
  const base = await startMesh('clusters=5,namespaces=5,pods=200');
  await page.goto(`${base}/topology`);
  // 180 nodes in the topology; empty namespace boxes are not drawn.
  await expect(page.getByTestId('topology-counts')).toHaveAttribute('data-nodes', /^1[5-8]\d$/, { timeout: 30_000 });
  expectLegible(await laidOut(page), 5);

  await page.goto(`${base}/topology?ns=team-001`);
  expectLegible(await laidOut(page), 5);

  // Hovering a node whose label is hidden at this zoom shows it at a readable size.
  const hidden = (await page.evaluate(() => window.__isthmusTopology!.legibility())).labels.find((l) => !l.shown && l.id.startsWith('svc:'));
  expect(hidden, 'at the default view some service labels are hidden rather than drawn tiny').toBeDefined();

  await page.goto(`${base}/topology`);
  await laidOut(page);
  const all = Number(await page.getByTestId('topology-counts').getAttribute('data-nodes'));
  await page.getByTestId('topology-cross-only').click();
  await expect(page).toHaveURL(/view=cross/);
  await expect(page.getByTestId('topology-cross-only')).toBeChecked();
  // Every service left reaches another cluster; local edges are only those of such services (polled:
  // the canvas catches up with the filter over a render or two).
  const crossViolations = () =>
    page.evaluate(() => {
      const hook = window.__isthmusTopology!;
      const edges = hook.edgeData();
      const cross = new Set(edges.filter((e) => e.kind !== 'local').map((e) => e.source));
      if (cross.size === 0) return ['no cross-cluster edge'];
      return [...hook.nodes().filter((id) => id.startsWith('svc:') && !cross.has(id)), ...edges.filter((e) => e.kind === 'local' && !cross.has(e.source)).map((e) => e.id)];
    });
  await expect.poll(crossViolations, { timeout: 30_000 }).toEqual([]);
  expect(Number(await page.getByTestId('topology-counts').getAttribute('data-nodes'))).toBeLessThanOrEqual(all);
  expectLegible(await laidOut(page), 5);
});

for (const clusters of [5, 10]) {
  test(`the overview of ${clusters} clusters fits 1440×900 and its charts have height`, async ({ page }) => {
    test.setTimeout(180_000);
    const base = await startMesh(`clusters=${clusters},namespaces=1,pods=${clusters * 8}`);
    await page.goto(base);
    await expect(page.getByTestId('sync-cell')).toHaveCount(clusters * clusters, { timeout: 30_000 });
    await expect(page.getByTestId('history-chart').first()).toBeVisible({ timeout: 30_000 });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height, 'page height').toBeLessThanOrEqual(900);
    // The plot itself (the y axis' extent), not the box around it: a legend can take all of that.
    await expect(page.locator('[data-testid="history-chart"] .recharts-yAxis').first()).toBeVisible({ timeout: 30_000 });
    const plots = await page.getByTestId('history-chart').evaluateAll((els) => els.map((e) => e.querySelector('.recharts-yAxis')?.getBoundingClientRect().height ?? 0));
    expect(plots.length).toBe(2);
    for (const h of plots) expect(h, 'plot height').toBeGreaterThan(30);
  });
}
