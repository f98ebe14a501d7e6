import { CLUSTER1, CLUSTER2, expect, snap, test } from './fixtures';

test.describe('mesh checks', () => {
  test('the seed mesh is all clear: the page lists the passed checks, the overview strip says 0 errors', async ({ page }) => {
    await page.goto('/checks');
    const clear = page.getByTestId('all-clear');
    await expect(clear).toBeVisible({ timeout: 20_000 });
    await expect(clear.getByRole('heading', { name: 'All clear' })).toBeVisible();
    await expect(page.getByTestId('passed-checks').locator('li')).toHaveCount(23);
    await expect(page.getByTestId('passed-checks')).toContainText('root-ca-mismatch');
    await snap(page, 'checks-all-clear');

    await page.goto('/');
    const strip = page.getByTestId('checks-strip');
    await expect(strip.locator(`[data-cluster="${CLUSTER1}"]`)).toContainText('0 errors', { timeout: 20_000 });
    await expect(strip.locator(`[data-cluster="${CLUSTER2}"]`)).toContainText('0 warnings');
  });

  test('a faulted mesh: findings with evidence, a copyable fix, a link to the subject and filters in the URL', async ({ page, fault }) => {
    await fault({ type: 'root-ca', cluster: 'cluster2', ca: 'other-root' }, { type: 'root-ca', cluster: 'cluster2', ca: null });
    await fault({ type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: true }, { type: 'failover-without-outlier', cluster: 'cluster1', namespace: 'default', service: 'reviews', on: false });
    await fault({ type: 'eastwest-pending', cluster: 'cluster2', pending: true }, { type: 'eastwest-pending', cluster: 'cluster2', pending: false });

    // The overview's strip counts them per cluster and links to the filtered page.
    await page.goto('/');
    const strip2 = page.getByTestId('checks-strip').locator(`[data-cluster="${CLUSTER2}"]`);
    await expect(strip2).toContainText('2 errors', { timeout: 30_000 });
    await strip2.getByRole('link', { name: `2 errors in ${CLUSTER2}` }).click();
    await expect(page).toHaveURL(/\/checks\?cluster=cluster2-admin%40cluster2&severity=error$/);
    await expect(page.getByTestId('finding')).toHaveCount(2);
    await expect(page.getByTestId('filter-severity')).toHaveValue('error');

    // No filter: errors first (grouped by check), then the warning.
    await page.goto('/checks');
    const findings = page.getByTestId('finding');
    await expect(findings.first()).toBeVisible({ timeout: 30_000 });
    const root = page.locator('[data-testid="finding"][data-check="root-ca-mismatch"]');
    await expect(root).toHaveAttribute('data-cluster', CLUSTER2);
    await expect(root.getByTestId('finding-evidence')).toContainText(`${CLUSTER2} istio-system/istio-ca-root-cert`);
    await expect(root.getByTestId('finding-evidence')).toContainText('SHA-256');
    await expect(root.getByTestId('finding-fix')).toContainText('create secret generic cacerts');
    const dr = page.locator('[data-testid="finding"][data-check="locality-failover-without-outlier-detection"]');
    await expect(dr.getByTestId('finding-subject')).toHaveText('DestinationRule default/reviews');
    await snap(page, 'checks');

    // Keyboard: the filters and the copy button are reachable with Tab.
    await page.getByTestId('filter-cluster').focus();
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('filter-severity')).toBeFocused();
    await root.getByRole('button', { name: 'copy fix' }).focus();
    await page.keyboard.press('Enter');
    await expect(root.getByRole('button', { name: /copied|select & copy/ })).toBeVisible();

    // Filters live in the URL.
    await page.getByTestId('filter-check').selectOption('locality-failover-without-outlier-detection');
    await expect(page).toHaveURL(/check=locality-failover-without-outlier-detection/);
    await expect(findings).toHaveCount(1);
    await page.reload();
    await expect(page.getByTestId('finding')).toHaveCount(1, { timeout: 30_000 });

    // The subject link goes to the page that shows it: the pod's endpoints for an unroutable proxy.
    await page.goto(`/checks?check=endpoints-unroutable`);
    const unroutable = page.getByTestId('finding').first();
    await expect(unroutable).toHaveAttribute('data-cluster', CLUSTER1, { timeout: 30_000 });
    await unroutable.getByTestId('finding-subject').click();
    await expect(page).toHaveURL(/\/clusters\/cluster1-admin%40cluster1\/namespaces\/[a-z-]+\/pods\//);
  });
});
