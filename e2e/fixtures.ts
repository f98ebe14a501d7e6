import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import type { LabFault } from '../lab/world';
import { readE2eEnv, type E2eEnv } from './env';

const root = path.resolve(__dirname, '..');
const shotsDir = path.join(root, 'test-results', 'screenshots');
const docsShotsDir = path.join(root, 'docs', 'screenshots');

/** A full-page screenshot as a test artefact; with UPDATE_SCREENSHOTS=1 also the README's copy. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  const file = path.join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(docsShotsDir, { recursive: true });
    copyFileSync(file, path.join(docsShotsDir, `${name}.png`));
  }
}

async function postFault(controlUrl: string, fault: LabFault): Promise<void> {
  const res = await fetch(`${controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`lab refused fault ${JSON.stringify(fault)}: ${res.status} ${await res.text()}`);
}

/**
 * Waits (up to 20 s) until every cluster's watch-fed cache is synced again after a fault was undone: a
 * cache relists with backoff once access is back, and the next test must not see the last one's fault.
 * Still not synced then: the test that applied the fault fails, saying so, rather than the next one.
 */
async function cachesSynced(baseURL: string): Promise<void> {
  const until = Date.now() + 20_000;
  let states = 'no answer';
  while (Date.now() < until) {
    const res = await fetch(`${baseURL}/api/clusters`).catch(() => null);
    const body = res?.ok ? ((await res.json()) as { clusters: Array<{ cluster: string; watch?: { state: string } }> }) : null;
    if (body?.clusters.every((c) => c.watch?.state === 'synced')) return;
    if (body) states = body.clusters.map((c) => `${c.cluster}: ${c.watch?.state ?? 'no watch'}`).join(', ');
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the clusters' caches did not sync again within 20 s of undoing the test's faults (${states})`);
}

interface Fixtures {
  e2e: E2eEnv;
  /** Applies a lab fault now and its `undo` after the test, pass or fail. */
  fault: (fault: LabFault, undo: LabFault) => Promise<void>;
  /** Console errors and uncaught page errors; checked after every test. */
  consoleErrors: string[];
}

export const test = base.extend<Fixtures>({
  // Playwright calls the second argument `use`; named `provide` here so React's hook lint leaves it alone.
  e2e: async ({}, provide) => {
    await provide(readE2eEnv());
  },
  baseURL: async ({ e2e }, provide) => {
    await provide(e2e.baseURL);
  },
  fault: async ({ e2e }, provide) => {
    const undos: LabFault[] = [];
    await provide(async (fault, undo) => {
      undos.push(undo);
      await postFault(e2e.controlUrl, fault);
    });
    for (const u of undos.reverse()) await postFault(e2e.controlUrl, u);
    if (undos.length) await cachesSynced(e2e.baseURL);
  },
  consoleErrors: [
    async ({ page }, provide) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        // Chromium's "Failed to load resource" does not name the resource; its location does.
        const url = m.location().url;
        if (m.type() === 'error') errors.push(url ? `${m.text()} (${url.replace(/^https?:\/\/[^/]+/, '')})` : m.text());
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await provide(errors);
      expect(errors, 'console errors on the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export const CLUSTER1 = 'cluster1-admin@cluster1';
export const CLUSTER2 = 'cluster2-admin@cluster2';
