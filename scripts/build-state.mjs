/**
 * Whether the production build (.next) is current: shared by the launcher (which rebuilds) and tests
 * that need a build (which skip instead).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCES = ['app', 'components', 'lib', 'server', 'public', 'next.config.js', 'package.json', 'postcss.config.mjs', 'proxy.ts', 'middleware.ts'];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) {
    if (entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/**
 * @param {string} root the project folder
 * @returns {'missing' | 'stale' | 'current'}
 */
export function buildState(root) {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'missing';
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return statSync(buildId).mtimeMs >= sources ? 'current' : 'stale';
}
