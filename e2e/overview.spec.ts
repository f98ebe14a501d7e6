import { CLUSTER1, CLUSTER2, expect, snap, test } from './fixtures';

test.describe('overview', () => {
  test('shows both clusters synced and the four gateway external IPs of the talk', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('demo-badge')).toHaveText('Demo mesh (lab)');

    for (const ctx of [CLUSTER1, CLUSTER2]) {
      await expect(page.locator(`[data-testid="cluster-card"][data-cluster="${ctx}"]`).getByText('reachable')).toBeVisible();
    }

    // A 2 × 2 matrix: each istiod 1.21 reads the other cluster (synced) and does not list its own (local).
    const cells = page.getByTestId('sync-cell');
    await expect(cells).toHaveCount(4);
    expect(await Promise.all((await cells.all()).map((cell) => cell.getAttribute('data-state')))).toEqual(['local', 'synced', 'synced', 'local']);

    const external = page.getByTestId('gateway-external');
    for (const ip of ['172.40.143.182', '172.40.143.181', '172.40.143.192', '172.40.143.191']) {
      await expect(external.filter({ hasText: ip })).toHaveCount(1);
    }
    await expect(page.getByTestId('cluster-errors')).toHaveCount(0);

    await snap(page, 'overview');

    // The tooltip names the remote secret and the istiod pod, on keyboard focus too.
    const remoteCell = page.locator(`tr[data-cluster="${CLUSTER1}"] [data-testid="sync-cell"]`).nth(1);
    await remoteCell.focus();
    const tooltip = page.locator(`[id="${await remoteCell.getAttribute('aria-describedby')}"]`);
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('istio-remote-secret-cluster2');
    await expect(tooltip).toContainText('istiod-');
    // The cell reads as its state; the details are its description only, so they are read once.
    await expect(remoteCell).toHaveText(/synced$/);
    await expect(remoteCell).not.toContainText('istio-remote-secret');
    await expect(remoteCell).toHaveAccessibleDescription(/istio-remote-secret-cluster2/);

    // A healthy two-cluster mesh fits one 1440×900 screen.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThanOrEqual(900);
  });

  test('copies istioctl remote-clusters text from the sync panel', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/');
    const panel = page.locator('#remote-sync');
    // The page is rendered on the server: a click before hydration reaches a button without its handler.
    // The matrix's cells come from the client's reads, so once they show, the button works.
    await expect(panel.getByTestId('sync-cell')).toHaveCount(4);
    await panel.getByRole('button', { name: 'copy as istioctl' }).click();
    await expect(panel.getByText('copied')).toBeVisible();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(text).toMatch(/^NAME\s+SECRET\s+STATUS\s+ISTIOD/m);
    expect(text).toContain('istio-system/istio-remote-secret-cluster2');
  });

  test('links proxy counts to the proxy list', async ({ page }) => {
    await page.goto('/');
    // Whatever state the lab's proxies are in, each non-zero count links to the proxies in that state.
    const countLink = page.getByTestId('proxy-sync').getByRole('link').first();
    await expect(countLink).toBeVisible();
    const label = (await countLink.getAttribute('aria-label')) ?? '';
    const [, count] = /^(\d+) /.exec(label) ?? [];
    await countLink.click();
    await expect(page).toHaveURL(/\/proxies\?cluster=.+&status=/);
    await expect(page.getByTestId('proxy-list').locator('tbody tr')).toHaveCount(Number(count));
    await page.goto('/proxies?status=all');
    await expect(page.getByTestId('proxy-list')).toContainText('ratings-v1-6484c4d9bb-25cnf.default');
    await snap(page, 'proxies');
  });
});
