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
    await expect(page.locator(`tr[data-cluster="${CLUSTER1}"] [data-testid="sync-cell"]`).nth(1)).toHaveAttribute('data-state', 'synced');
    for (const ip of ['172.40.143.182', '172.40.143.181']) {
      await expect(page.getByTestId('gateway-external').filter({ hasText: ip })).toHaveCount(1);
    }
    await snap(page, 'overview-cluster2-down');
  });
});

test.describe('one way to show a cluster that gave nothing', () => {
  test('cluster2 API down: every page says so in the same banner line, and never blames cluster1', async ({ page, fault, e2e }) => {
    await fault({ type: 'api-down', cluster: 'cluster2', down: true }, { type: 'api-down', cluster: 'cluster2', down: false });
    const productpage = 'productpage-v1-5r8k4krvdv-wf6vz';
    const pages = [
      '/',
      '/topology',
      '/proxies',
      '/checks',
      `/pods?cluster=${encodeURIComponent(CLUSTER2)}`,
      `/clusters/${encodeURIComponent(CLUSTER1)}/namespaces/default/pods/${productpage}`,
      `/trace?from=${encodeURIComponent(`cluster1/default/${productpage}`)}&to=reviews.default:9080`,
    ];
    for (const path of pages) {
      await page.goto(path);
      // Each page shows its answers' envelopes with components/ClusterStatusBanner: cluster2 as an error line.
      const down = page.locator(`[data-testid="cluster-errors"][data-severity="error"] li[data-cluster="${CLUSTER2}"]`).first();
      await expect(down, path).toBeVisible({ timeout: e2e.deadlineMs + 15_000 });
      await expect(down, path).toContainText(/unreachable|timeout/i);
      await expect(page.locator(`[data-testid="cluster-errors"] li[data-cluster="${CLUSTER1}"]`), path).toHaveCount(0);
    }
  });
});

test.describe('an east-west gateway loses its external IP', () => {
  test('the overview shows it pending and the drill-down flags remote pod IPs dialled across networks', async ({ page, fault }) => {
    await fault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true }, { type: 'eastwest-pending', cluster: 'cluster1', pending: false });
    await page.goto('/');
    const ewRow = page.locator('[data-testid="gateway-external"]').filter({ hasText: 'pending' });
    await expect(ewRow).toHaveCount(1, { timeout: 15_000 });

    const pod = 'ratings-v1-6484c4d9bb-25cnf';
    await page.goto(`/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${pod}?cluster=${encodeURIComponent('outbound|9080||productpage.default.svc.cluster.local')}`);
    const rows = page.getByTestId('endpoint-row');
    // No gateway address: the productpage endpoint is cluster1's pod IP, not 172.40.143.182:15443.
    await expect(rows).toHaveCount(1, { timeout: 15_000 });
    await expect(rows.first()).not.toContainText('172.40.143.182');
    await expect(rows.first()).toContainText(/productpage-v1-/);
    await expect(rows.first().getByTestId('cross-network')).toBeVisible();
    await expect(rows.first()).toHaveAttribute('data-troubled', 'true');
    await snap(page, 'pod-endpoints-eastwest-pending');
  });
});

test.describe('pods are forbidden in cluster2', () => {
  test('the overview says istiod is not readable and keeps its sync row; the pod picker says pods could not be listed', async ({ page, fault }) => {
    // Pods' read access taken away as RBAC does (one rule's verbs): list and watch. The server's watch-fed
    // cache still watching would be right to keep showing pods; the lab ends open watches on the change.
    for (const verb of ['list', 'watch']) {
      const forbid = { type: 'forbid', cluster: 'cluster2', user: '*', verb, resource: 'pods' } as const;
      await fault({ ...forbid, on: true }, { ...forbid, on: false });
    }
    await page.goto('/');
    const card2 = page.locator(`[data-testid="cluster-card"][data-cluster="${CLUSTER2}"]`);
    await expect(card2.getByTestId('istiod-unreadable')).toContainText('istiod not readable: forbidden', { timeout: 15_000 });
    await expect(page.getByTestId('sync-matrix').locator(`tr[data-cluster="${CLUSTER2}"]`)).toContainText('unknown');

    await page.goto('/proxies');
    await expect(page.getByTestId('cluster-errors').locator(`li[data-cluster="${CLUSTER2}"]`).first()).toBeVisible({ timeout: 15_000 });

    await page.goto(`/pods?cluster=${encodeURIComponent(CLUSTER2)}`);
    await expect(page.getByText('Pods could not be listed')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText('No pods here')).toHaveCount(0);
    await expect(page.getByTestId('freshness')).toContainText('read failed');
  });
});

const SERVER_CACHE_MS = 2000;

test.describe('cluster2 answers slowly', () => {
  test("cluster1's card and gateways fill in without waiting for cluster2", async ({ page, fault, e2e }) => {
    // Slower than the server's deadline: a page that waits for every cluster shows nothing until then.
    await fault({ type: 'api-latency', cluster: 'cluster2', ms: 4000 }, { type: 'api-latency', cluster: 'cluster2', ms: 0 });
    // Let the server's short cache (ISTHMUS_CACHE_MS, default 2000 ms) expire: an answer cached by the
    // previous test, read before the fault, would make any page fast.
    await page.waitForTimeout(SERVER_CACHE_MS + 200);
    const started = Date.now();
    await page.goto('/');

    const card1 = page.locator(`[data-testid="cluster-card"][data-cluster="${CLUSTER1}"]`);
    const banner = page.getByTestId('cluster-errors').locator(`li[data-cluster="${CLUSTER2}"]`).first();
    await expect(card1.getByText('reachable')).toBeVisible({ timeout: e2e.deadlineMs + 5000 });
    await expect(page.getByTestId('gateway-external').filter({ hasText: '172.40.143.182' })).toHaveCount(1, { timeout: e2e.deadlineMs + 5000 });
    const cluster1After = Date.now() - started;
    test.info().annotations.push({ type: 'cluster1 after', description: `${cluster1After} ms` });
    // Before cluster2's deadline came back (its timeout, shown in the banner): a page that waited for every
    // cluster would show both at once. An order, not a time: a loaded machine delays both alike.
    expect(await banner.count(), 'cluster2 had already timed out when cluster1 filled in').toBe(0);

    // cluster2 still fills in, as a timeout once its deadline passes.
    await expect(banner).toBeVisible({ timeout: e2e.deadlineMs + 2000 + 5000 + 10_000 });
  });
});
