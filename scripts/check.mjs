#!/usr/bin/env node
/**
 * `npm run check`: the mesh checks in a terminal or a CI pipeline.
 *   npm run check -- --demo                                     the lab's seed mesh
 *   npm run check -- --kubeconfig F --context a --context b     your clusters (as npm start)
 *   npm run check                                               every context of $KUBECONFIG (or ~/.kube/config)
 * Options: --output table|json, --fail-on error|warning|info (default error), --scenario FILE (with --demo),
 * --deadline-ms N. Exit 0: nothing at or above --fail-on; 1: something; 2: could not run.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, clusterEnv, fail, parseFlags } from './cli-common.mjs';
import { startDemoLab } from './demo-lab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run check -- [--kubeconfig FILE] [--context NAME]... [--output table|json] [--fail-on error|warning|info] [--demo [--scenario FILE]] [--deadline-ms N]';

function parseArgs(argv) {
  const opts = { kubeconfig: [], context: [], output: 'table', failOn: 'error', demo: false, scenario: 'lab/scenarios/seed.yaml', deadlineMs: undefined };
  parseFlags(argv, (flag, value) => {
    switch (flag) {
      case '--kubeconfig': opts.kubeconfig.push(value()); break;
      case '--context': opts.context.push(value()); break;
      case '--output': case '-o': opts.output = value(); break;
      case '--fail-on': opts.failOn = value(); break;
      case '--demo': opts.demo = true; break;
      case '--scenario': opts.scenario = value(); break;
      case '--deadline-ms': opts.deadlineMs = Number(value()); break;
      case '--help': case '-h':
        console.log(USAGE);
        process.exit(0);
      default: return false;
    }
  });
  if (!['table', 'json'].includes(opts.output)) fail('--output must be table or json');
  if (!['error', 'warning', 'info'].includes(opts.failOn)) fail('--fail-on must be error, warning or info');
  if (opts.demo && (opts.kubeconfig.length || opts.context.length)) fail('--demo checks the lab; it takes no --kubeconfig or --context');
  if (opts.deadlineMs !== undefined && !(Number.isInteger(opts.deadlineMs) && opts.deadlineMs > 0)) fail('--deadline-ms must be a positive integer');
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const env = { ISTHMUS_CACHE_MS: '0', ...(opts.deadlineMs ? { ISTHMUS_DEADLINE_MS: String(opts.deadlineMs) } : {}) };
  let lab = null;
  if (opts.demo) {
    console.error(`isthmus: DEMO MESH — starting the lab with ${opts.scenario}`);
    // The checks read no metrics: no Prometheus to start (and backfill).
    lab = await startDemoLab(root, opts.scenario, { env: childEnv(), args: ['--no-prometheus'] }).catch((e) => fail(e.message));
    Object.assign(env, { ISTHMUS_KUBECONFIG: lab.kubeconfig, ISTHMUS_CONTEXTS: '', ISTHMUS_DEMO: '1' });
  } else {
    Object.assign(env, clusterEnv(opts));
  }
  const run = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/check-run.ts', opts.output, opts.failOn], { cwd: root, stdio: 'inherit', env: childEnv(env) });
  const stop = () => run.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  run.on('exit', (code) => {
    const exit = () => process.exit(code ?? 2);
    if (!lab || lab.child.exitCode !== null) return exit();
    // Let the lab stop (it prints as it does) before we exit and close its pipes.
    lab.child.on('exit', exit);
    lab.child.stdin.end();
  });
}

main();
