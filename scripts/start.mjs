#!/usr/bin/env node
/**
 * `npm start`: serve Isthmus.
 *   npm start                                         the lab's demo mesh (lab/scenarios/seed.yaml)
 *   npm start -- --kubeconfig ~/.kube/config --context a --context b   real clusters
 *   npm start -- --context a                          real clusters from $KUBECONFIG
 * Options: --port 3000, --host 127.0.0.1, --scenario <file> (demo), --deadline-ms 5000, --dev.
 * Metrics: --prometheus CLUSTER=URL (repeatable), --prometheus-url URL [--prometheus-cluster-label cluster],
 *          else each cluster's istio-system/prometheus:9090 through its API server (docs/metrics.md).
 * Sign-in (docs/deploy.md): --auth token --tokens-file F --session-key-file F | --auth proxy
 *          --proxy-secret-file F; --impersonate; --insecure-no-auth. A --host other than loopback needs one.
 * In a pod: --in-cluster NAME serves the cluster it runs in under NAME (the image sets ISTHMUS_* instead).
 * Builds the app first when the build is missing or older than the sources.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState } from './build-state.mjs';
import { childEnv, clusterEnv, fail, parseFlags } from './cli-common.mjs';
import { standaloneEnv, standaloneServer } from './standalone.mjs';
import { startDemoLab } from './demo-lab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function parseArgs(argv) {
  const opts = { kubeconfig: [], context: [], port: 3000, host: '127.0.0.1', scenario: 'lab/scenarios/seed.yaml', dev: false, deadlineMs: undefined, prometheus: [], prometheusUrl: undefined, prometheusClusterLabel: undefined, serverEnv: {} };
  parseFlags(argv, (flag, value) => {
    switch (flag) {
      case '--kubeconfig': opts.kubeconfig.push(value()); break;
      case '--context': opts.context.push(value()); break;
      case '--port': case '-p': opts.port = Number(value()); break;
      case '--host': case '-H': opts.host = value(); break;
      case '--scenario': opts.scenario = value(); break;
      case '--deadline-ms': opts.deadlineMs = Number(value()); break;
      case '--prometheus': opts.prometheus.push(value()); break;
      case '--prometheus-url': opts.prometheusUrl = value(); break;
      case '--prometheus-cluster-label': opts.prometheusClusterLabel = value(); break;
      case '--dev': opts.dev = true; break;
      case '--auth': opts.serverEnv.ISTHMUS_AUTH = value(); break;
      case '--tokens-file': opts.serverEnv.ISTHMUS_AUTH_TOKENS_FILE = path.resolve(value()); break;
      case '--session-key-file': opts.serverEnv.ISTHMUS_SESSION_KEY_FILE = path.resolve(value()); break;
      case '--proxy-secret-file': opts.serverEnv.ISTHMUS_PROXY_SECRET_FILE = path.resolve(value()); break;
      case '--impersonate': opts.serverEnv.ISTHMUS_IMPERSONATE = '1'; break;
      case '--insecure-no-auth': opts.serverEnv.ISTHMUS_INSECURE_NO_AUTH = '1'; break;
      case '--in-cluster': opts.serverEnv.ISTHMUS_IN_CLUSTER = value(); break;
      case '--help': case '-h':
        console.log('usage: npm start [-- --kubeconfig FILE] [--context NAME]... [--port N] [--host ADDR] [--scenario FILE] [--deadline-ms N] [--prometheus CLUSTER=URL]... [--prometheus-url URL] [--prometheus-cluster-label NAME] [--auth token|proxy] [--tokens-file F] [--session-key-file F] [--proxy-secret-file F] [--impersonate] [--insecure-no-auth] [--in-cluster NAME] [--dev]');
        process.exit(0);
      default: return false;
    }
  });
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) fail('--port must be 1-65535');
  return opts;
}

function buildIfStale() {
  const state = buildState(root);
  if (state === 'current') return;
  console.log(state === 'stale' ? 'isthmus: sources changed since the last build, rebuilding…' : 'isthmus: first start, building the app (a minute or two)…');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', env: childEnv() });
  if (r.status !== 0) fail('the build failed (see above)');
}

function require_bin(name) {
  const p = path.join(root, 'node_modules', name, 'dist', 'bin', name);
  if (!existsSync(p)) fail(`${name} is not installed: run \`npm install\` first`);
  return p;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const real = opts.kubeconfig.length > 0 || opts.context.length > 0 || Boolean(opts.serverEnv.ISTHMUS_IN_CLUSTER);
  const children = [];
  const stopAll = (signal) => {
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  const env = {
    ISTHMUS_DEADLINE_MS: opts.deadlineMs ? String(opts.deadlineMs) : process.env.ISTHMUS_DEADLINE_MS,
    ISTHMUS_PROMETHEUS: opts.prometheus.length ? opts.prometheus.join(',') : process.env.ISTHMUS_PROMETHEUS,
    ISTHMUS_PROMETHEUS_URL: opts.prometheusUrl ?? process.env.ISTHMUS_PROMETHEUS_URL,
    ISTHMUS_PROMETHEUS_CLUSTER_LABEL: opts.prometheusClusterLabel ?? process.env.ISTHMUS_PROMETHEUS_CLUSTER_LABEL,
    ISTHMUS_ALLOWED_HOSTS: process.env.ISTHMUS_ALLOWED_HOSTS ?? allowedHosts(opts.host, opts.port),
    ...opts.serverEnv,
  };
  if (real) Object.assign(env, clusterEnv(opts));

  if (!opts.dev) buildIfStale();

  if (!real) {
    console.log(`isthmus: DEMO MESH — starting the lab with ${opts.scenario} (simulated clusters on 127.0.0.1)`);
    const lab = await startDemoLab(root, opts.scenario, { env: childEnv(), onOutput: (chunk) => process.stdout.write(chunk) }).catch((e) => fail(e.message));
    children.push(lab.child);
    lab.child.on('exit', (code) => {
      if (code) console.error(`isthmus: the lab exited with code ${code}`);
      stopAll('SIGTERM');
    });
    env.ISTHMUS_KUBECONFIG = lab.kubeconfig;
    env.ISTHMUS_CONTEXTS = '';
    env.ISTHMUS_DEMO = '1';
    env.ISTHMUS_LAB_CONTROL = lab.control;
  }

  // Production runs the standalone server, as the image does; --dev runs `next dev`.
  const serverEnv = childEnv(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)));
  const next = opts.dev
    ? spawn(process.execPath, [require_bin('next'), 'dev', '-H', opts.host, '-p', String(opts.port)], { stdio: 'inherit', env: { ...serverEnv, HOSTNAME: opts.host } })
    : spawn(process.execPath, [standaloneServer(root)], { stdio: 'inherit', env: standaloneEnv(serverEnv, { host: opts.host, port: opts.port }) });
  children.push(next);
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  console.log(`isthmus: ${real ? 'serving your clusters' : 'serving the DEMO MESH (lab)'} on http://${shownHost}:${opts.port} (open it in a browser)`);
  next.on('exit', (code) => {
    stopAll('SIGTERM');
    process.exitCode = code ?? 0;
  });
}

function allowedHosts(host, port) {
  const names = new Set([host.includes(':') ? `[${host}]` : host]);
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') names.add('localhost').add('127.0.0.1');
  return [...names].map((h) => `${h}:${port}`).join(',');
}

main();
