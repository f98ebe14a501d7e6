import { defineConfig } from '@playwright/test';

/**
 * Browser tests in Debian's Chromium (Playwright never downloads a browser here) against the lab's
 * seed scenario and the production standalone server (as the image runs it), both started by e2e/global-setup.ts.
 */
export default defineConfig({
  testDir: 'e2e',
  // Keep Playwright's own artefacts in a subfolder: it empties outputDir at start, and
  // test-results/ also holds vitest.json, e2e.json and the screenshots.
  outputDir: 'test-results/playwright',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ?? 'test-results/e2e.json' }]],
  use: {
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.ISTHMUS_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
