/**
 * Isthmus as deployed: the standalone server in in-cluster mode on the lab (cluster1 is the cluster
 * it runs in, cluster2 a remote from the ServiceAccount kubeconfig), the shipped ClusterRole and the
 * impersonate component, token sign-in and --impersonate. Two people: alice may read cluster1 only,
 * bob (group sre) both (test/fixtures/people-*.yaml). Starts its own lab and server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { inClusterServerEnv, startLabProcess, type LabProcess } from './lab-process';
import { startNextServer, type NextServer } from './next-server';

const root = path.resolve(__dirname, '..');
const TOKENS = { alice: 'alice-token-0123456789', bob: 'bob-token-0123456789' };
const CLUSTER1_ISTIOD = 'istiod-6696b6844d-cwj44';
const CLUSTER2_ISTIOD = 'istiod-6c4d88c6d7-wpzz8';

let lab: LabProcess | undefined;
let server: NextServer | undefined;
let dir = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(path.join(os.tmpdir(), 'isthmus-e2e-in-cluster-'));
  const rbac = (cluster: string, people: string) =>
    ['deploy/kubernetes/base/rbac.yaml', 'deploy/kubernetes/components/impersonate/impersonate.yaml', people].flatMap((f) => ['--rbac', `${cluster}=${path.join(root, f)}`]);
  lab = await startLabProcess({
    kubeconfigOut: path.join(dir, 'admin-kubeconfig'),
    extraArgs: [
      '--no-prometheus',
      '--in-cluster', 'cluster1',
      '--in-cluster-root', path.join(dir, 'pod'),
      ...rbac('cluster1', 'test/fixtures/people-cluster1.yaml'),
      ...rbac('cluster2', 'test/fixtures/people-cluster2.yaml'),
    ],
  });
  const ic = lab.inCluster!;
  writeFileSync(path.join(dir, 'tokens.csv'), `${TOKENS.alice},alice,1,"team-a"\n${TOKENS.bob},bob,2,"sre"\n`);
  writeFileSync(path.join(dir, 'session-key'), 'e2e-session-key-'.repeat(4));
  server = await startNextServer({
    env: {
      ...inClusterServerEnv(ic, 'cluster1'),
      ISTHMUS_DEMO: '',
      ISTHMUS_DEADLINE_MS: '3000',
      ISTHMUS_AUTH: 'token',
      ISTHMUS_AUTH_TOKENS_FILE: path.join(dir, 'tokens.csv'),
      ISTHMUS_SESSION_KEY_FILE: path.join(dir, 'session-key'),
      ISTHMUS_IMPERSONATE: '1',
    },
    logPath: path.join(root, 'test-results', 'e2e-in-cluster-server.log'),
    readyPath: '/readyz',
  });
});

test.afterAll(async () => {
  await server?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${server!.baseURL}/`);
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${server!.baseURL}/`);
}

test('the API answers 401 without a session; a wrong token is refused', async ({ page, request }) => {
  const res = await request.get(`${server!.baseURL}/api/mesh`);
  expect(res.status()).toBe(401);
  await page.goto(`${server!.baseURL}/signin`);
  await page.getByLabel('Access token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'That token is not valid.' })).toBeVisible();
});

test('alice sees cluster1 complete and cluster2 forbidden, with the reason', async ({ page, context }) => {
  await signIn(page, TOKENS.alice);
  const cookie = (await context.cookies()).find((c) => c.name === 'isthmus_session');
  expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
  await expect(page.getByTestId('session')).toContainText('alice');
  await expect(page.getByText(CLUSTER1_ISTIOD).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/User "alice" cannot (list|get) resource/).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(CLUSTER2_ISTIOD)).toHaveCount(0);

  // Sign out: the cookie goes, the pages send to sign-in again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect((await context.cookies()).find((c) => c.name === 'isthmus_session')).toBeUndefined();
});

test('bob (group sre) sees both clusters complete, not alice\'s view', async ({ page }) => {
  await signIn(page, TOKENS.bob);
  await expect(page.getByTestId('session')).toContainText('bob');
  await expect(page.getByText(CLUSTER1_ISTIOD).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(CLUSTER2_ISTIOD).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/cannot (list|get) resource/)).toHaveCount(0);
});
