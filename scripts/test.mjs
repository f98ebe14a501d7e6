#!/usr/bin/env node
/**
 * `npm test`: every test, in order: typecheck, lint, build, unit + integration (vitest, against the lab),
 * then the browser tests (Playwright in Debian's Chromium). Ends with one line
 * `N passed, N failed, N skipped` and exits non-zero when anything failed.
 * Extra arguments are ignored; use `npm run test:unit` / `npm run test:e2e` to run one part.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const CHROMIUM = process.env.ISTHMUS_CHROMIUM ?? '/usr/bin/chromium';
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const tally = { passed: 0, failed: 0, skipped: 0 };

function run(title, args, extraEnv = {}) {
  console.log(`\n=== ${title}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  console.log(`=== ${title}: ${r.status === 0 ? 'ok' : `exit ${r.status ?? r.signal}`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** A step that is not a test runner counts as one test. */
function step(title, args) {
  const ok = run(title, args);
  ok ? tally.passed++ : tally.failed++;
  return ok;
}

if (!existsSync(bin('next', 'dist/bin/next'))) {
  console.error('Dependencies are missing: run `npm install` first.');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium is missing (${CHROMIUM}); the browser tests need Debian's package:\n\n    sudo apt-get update && sudo apt-get install -y chromium\n`);
  process.exit(2);
}

if (spawnSync(process.env.ISTHMUS_PROMETHEUS_BIN || 'prometheus', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error(`Prometheus is missing; the traffic tests run the lab's real Prometheus (Debian's package):\n\n    sudo apt-get update && sudo apt-get install -y prometheus\n`);
  process.exit(2);
}

step('typecheck (tsc --noEmit)', [bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);
step('lint (eslint)', [bin('eslint', 'bin/eslint.js'), '--max-warnings=0', '.']);

// The build comes first: the browser tests and the launcher's real-cluster test (test/real-mode) use it.
const built = step('build (next build + standalone server)', [path.join(root, 'scripts', 'build.mjs')]);

// Unit and integration tests.
const vitestJson = path.join(results, 'vitest.json');
rmSync(vitestJson, { force: true });
const vitestOk = run('unit and integration tests (vitest)', [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  tally.passed += vitest.numPassedTests ?? 0;
  tally.failed += vitest.numFailedTests ?? 0;
  tally.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  // A suite that fails to load has no failed tests but fails the run.
  if (!vitestOk && !vitest.numFailedTests) tally.failed++;
} else if (!vitestOk) tally.failed++;

if (built) {
  const e2eJson = path.join(results, 'e2e.json');
  rmSync(e2eJson, { force: true });
  const e2eOk = run('browser tests (playwright)', [bin('@playwright/test', 'cli.js'), 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_FILE: e2eJson });
  const stats = readJson(e2eJson)?.stats;
  if (stats) {
    tally.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    tally.failed += stats.unexpected ?? 0;
    tally.skipped += stats.skipped ?? 0;
    if (!e2eOk && !stats.unexpected) tally.failed++;
  } else if (!e2eOk) tally.failed++;
}

console.log(`\n${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
process.exit(tally.failed ? 1 : 0);
