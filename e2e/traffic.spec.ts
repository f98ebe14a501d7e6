import { CLUSTER1, CLUSTER2, expect, snap, test } from './fixtures';

/** Traffic from the lab's real Prometheus (one per cluster, scraping every second). */

const CROSSING = `svc:${CLUSTER2}:sample:helloworld->gw:${CLUSTER1}:istio-system:istio-eastwestgateway`;

async function edge(page: import('@playwright/test').Page, id: string) {
  return page.evaluate((edgeId) => window.__isthmusTopology?.edgeData().find((e) => e.id === edgeId) ?? null, id);
}

/**
 * The README's picture of the crossing edge: the sample namespace (sleep → helloworld in both clusters,
 * through the east-west gateways) with its idle edges hidden, where every edge's label is large enough to
 * be drawn, once the crossing edge's classes match `classes`.
 */
async function snapSample(page: import('@playwright/test').Page, name: string, classes: RegExp) {
  await page.goto('/topology?w=1m&ns=sample&idle=hide');
  await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true);
  await expect.poll(async () => (await edge(page, CROSSING))?.classes ?? '', { timeout: 30_000 }).toMatch(classes);
  await snap(page, name);
}

test.describe('traffic', () => {
  test('topology: the edge from cluster2 to cluster1’s east-west gateway carries a rate; a 503 fault turns it red and shows in the matrix', async ({ page, fault }) => {
    // Four page loads and two waits for scrapes after a fault: more than one test's budget on a loaded 2-core machine.
    test.slow();
    await page.goto('/topology?w=1m');
    await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true);
    await expect.poll(async () => (await edge(page, CROSSING))?.label ?? '', { timeout: 30_000 }).toMatch(/\d rps/);
    expect((await edge(page, CROSSING))?.classes).toMatch(/traffic-ok/);
    await expect(page.getByTestId('traffic-legend')).toContainText('errors ≥ 10%');
    await snapSample(page, 'topology-traffic', /traffic-ok/);

    await fault(
      { type: 'service-errors', cluster: 'cluster1', namespace: 'sample', service: 'helloworld', ratio: 0.5 },
      { type: 'service-errors', cluster: 'cluster1', namespace: 'sample', service: 'helloworld', ratio: 0 },
    );
    await expect.poll(async () => (await edge(page, CROSSING))?.classes ?? '', { timeout: 60_000 }).toMatch(/traffic-fail/);
    expect((await edge(page, CROSSING))?.label).toMatch(/% err/);
    await snapSample(page, 'topology-traffic-503', /traffic-fail/);

    await page.goto('/');
    await page.getByTestId('matrix-window').selectOption('1m');
    const cell = page.locator('[data-testid="matrix-cell"][data-source="cluster2"][data-destination="cluster1"]');
    await expect(cell).toHaveAttribute('data-health', 'fail', { timeout: 30_000 });
    await expect(cell).toContainText('% err');
  });

  test('overview: the matrix shows cluster1 → cluster2 and cluster2 → cluster1, and istiod history per cluster', async ({ page }) => {
    const latencyAsked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/traffic/latency') latencyAsked.push(r.url());
    });
    await page.goto('/');
    const matrix = page.getByTestId('traffic-matrix');
    for (const [s, d] of [
      ['cluster1', 'cluster2'],
      ['cluster2', 'cluster1'],
    ]) {
      await expect(matrix.locator(`[data-testid="matrix-cell"][data-source="${s}"][data-destination="${d}"]`)).toContainText(/rps/, { timeout: 30_000 });
    }
    // p99 comes with the rates (/api/traffic?p99=pair): the lab's Prometheus servers hold the pair recording.
    await expect(matrix.locator(`[data-testid="matrix-cell"][data-source="cluster1"][data-destination="cluster2"] [data-testid="matrix-p99"]`)).toHaveText(/p99 \d+ ms/, { timeout: 30_000 });
    expect(latencyAsked).toEqual([]);
    await page.getByTestId('istiod-history-panel').locator('summary').click();
    await expect(page.getByTestId('istiod-cluster')).toHaveCount(2, { timeout: 30_000 });
    await expect(page.getByTestId('istiod-connected-proxies').first()).toHaveAttribute('data-lines', '1', { timeout: 30_000 });
    await snap(page, 'overview-traffic');
  });

  test('side panel: a workload’s requests by caller cluster', async ({ page }) => {
    await page.goto(`/topology?sel=${encodeURIComponent(`wl:${CLUSTER1}:sample:helloworld:v1`)}`);
    const panel = page.getByTestId('side-panel');
    await expect(panel.getByTestId('chart-inbound-rps')).toHaveAttribute('data-lines', '2', { timeout: 30_000 });
    await expect(panel.getByTestId('chart-outbound-rps')).toHaveAttribute('data-lines', '0');
  });
});
