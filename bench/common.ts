/** What the benchmarks share: re-running under react-server, the standalone build, numeric flags, percentiles. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { standaloneServer } from '../scripts/standalone.mjs';

/**
 * server/ modules import 'server-only', which only resolves under the react-server condition (as in
 * Next): re-runs `file` with it (and exits with its status) unless already running so.
 */
export function runUnderReactServer(file: string): void {
  if (process.execArgv.some((a) => a.includes('react-server'))) return;
  const r = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', file, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

/** `--name N` from the command line, or the fallback. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

/** Runs a benchmark's main and exits: 0 when it finished, 1 with the error printed when it threw. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

/** Builds the app (scripts/build.mjs) when the standalone server the browser benchmarks run is missing. */
export function ensureStandaloneBuild(root: string): void {
  if (existsSync(standaloneServer(root))) return;
  console.log('building the app (no standalone server yet)...');
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (build.status !== 0) throw new Error('the build failed');
}
