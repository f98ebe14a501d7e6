import { CLUSTER1, CLUSTER2, expect, snap, test } from './fixtures';

test.describe('a cluster goes down', () => {
  test('cluster2 API down: cluster1 stays complete and cluster2 gets a banner within the deadline', async ({ page, fault, e2e }) => {
    await fault({ type: 'api-down', cluster: 'cluster2', down: true }, { type: 'api-down', cluster: 'cluster2', down: false });
    const started = Date.now();
    await page.goto('/');

    // Deadline, plus the server's short cache and one poll, plus a generous margin for a loaded machine.
    const banner = page.getByTestId('cluster-errors').locator(`li[data-cluster="${CLUSTER2}"]`).first();
    await expect(banner).toBeVisible({ timeout: e2e.deadlineMs + 2000 + 5000 + 10_000 });
    await expect(banner).toContainText(/unreachable|timeout/);
    test.info().annotations.push({ type: 'banner after', description: `${Date.now() - started} ms` });

    const card1 = page.locator(`[data-testid="cluster-card"][data-cluster="${CLUSTER1}"]`);
    await expect(card1.getByText('reachable')).toBeVisible();
    await expect(page.locator(`tr[data-cluster="${CLUSTER1}"] [data-testid="sync-cell"]`).first()).toHaveAttribute('data-state', 'synced');
    for (const ip of ['172.40.143.182', '172.40.143.181']) {
      await expect(page.getByTestId('gateway-external').filter({ hasText: ip })).toHaveCount(1);
    }
    await snap(page, 'overview-cluster2-down');
  });
});
