import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { CLUSTER1, CLUSTER2, expect, snap, test } from './fixtures';

const EW1 = `gw:${CLUSTER1}:istio-system:istio-eastwestgateway`;
const PRODUCTPAGE_C2 = `svc:${CLUSTER2}:default:productpage`;
const PRODUCTPAGE_V1 = `wl:${CLUSTER1}:default:productpage:v1`;

/** Waits for the canvas to hold data and finish its layout; returns the hook's view of the graph. */
async function graph(page: Page) {
  await page.waitForFunction(() => window.__isthmusTopology?.layoutDone === true && window.__isthmusTopology.counts().nodes > 0);
  return page.evaluate(() => {
    const h = window.__isthmusTopology!;
    return { nodes: h.nodes(), edges: h.edgeData(), counts: h.counts() };
  });
}

test.describe('topology', () => {
  test('draws two cluster boxes and the path from cluster2 to cluster1 through 172.40.143.182', async ({ page }) => {
    await page.goto('/topology');
    const g = await graph(page);

    expect(g.nodes.filter((id) => id.startsWith('cluster:')).sort()).toEqual([`cluster:${CLUSTER1}`, `cluster:${CLUSTER2}`]);
    expect(g.nodes).toContain(`ns:${CLUSTER2}:default`);
    expect(g.nodes).toContain(`wl:${CLUSTER2}:default:ratings:v1`);

    // cluster2's productpage Service has no local endpoints: its clients go to cluster1's east-west gateway ...
    const toGateway = g.edges.find((e) => e.source === PRODUCTPAGE_C2 && e.target === EW1);
    expect(toGateway).toMatchObject({ kind: 'east-west', label: '172.40.143.182:15443' });
    // ... which fronts cluster1's productpage workload.
    expect(g.edges.find((e) => e.source === EW1 && e.target === PRODUCTPAGE_V1)).toMatchObject({ kind: 'east-west' });

    // The counts printed on the page are the canvas's.
    const counts = page.getByTestId('topology-counts');
    await expect(counts).toHaveAttribute('data-nodes', String(g.counts.nodes));
    await expect(counts).toHaveAttribute('data-edges', String(g.counts.edges));
    await expect(page.getByTestId('cluster-errors')).toHaveCount(0);
    await snap(page, 'topology');
  });

  test('a refresh that only changes pod counts does not move the graph', async ({ page, fault }) => {
    await page.goto('/topology');
    await graph(page);
    const before = await page.evaluate(() => ({
      positions: window.__isthmusTopology!.positions(),
      viewport: window.__isthmusTopology!.viewport(),
      runs: window.__isthmusTopology!.layoutRuns,
      label: window.__isthmusTopology!.nodeLabel('wl:cluster1-admin@cluster1:default:productpage:v1'),
    }));
    expect(before.label).toContain('1/1 ready');

    await fault(
      { type: 'scale-workload', cluster: 'cluster1', namespace: 'default', workload: 'productpage-v1', replicas: 2 },
      { type: 'scale-workload', cluster: 'cluster1', namespace: 'default', workload: 'productpage-v1', replicas: 1 },
    );
    // The next poll brings the new pod count into the label, in place.
    await expect
      .poll(() => page.evaluate((id) => window.__isthmusTopology!.nodeLabel(id), PRODUCTPAGE_V1), { timeout: 30_000 })
      .toMatch(/\/2 ready/);

    const after = await page.evaluate(() => ({
      positions: window.__isthmusTopology!.positions(),
      viewport: window.__isthmusTopology!.viewport(),
      runs: window.__isthmusTopology!.layoutRuns,
    }));
    expect(after.runs).toBe(before.runs);
    expect(after.viewport).toEqual(before.viewport);
    expect(after.positions).toEqual(before.positions);
  });

  test('filters, layout and selection live in the URL and survive a reload', async ({ page }) => {
    const selected = `wl:${CLUSTER2}:default:ratings:v1`;
    const query = new URLSearchParams([
      ['cluster', CLUSTER2],
      ['hide', 'istio-system'],
      ['layout', 'grid'],
      ['sel', selected],
    ]);
    await page.goto(`/topology?${query}`);
    let g = await graph(page);
    expect(g.nodes.every((id) => id.includes(CLUSTER2))).toBe(true);
    expect(g.nodes).not.toContain(`ns:${CLUSTER2}:istio-system`);
    // Gateways stay, moved into the cluster box, so cross-cluster paths remain visible.
    expect(g.nodes).toContain(`gw:${CLUSTER2}:istio-system:istio-eastwestgateway`);
    await expect(page.getByTestId('topology-layout')).toHaveValue('grid');
    expect(await page.evaluate(() => window.__isthmusTopology!.layoutName)).toBe('grid');
    await expect(page.getByTestId('side-panel')).toContainText('ratings v1');

    // The side panel lists the workload's pods, linked to the drill-down.
    const podLink = page.getByTestId('workload-pods').getByRole('link', { name: 'ratings-v1-6484c4d9bb-25cnf' });
    await expect(podLink).toHaveAttribute('href', `/clusters/${encodeURIComponent(CLUSTER2)}/namespaces/default/pods/ratings-v1-6484c4d9bb-25cnf`);

    // Controls write the URL.
    await page.getByTestId('topology-layout').selectOption('concentric');
    await expect(page).toHaveURL(/layout=concentric/);
    // Controlled by the URL: the box turns checked once router.replace has landed.
    await page.getByRole('checkbox', { name: CLUSTER1 }).click();
    await expect(page.getByRole('checkbox', { name: CLUSTER1 })).toBeChecked();
    await expect(page).not.toHaveURL(/cluster=/);
    await page.getByTestId('topology-find').fill('ratings');
    await expect(page).toHaveURL(/q=ratings/);
    await expect(page.getByTestId('find-count')).toContainText('match');

    await page.reload();
    g = await graph(page);
    expect(g.nodes).toContain(`cluster:${CLUSTER1}`);
    expect(g.nodes).not.toContain(`ns:${CLUSTER1}:istio-system`);
    await expect(page.getByTestId('topology-layout')).toHaveValue('concentric');
    await expect(page.getByTestId('topology-find')).toHaveValue('ratings');
    await expect(page.getByTestId('side-panel')).toContainText('ratings v1');

    await podLink.click();
    await expect(page).toHaveURL(/\/pods\/ratings-v1-6484c4d9bb-25cnf$/);
  });

  test('Enter in Find selects the first match; a selection the filters hide shows no side panel', async ({ page }) => {
    const ratings = `wl:${CLUSTER2}:default:ratings:v1`;
    await page.goto(`/topology?${new URLSearchParams([['cluster', CLUSTER1], ['sel', ratings]])}`);
    await graph(page);
    await expect(page.getByTestId('topology-counts')).not.toHaveAttribute('data-nodes', '0');
    await expect(page.getByTestId('side-panel')).toHaveCount(0);

    await page.getByRole('checkbox', { name: CLUSTER2 }).click();
    await expect(page.getByTestId('side-panel')).toContainText('ratings v1');

    const find = page.getByTestId('topology-find');
    await find.fill('details');
    await find.press('Enter');
    await expect(page).toHaveURL(/sel=[^&]*details/);
    await expect(page.getByTestId('side-panel')).toContainText('details');
  });

  test('exports the view as a PNG file', async ({ page }) => {
    await page.goto('/topology');
    await graph(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    expect(download.suggestedFilename()).toMatch(/^isthmus-topology-.*\.png$/);
    const file = await download.path();
    const bytes = readFileSync(file);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(1000);
  });
});

test('the default layout draws the same picture on every load', async ({ page }) => {
  const positions = async () => {
    await page.goto('/topology');
    await graph(page);
    return page.evaluate(() => window.__isthmusTopology!.positions());
  };
  const first = await positions();
  const second = await positions();
  for (const [id, p] of Object.entries(first)) {
    expect(second[id].x, id).toBeCloseTo(p.x, 0);
    expect(second[id].y, id).toBeCloseTo(p.y, 0);
  }
});

test('expanding a cluster keeps what was drawn where it was and lays out only the new nodes', async ({ page }) => {
  await page.goto(`/topology?level=clusters&sel=${encodeURIComponent(`cluster:${CLUSTER1}`)}`);
  const before = await graph(page);
  expect(before.nodes).toContain(`cluster:${CLUSTER2}`);
  expect(before.nodes.some((id) => id.startsWith('wl:'))).toBe(false);
  const drawn = await page.evaluate(() => window.__isthmusTopology!.positions());
  const runs = await page.evaluate(() => window.__isthmusTopology!.layoutRuns);

  await page.getByTestId('expand-cluster').click();
  await expect(page).toHaveURL(new RegExp(`in=${encodeURIComponent(CLUSTER1).replace(/%/g, '%')}`));
  await page.waitForFunction((n) => window.__isthmusTopology!.layoutRuns > n && window.__isthmusTopology!.nodes().some((id) => id.startsWith('wl:')), runs);
  const after = await page.evaluate(() => ({ positions: window.__isthmusTopology!.positions(), layout: window.__isthmusTopology!.layoutName }));
  expect(after.layout).toBe('kept positions');
  // cluster2 is now one node outside the scope: at the centre its box had.
  expect(after.positions[`cluster:${CLUSTER2}`].x).toBeCloseTo(drawn[`cluster:${CLUSTER2}`].x, 0);
  expect(after.positions[`cluster:${CLUSTER2}`].y).toBeCloseTo(drawn[`cluster:${CLUSTER2}`].y, 0);
  // cluster1's workloads are new: laid out beside what was drawn, not on top of it.
  const right = Math.max(...Object.values(drawn).map((p) => p.x));
  expect(after.positions[PRODUCTPAGE_V1].x).toBeGreaterThan(right);
});
