/**
 * Whether the production build (.next) is current: shared by the launcher (which rebuilds) and tests
 * that need a build (which skip instead).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { STANDALONE_DIR, standaloneServer } from './standalone.mjs';

const SOURCES = ['app', 'components', 'lib', 'server', 'public', 'next.config.js', 'package.json', 'postcss.config.mjs', 'proxy.ts', 'middleware.ts', 'instrumentation.ts'];

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
  // The standalone server is complete only once scripts/build.mjs has copied the client assets in.
  const complete = [buildId, standaloneServer(root), path.join(root, STANDALONE_DIR, '.next', 'static')];
  if (!complete.every((p) => existsSync(p))) return 'missing';
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return statSync(buildId).mtimeMs >= sources ? 'current' : 'stale';
}
