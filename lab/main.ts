/**
 * `npm run lab -- --scenario lab/scenarios/seed.yaml --kubeconfig-out /tmp/my-lab.kubeconfig`
 * Options: --scale clusters=N,namespaces=M,pods=P[,traffic=1]  --control-port N  --latency MS
 *          --istio-version 1.26.3: the scenario's mesh as that Istio release (istiod and proxy shapes)
 *          --scrape-interval S (the lab's Prometheus, default 5)  --global-prometheus  --no-prometheus
 *          --no-recording-rules: the lab's Prometheus without recording rules (Istio's workload-level ones
 *          and Isthmus's pair rule); --istio-recording-rules-only: without the pair rule
 *          --backfill S: seconds of history the lab's Prometheus starts with (default 3600, 0: none)
 *          --churn N: pods created/deleted per second in every cluster  --bookmark-ms MS: watch bookmark interval
 *          --stop-with-stdin: stop when standard input closes (a launcher that dies, even by SIGKILL,
 *          then never leaves the lab behind)
 *          --rbac [CLUSTER=]FILE: RBAC objects (YAML) authorizing ServiceAccounts and impersonated users
 *          --in-cluster CLUSTER [--service-account NS/NAME] [--in-cluster-root DIR]: present CLUSTER as
 *          the cluster a pod runs in (token, CA, namespace files under DIR; remotes kubeconfig)
 */
import fs from 'node:fs';
import { startLab, type LabOptions } from './index';
import { COUNTER_HISTORY_MS } from './traffic/metrics';

function usage(message: string): never {
  console.error(`lab: ${message}`);
  console.error(
    'usage: npm run lab -- [--scenario <file> | --scale clusters=N,namespaces=M,pods=P] [--istio-version <x.y.z>] [--kubeconfig-out <path>] [--control-port <n>] [--latency <ms>] [--scrape-interval <s>] [--backfill <s>] [--global-prometheus] [--no-prometheus] [--no-recording-rules | --istio-recording-rules-only] [--churn <pods/s>] [--bookmark-ms <ms>]',
  );
  process.exit(2);
}

function parseScale(text: string): NonNullable<LabOptions['scale']> {
  const values: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [key, value] = part.split('=');
    values[key.trim()] = Number(value);
  }
  const { clusters, namespaces, pods, traffic } = values;
  if (![clusters, namespaces, pods].every((n) => Number.isInteger(n) && n > 0)) usage(`bad --scale "${text}"`);
  return { clusters, namespaces, pods, traffic: traffic === 1 };
}

const stopWithStdin = process.argv.includes('--stop-with-stdin');

function parseArgs(argv: string[]): LabOptions {
  const options: LabOptions = { kubeconfigOut: '.lab/kubeconfig', prometheus: {} };
  let inCluster: { cluster?: string; serviceAccount: string; root: string } = { serviceAccount: 'isthmus/isthmus', root: '.lab/in-cluster' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--stop-with-stdin') continue;
    if (flag === '--no-prometheus') {
      options.prometheus = false;
      continue;
    }
    if (flag === '--no-recording-rules' || flag === '--istio-recording-rules-only') {
      if (options.prometheus) options.prometheus = { ...options.prometheus, recordingRules: flag === '--no-recording-rules' ? false : 'istio' };
      continue;
    }
    if (flag === '--global-prometheus') {
      if (options.prometheus) options.prometheus = { ...options.prometheus, global: true };
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined && flag !== '--help') usage(`${flag} needs a value`);
    switch (flag) {
      case '--scenario':
        options.scenarioPath = value;
        break;
      case '--istio-version':
        options.istioVersion = value;
        break;
      case '--scale':
        options.scale = parseScale(value);
        break;
      case '--kubeconfig-out':
        options.kubeconfigOut = value;
        break;
      case '--control-port':
        options.controlPort = Number(value);
        break;
      case '--latency':
        options.latencyMs = Number(value);
        break;
      case '--scrape-interval': {
        const seconds = Number(value);
        if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60) usage(`--scrape-interval must be 1-60 seconds, got "${value}"`);
        if (options.prometheus) options.prometheus = { ...options.prometheus, scrapeIntervalS: seconds };
        break;
      }
      case '--backfill': {
        const seconds = Number(value);
        // Further back than the proxies' counters go, their series would only be missing.
        const most = COUNTER_HISTORY_MS / 1000;
        if (!Number.isInteger(seconds) || seconds < 0 || seconds > most) usage(`--backfill must be 0-${most} seconds, got "${value}"`);
        if (options.prometheus) options.prometheus = { ...options.prometheus, backfillS: seconds };
        break;
      }
      case '--churn':
        options.churn = Number(value);
        if (!(options.churn >= 0)) usage('--churn must be a number of pods per second, 0 or more');
        break;
      case '--bookmark-ms':
        options.bookmarkMs = Number(value);
        if (!Number.isInteger(options.bookmarkMs) || options.bookmarkMs < 100) usage('--bookmark-ms must be an integer of at least 100');
        break;
      case '--rbac': {
        const m = /^([^=/]+)=(.+)$/.exec(value);
        const [cluster, file] = m ? [m[1], m[2]] : ['*', value];
        options.rbac = { ...options.rbac, [cluster]: (options.rbac?.[cluster] ?? '') + '\n---\n' + fs.readFileSync(file, 'utf8') };
        break;
      }
      case '--in-cluster':
        inCluster = { ...inCluster, cluster: value };
        break;
      case '--service-account':
        inCluster = { ...inCluster, serviceAccount: value };
        break;
      case '--in-cluster-root':
        inCluster = { ...inCluster, root: value };
        break;
      case '--help':
        usage('help');
      // falls through: usage exits
      default:
        usage(`unknown option ${flag}`);
    }
    i++;
  }
  if (inCluster.cluster) options.inCluster = { ...inCluster, cluster: inCluster.cluster };
  return options;
}

async function main() {
  const lab = await startLab(parseArgs(process.argv.slice(2)));
  if (lab.prometheusNotice) console.error(`lab: ${lab.prometheusNotice}`);
  if (lab.prometheus) {
    for (const [cluster, url] of Object.entries(lab.prometheus.clusters)) console.error(`lab: prometheus of ${cluster} (istio-system/prometheus:9090) at ${url}`);
    if (lab.prometheus.globalUrl) console.error(`lab: global prometheus (label "cluster") at ${lab.prometheus.globalUrl}`);
  }
  if (lab.inCluster) {
    const { root, env, remotesKubeconfigPath } = lab.inCluster;
    console.log(`lab in-cluster: root=${root} host=${env.KUBERNETES_SERVICE_HOST} port=${env.KUBERNETES_SERVICE_PORT} remotes=${remotesKubeconfigPath}`);
  }
  console.log(`lab ready: kubeconfig=${lab.kubeconfigPath} control=${lab.controlUrl}`);
  for (const cluster of lab.world.clusters()) {
    for (const context of cluster.contexts) console.log(`  ${context.name} -> ${lab.servers[cluster.name]}`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`lab: ${signal}, stopping`);
    lab.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (stopWithStdin) {
    process.stdin.on('end', () => stop('launcher gone'));
    process.stdin.on('error', () => stop('launcher gone'));
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  console.error(`lab: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
