#!/usr/bin/env node
/**
 * `npm run build`: `next build`, then completes the standalone server (.next/standalone, what the
 * image runs) with the files Next leaves out of it by design: the client assets (.next/static) and
 * public/. After this, `node .next/standalone/server.js` serves the app on its own.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STANDALONE_DIR } from './standalone.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const next = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const r = spawnSync(process.execPath, [next, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
if (r.status !== 0) process.exit(r.status ?? 1);

const standalone = path.join(root, STANDALONE_DIR);
for (const [from, to] of [
  ['.next/static', '.next/static'],
  ['public', 'public'],
]) {
  const target = path.join(standalone, to);
  rmSync(target, { recursive: true, force: true });
  if (existsSync(path.join(root, from))) cpSync(path.join(root, from), target, { recursive: true });
}
