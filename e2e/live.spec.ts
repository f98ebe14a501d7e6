import type { Page } from '@playwright/test';
import { CLUSTER2, expect, test } from './fixtures';

const RATINGS_V1 = `wl:${CLUSTER2}:default:ratings:v1`;
const scaleRatings = (replicas: number) => ({ type: 'scale-workload', cluster: 'cluster2', namespace: 'default', workload: 'ratings-v1', replicas }) as const;

async function ratingsLabel(page: Page): Promise<string> {
  return page.evaluate((id) => window.__isthmusTopology?.nodeLabel(id) ?? '', RATINGS_V1);
}

test.describe('pushed updates (/api/events)', () => {
  test('a pod created in the lab shows in the topology and the pod picker within 2 s, without a reload', async ({ page, fault }) => {
    await page.goto('/topology');
    await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true && window.__isthmusTopology.counts().nodes > 0);
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
    expect(await ratingsLabel(page)).toMatch(/\b1\/1 ready/);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));

    await fault(scaleRatings(2), scaleRatings(1));
    // Polling is every 5 s: 2 s is only met by a pushed change.
    await expect.poll(() => ratingsLabel(page), { timeout: 2000, intervals: [50] }).toMatch(/\/2 ready/);

    await page.goto(`/pods?cluster=${encodeURIComponent(CLUSTER2)}&namespace=default`);
    const rows = page.getByTestId('pod-list').getByRole('row').filter({ hasText: 'ratings-v1-' });
    await expect(rows).toHaveCount(2);
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
    navigations.length = 0;
    await fault(scaleRatings(3), scaleRatings(1));
    await expect(rows).toHaveCount(3, { timeout: 2000 });
    expect(navigations).toEqual([]);
  });

  test('a quiet mesh is never called stale: pushed while live, and each poll says when it was answered', async ({ page, consoleErrors }) => {
    // Polling every 2 s: "stale" would show after 6 s of an answer not renewed.
    await page.addInitScript(() => {
      if (location.protocol.startsWith('http')) window.localStorage.setItem('isthmus.polling', JSON.stringify({ intervalMs: 2000, paused: false }));
    });
    const badge = page.getByTestId('freshness').first();
    await page.goto('/topology');
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
    await expect(badge).toContainText('updated');
    await page.waitForTimeout(7000);
    await expect(badge).not.toContainText('stale');

    // Without the stream the topology is polled: the kept graph is answered with each answer's own time.
    await page.route('**/api/events', (route) => route.abort());
    await page.goto('/topology');
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'dropped');
    await page.waitForTimeout(7000);
    await expect(badge).not.toContainText('stale');
    await page.goto('about:blank');
    const others = consoleErrors.filter((e) => !/ERR_FAILED|api\/events/.test(e));
    consoleErrors.splice(0, consoleErrors.length, ...others);
  });

  test('when the stream drops, the page says so and polls instead', async ({ page, fault, consoleErrors }) => {
    await page.route('**/api/events', (route) => route.abort());
    await page.goto('/topology');
    await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true && window.__isthmusTopology.counts().nodes > 0);
    const status = page.getByTestId('live-status');
    await expect(status).toHaveAttribute('data-state', 'dropped');
    await expect(status).toContainText('live updates lost: polling every 5 s');
    await fault(scaleRatings(2), scaleRatings(1));
    await expect.poll(() => ratingsLabel(page), { timeout: 12_000 }).toMatch(/\/2 ready/);
    // The refused stream is the point of this test, not a page error. Leave the page first: the
    // EventSource keeps retrying, and a retry logged after the filter would fail the test.
    await page.goto('about:blank');
    const others = consoleErrors.filter((e) => !/ERR_FAILED|api\/events/.test(e));
    consoleErrors.splice(0, consoleErrors.length, ...others);
  });
});
