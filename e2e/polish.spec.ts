import { CLUSTER1, expect, test } from './fixtures';

/** The smaller things a polished tool does (issue 8). */

test('the Proxies page has a nav entry, highlighted while there, and proxy names link to their endpoints', async ({ page }) => {
  await page.goto('/proxies?status=all');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Proxies' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Overview' })).not.toHaveAttribute('aria-current', 'page');
  const link = page.getByTestId('proxy-list').getByRole('link', { name: /^productpage-v1-.*\.default$/ });
  await expect(link).toHaveAttribute('href', new RegExp(`^/clusters/${encodeURIComponent(CLUSTER1)}/namespaces/default/pods/productpage-v1-`));
  await link.click();
  await expect(page.getByTestId('endpoint-row').first()).toBeVisible();
});

test('a skip link is the first stop of the keyboard and lands on the content', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('cluster-card').first()).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('#content')).toBeFocused();
});

test('Esc closes the topology side panel; Tab reaches its links before the filters', async ({ page }) => {
  await page.goto('/topology');
  await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true && window.__isthmusTopology.counts().nodes > 0);
  const find = page.getByTestId('topology-find');
  await find.fill('details');
  await find.press('Enter');
  await expect(page).toHaveURL(/sel=[^&]*details/);
  const panel = page.getByTestId('side-panel');
  await expect(panel).toBeVisible();
  // Tab from Find: the side panel comes before the filters (the first filter is the cross-cluster switch).
  let reached = false;
  for (let i = 0; i < 6 && !reached; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => (document.activeElement?.closest('[data-testid="side-panel"]') ? 'panel' : document.activeElement?.getAttribute('data-testid') ?? ''));
    expect(where, 'a filter got focus before the side panel').not.toBe('topology-cross-only');
    reached = where === 'panel';
  }
  expect(reached, 'Tab reaches the side panel within a few stops of Find').toBe(true);
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});

test('filter placeholders read as examples, not values; the side panel spaces ClusterIP from Ready', async ({ page }) => {
  await page.goto(`/clusters/${encodeURIComponent(CLUSTER1)}/namespaces/default/pods/productpage-v1-5r8k4krvdv-wf6vz`);
  await expect(page.getByTestId('filter-port')).toHaveAttribute('placeholder', 'e.g. 9080');
  await expect(page.getByTestId('filter-address')).toHaveAttribute('placeholder', /^e\.g\. /);
  await page.goto('/topology?sel=' + encodeURIComponent(`svc:${CLUSTER1}:default:details`));
  const ip = page.getByTestId('service-cluster-ip').first();
  await expect(ip).toBeVisible();
  const next = ip.locator('xpath=following-sibling::td[1]');
  const [a, b] = await Promise.all([ip.boundingBox(), next.boundingBox()]);
  const textRight = await ip.evaluate((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return range.getBoundingClientRect().right;
  });
  expect(a && b).toBeTruthy();
  expect(b!.x - textRight, 'a gap between the ClusterIP text and the Ready column').toBeGreaterThanOrEqual(6);
});

test('a dark-mode toggle overrides the OS setting and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme', 'system');
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await toggle.click(); // light
  await toggle.click(); // dark
  await expect(toggle).toHaveAttribute('data-theme', 'dark');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await bg()).not.toBe(light);
  await page.reload();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', 'dark');
  expect(await bg()).not.toBe(light);
  await page.getByTestId('theme-toggle').click(); // back to system
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', 'system');
  expect(await bg()).toBe(light);
});

test('/favicon.ico answers with the linked icon: Chromium asks for it when a route change briefly leaves no icon link', async ({ page }) => {
  const res = await page.request.get('/favicon.ico');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('image/svg+xml');
});
