import { CLUSTER2, expect, test } from './fixtures';

const POD = 'ratings-v1-6484c4d9bb-25cnf';

test.describe('a cluster named by its Istio cluster ID', () => {
  test('the pod page and the pod picker work with "cluster2" as with its context', async ({ page }) => {
    for (const name of ['cluster2', CLUSTER2]) {
      await page.goto(`/clusters/${encodeURIComponent(name)}/namespaces/default/pods/${POD}?cluster=${encodeURIComponent('outbound|9080||reviews.default.svc.cluster.local')}`);
      const rows = page.getByTestId('endpoint-row');
      await expect(rows.filter({ hasText: '192.168.179.215:9080' })).toHaveCount(1, { timeout: 15_000 });
      await expect(rows.filter({ hasText: '172.40.143.182:15443' })).toHaveCount(1);
    }

    await page.goto('/pods?cluster=cluster2');
    await expect(page.getByTestId('picker-cluster')).toHaveValue(CLUSTER2);
    await page.getByTestId('picker-search').fill('ratings');
    await expect(page.getByRole('link', { name: POD })).toBeVisible({ timeout: 15_000 });

    await page.goto('/proxies?cluster=cluster2&status=all');
    await expect(page.getByText(`${POD}.default`)).toBeVisible({ timeout: 15_000 });
  });

  test('an unknown cluster is a clear not-found line and the page stops asking', async ({ page, consoleErrors }) => {
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/') && r.url().includes('cluster9')) asked.push(r.url().replace(/^https?:\/\/[^/]+/, ""));
    });
    await page.goto(`/clusters/cluster9/namespaces/default/pods/${POD}`);
    const banner = page.getByTestId('cluster-errors');
    await expect(banner).toContainText('not-found', { timeout: 15_000 });
    await expect(banner).toContainText('unknown cluster "cluster9": neither a configured context nor the Istio cluster ID of one');
    await expect(banner).not.toContainText(/bad-response/i);
    // Several poll intervals (5 s by default) later, still one request per view of the pod (no polling).
    await page.waitForTimeout(7_000);
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked).size, asked.join(" ")).toBe(asked.length);
    // The browser logs each refused request itself: those are expected, nothing else.
    expect(consoleErrors).toEqual(asked.map((url) => `Failed to load resource: the server responded with a status of 400 (Bad Request) (${url})`));
    consoleErrors.length = 0;
  });
});
