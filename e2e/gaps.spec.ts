import { CLUSTER1, CLUSTER2, expect, test } from './fixtures';

/** Never silent where it matters (issue 8): what the pages say where they used to say nothing, or the wrong thing. */
const PRODUCTPAGE = 'productpage-v1-5r8k4krvdv-wf6vz';
const podUrl = (cluster: string, ns: string, pod: string) => `/clusters/${encodeURIComponent(cluster)}/namespaces/${ns}/pods/${pod}`;

test('an Envoy cluster with zero endpoints is a "no endpoints" problem row, also when filtered to it', async ({ page, fault }) => {
  await fault({ type: 'remote-sync', cluster: 'cluster1', remote: 'cluster2', status: 'timeout' }, { type: 'remote-sync', cluster: 'cluster1', remote: 'cluster2', status: 'synced' });
  const ratings = 'outbound|9080||ratings.default.svc.cluster.local';
  await page.goto(`${podUrl(CLUSTER1, 'default', PRODUCTPAGE)}?cluster=${encodeURIComponent(ratings)}`);
  const row = page.getByTestId('empty-cluster-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('no endpoints');
  await expect(row).toContainText(ratings);
  await expect(page.getByText('No endpoint matches these filters')).toHaveCount(0);
});

test('with cluster2 down, a cluster1 pod page blames cluster2 in the banner, not cluster1', async ({ page, fault }) => {
  await fault({ type: 'api-down', cluster: 'cluster2', down: true }, { type: 'api-down', cluster: 'cluster2', down: false });
  await page.goto(podUrl(CLUSTER1, 'default', PRODUCTPAGE));
  await expect(page.getByTestId('endpoint-row').first()).toBeVisible();
  const banner = page.getByTestId('cluster-errors');
  await expect(banner.locator(`li[data-cluster="${CLUSTER2}"]`)).toContainText('refused the connection');
  await expect(banner.locator(`li[data-cluster="${CLUSTER1}"]`)).toHaveCount(0);
});

test("an unreadable cluster's gateways are an unknown row with the reason", async ({ page, fault }) => {
  await fault({ type: 'api-down', cluster: 'cluster2', down: true }, { type: 'api-down', cluster: 'cluster2', down: false });
  await page.goto('/');
  const unknown = page.locator(`[data-testid="gateway-unknown"][data-cluster="${CLUSTER2}"]`);
  await expect(unknown).toContainText('unknown');
  await expect(unknown).toContainText('refused the connection');
  await expect(page.getByTestId('gateway-external').filter({ hasText: '172.40.143.182' })).toHaveCount(1);
});

test('a 403 on port-forward names the permission and does not promise that a retry helps', async ({ page, fault }) => {
  await fault(
    { type: 'forbid', cluster: 'cluster1', user: '*', verb: '*', resource: 'pods/portforward', on: true },
    { type: 'forbid', cluster: 'cluster1', user: '*', verb: '*', resource: 'pods/portforward', on: false },
  );
  // A pod no other test opens: a forward kept open from before the denial would still answer.
  await page.goto(podUrl(CLUSTER1, 'default', 'reviews-v2-b6t9rjbf2g-wtc76'));
  await expect(page.getByTestId('cluster-errors')).toContainText('"create" on "pods/portforward" in namespace "default"');
  await expect(page.getByText('Retrying will not help').first()).toBeVisible();
  await expect(page.getByText('the next poll tries again')).toHaveCount(0);
});

test('pods without an Envoy are marked in the picker and explained on their page', async ({ page }) => {
  await page.goto(`/pods?cluster=${encodeURIComponent(CLUSTER2)}&q=loki`);
  const loki = page.getByTestId('pod-list').locator('tr', { hasText: 'loki-0' });
  await expect(loki.getByTestId('pod-envoy')).toContainText('no Envoy yet');
  await expect(loki.getByRole('link')).toHaveCount(0);
  await page.goto(podUrl(CLUSTER2, 'default', 'loki-0'));
  await expect(page.getByText('No Envoy to ask: pod Pending: no Envoy yet')).toBeVisible();
  await expect(page.getByText(/UNREACHABLE|nothing accepted/)).toHaveCount(0);
  await page.goto(podUrl(CLUSTER1, 'istio-system', 'istiod-6696b6844d-cwj44'));
  await expect(page.getByText(/No Envoy to ask: no istio-proxy container/)).toBeVisible();
});

test('an ejected endpoint says so; the loopback and API server addresses are named', async ({ page, fault }) => {
  await fault({ type: 'endpoint-ejected', cluster: 'cluster2', namespace: 'default', pod: 'reviews-v3-5b9bd44f4-ztxsd', on: true }, { type: 'endpoint-ejected', cluster: 'cluster2', namespace: 'default', pod: 'reviews-v3-5b9bd44f4-ztxsd', on: false });
  await page.goto(podUrl(CLUSTER2, 'default', 'ratings-v1-6484c4d9bb-25cnf'));
  const rows = page.getByTestId('endpoint-row');
  const ejected = rows.filter({ hasText: '192.168.179.215:9080' }).first();
  await expect(ejected).toContainText('HEALTHY, ejected');
  await expect(ejected).toContainText('FAILED (ejected)');
  await expect(rows.filter({ hasText: '127.0.0.1:15000' })).toContainText('Envoy admin (this pod)');
  await expect(rows.filter({ hasText: '127.0.0.1:15020' })).toContainText('istio-agent (this pod)');
  await expect(rows.filter({ hasText: ':6443' }).first()).toContainText('Kubernetes API');
});

test('with the east-west gateway pending, cluster1’s API server in a cluster2 sidecar is flagged cross-network', async ({ page, fault }) => {
  await fault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true }, { type: 'eastwest-pending', cluster: 'cluster1', pending: false });
  await page.goto(podUrl(CLUSTER2, 'default', 'ratings-v1-6484c4d9bb-25cnf'));
  const api = page.getByTestId('endpoint-row').filter({ hasText: 'cluster1 Kubernetes API' });
  await expect(api).toHaveCount(1);
  await expect(api.getByTestId('cross-network')).toContainText('cross-network address');
});

test('the picker searches every cluster while none is chosen', async ({ page }) => {
  await page.goto('/pods');
  await page.getByTestId('picker-search').fill('v1');
  const list = page.getByTestId('pod-list');
  await expect(list.getByRole('link', { name: PRODUCTPAGE })).toBeVisible();
  await expect(list.getByRole('link', { name: 'ratings-v1-6484c4d9bb-25cnf' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'ratings-v1-6484c4d9bb-25cnf' })).toHaveAttribute('href', podUrl(CLUSTER2, 'default', 'ratings-v1-6484c4d9bb-25cnf'));
});
