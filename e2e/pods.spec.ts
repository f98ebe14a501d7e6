import { CLUSTER2, expect, snap, test } from './fixtures';

const POD = 'ratings-v1-6484c4d9bb-25cnf';

test.describe('pod drill-down', () => {
  test('the pod picker leads to ratings and its four endpoint rows from the talk', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Pods' }).click();
    await page.getByTestId('picker-cluster').selectOption(CLUSTER2);
    await page.getByTestId('picker-search').fill('ratings');
    await expect(page.getByTestId('pod-list')).toBeVisible();
    await snap(page, 'pods');
    await page.getByRole('link', { name: POD }).click();

    await expect(page).toHaveURL(new RegExp(`/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${POD}`));
    const rows = page.getByTestId('endpoint-row');
    const expected = [
      ['172.40.143.182:15443', 'outbound|9080||details.default.svc.cluster.local', 'cluster1 east-west gateway, network network1'],
      ['172.40.143.182:15443', 'outbound|9080||productpage.default.svc.cluster.local', 'cluster1 east-west gateway, network network1'],
      ['172.40.143.182:15443', 'outbound|9080||reviews.default.svc.cluster.local', 'cluster1 east-west gateway, network network1'],
      ['192.168.179.215:9080', 'outbound|9080||reviews.default.svc.cluster.local', 'reviews-v3-5b9bd44f4-ztxsd'],
    ];
    // The talk's three `--cluster outbound|9080||<svc>.default.svc.cluster.local` commands, together.
    await expect(rows.filter({ hasText: /outbound\|9080\|\|(details|productpage|reviews)\.default\.svc\.cluster\.local/ })).toHaveCount(4);
    for (const [endpoint, envoyCluster, target] of expected) {
      const row = rows.filter({ hasText: endpoint }).filter({ hasText: envoyCluster });
      await expect(row).toHaveCount(1);
      await expect(row).toContainText('HEALTHY');
      await expect(row).toContainText('OK');
      await expect(row).toContainText(target);
    }
    await expect(page.getByRole('link', { name: 'reviews-v3-5b9bd44f4-ztxsd' }).first()).toHaveAttribute('href', /\/pods\/reviews-v3-5b9bd44f4-ztxsd$/);
    await expect(page.getByTestId('health-donut')).toContainText('HEALTHY');
    await snap(page, 'pod-endpoints');

    // istioctl's --port filters on the endpoint's port: the gateway rows (15443) drop out.
    await page.getByTestId('filter-port').fill('9080');
    await expect(page).toHaveURL(/port=9080/);
    await expect(rows.filter({ hasText: '172.40.143.182:15443' })).toHaveCount(0);
    await expect(rows.filter({ hasText: '192.168.179.215:9080' }).filter({ hasText: 'outbound|9080||reviews.default.svc.cluster.local' })).toHaveCount(1);

    // Grouping keeps the rows and adds one heading per Envoy cluster.
    await page.getByTestId('filter-group').click();
    await expect(page.getByTestId('filter-group')).toBeChecked();
    await expect(page).toHaveURL(/group=1/);
    await expect(page.getByRole('rowheader', { name: /^outbound\|9080\|\|reviews\.default\.svc\.cluster\.local/ })).toBeVisible();
  });

  test('at 1280 px the endpoints table keeps Weight and Locality on screen', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${POD}`);
    await expect(page.getByTestId('endpoint-row').first()).toBeVisible();
    for (const name of ['Weight', 'Locality']) {
      const box = await page.getByRole('columnheader', { name, exact: true }).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(1280);
    }
    await snap(page, 'pod-endpoints-1280');
    await page.goto('/');
    await expect(page.getByTestId('sync-cell').first()).toBeVisible();
    await snap(page, 'overview-1280');
  });

  test('copy as istioctl table uses the same filters', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${POD}?cluster=${encodeURIComponent('outbound|9080||reviews.default.svc.cluster.local')}`);
    await expect(page.getByTestId('endpoint-row')).toHaveCount(2);
    await page.getByRole('button', { name: 'copy as istioctl table' }).click();
    await expect(page.getByText('copied')).toBeVisible();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^ENDPOINT\s+STATUS\s+OUTLIER CHECK\s+CLUSTER/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['172.40.143.182:15443', '192.168.179.215:9080']);
  });

  test('keyboard: tab reaches the filters', async ({ page }) => {
    await page.goto(`/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${POD}`);
    await expect(page.getByTestId('endpoint-row').first()).toBeVisible();
    const reached = new Set<string>();
    for (let i = 0; i < 40 && reached.size < 4; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
      if (id.startsWith('filter-')) reached.add(id);
    }
    expect([...reached].sort()).toEqual(['filter-address', 'filter-cluster', 'filter-port', 'filter-status']);
    // Filters typed by keyboard land in the URL.
    await page.getByTestId('filter-address').focus();
    await page.keyboard.type('192.168.179.215');
    await expect(page).toHaveURL(/address=192\.168\.179\.215/);
    await expect(page.getByTestId('endpoint-row').first()).toContainText('192.168.179.215:9080');
    await expect(page.getByTestId('endpoint-row').filter({ hasNotText: '192.168.179.215' })).toHaveCount(0);
  });
});
