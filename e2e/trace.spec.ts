import { CLUSTER1, CLUSTER2, expect, snap, test } from './fixtures';

const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';

test.describe('reachability trace', () => {
  test("from the pod page's \"trace to…\": the verdict above the fold, the chain as columns", async ({ page }) => {
    await page.goto(`/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/${RATINGS}?cluster=${encodeURIComponent('outbound|9080||reviews.default.svc.cluster.local')}`);
    const row = page.getByTestId('endpoint-row').filter({ hasText: '192.168.179.215:9080' });
    await row.getByRole('link', { name: 'trace to…' }).click();
    await expect(page).toHaveURL(/\/trace\?from=.*&to=reviews\.default\.svc\.cluster\.local%3A9080/);

    const verdict = page.getByTestId('trace-verdict');
    await expect(verdict).toContainText('Healthy', { timeout: 20_000 });
    await expect(verdict).toContainText('through cluster1\'s east-west gateway 172.40.143.182:15443');
    // Visible without scrolling at 1440×900.
    const box = await verdict.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(900);

    await expect(page.getByTestId('trace-expected')).toContainText('reviews-v3-5b9bd44f4-ztxsd');
    await expect(page.getByTestId('trace-control-plane')).toContainText('istiod-6c4d88c6d7-wpzz8');
    await expect(page.getByTestId('trace-data-plane')).toContainText('172.40.143.182:15443');
    await expect(page.getByTestId('trace-path')).toContainText('via 172.40.143.182:15443');
    await snap(page, 'trace');
  });

  test('a fault is highlighted and named; keyboard reaches the pickers and the copy button', async ({ page, fault, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await fault(
      { type: 'subset-unmatched', cluster: 'cluster2', namespace: 'default', service: 'reviews', subset: 'v4', on: true },
      { type: 'subset-unmatched', cluster: 'cluster2', namespace: 'default', service: 'reviews', subset: 'v4', on: false },
    );
    await page.goto(`/trace?from=${encodeURIComponent(`cluster2/default/${RATINGS}`)}&to=reviews.default:9080`);
    const verdict = page.getByTestId('trace-verdict');
    await expect(verdict).toContainText('DestinationRule default/reviews has subset v4 but no pod carries version=v4', { timeout: 20_000 });
    await expect(page.getByTestId('trace-data-plane')).toContainText('zero endpoints');
    await snap(page, 'trace-fault');

    const reached = new Set<string>();
    for (let i = 0; i < 40 && reached.size < 3; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent ?? '');
      if (id === 'trace-cluster' || id === 'trace-host' || id === 'copy as text') reached.add(id);
    }
    expect([...reached].sort()).toEqual(['copy as text', 'trace-cluster', 'trace-host']);
    await page.getByRole('button', { name: 'copy as text' }).click();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(text).toMatch(/^Trace default\/ratings-v1-6484c4d9bb-25cnf \(cluster2, network2\) -> reviews\.default\.svc\.cluster\.local:9080\nVerdict: DestinationRule default\/reviews has subset v4/);
  });

  test('pickers: choose a source pod and a destination, then trace', async ({ page }) => {
    await page.goto('/trace');
    await page.getByTestId('trace-cluster').selectOption(CLUSTER1);
    await page.getByTestId('trace-pod').selectOption('sample/sleep-7656cf8794-qmx9p');
    await page.getByTestId('trace-host').selectOption('helloworld.sample.svc.cluster.local');
    await page.getByTestId('trace-port').selectOption('5000');
    await page.getByTestId('trace-run').click();
    await expect(page.getByTestId('trace-verdict')).toContainText('Healthy', { timeout: 20_000 });
    await expect(page.getByTestId('trace-path')).toContainText('helloworld-v1');
  });

  test("the topology's service panel links to a trace of that service, and the page asks for the source", async ({ page }) => {
    await page.goto(`/topology?${new URLSearchParams([['sel', `svc:${CLUSTER1}:sample:helloworld`]])}`);
    const link = page.getByTestId('side-panel').getByRole('link', { name: 'trace to 5000…' });
    await link.click();
    await expect(page).toHaveURL(/\/trace\?to=helloworld\.sample\.svc\.cluster\.local%3A5000$/);
    await expect(page.getByTestId('trace-host')).toHaveValue('helloworld.sample.svc.cluster.local');
    await page.getByTestId('trace-cluster').selectOption(CLUSTER2);
    // cluster2's sleep pod has a generated name: pick it from the list.
    const sleep = page.getByTestId('trace-pod').locator('option', { hasText: 'sample/sleep-' }).first();
    await expect(sleep).toBeAttached();
    await page.getByTestId('trace-pod').selectOption((await sleep.getAttribute('value'))!);
    await page.getByTestId('trace-port').selectOption('5000');
    await page.getByTestId('trace-run').click();
    await expect(page.getByTestId('trace-verdict')).toContainText('Healthy', { timeout: 20_000 });
  });
});
