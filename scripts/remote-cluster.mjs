#!/usr/bin/env node
/**
 * What a remote cluster needs so Isthmus can read it, like `istioctl create-remote-secret`. It prints;
 * it never applies anything.
 *
 *   node scripts/remote-cluster.mjs manifests [--impersonate]
 *       The objects to apply to the remote cluster (review, then `| kubectl --context R apply -f -`):
 *       Namespace isthmus, ServiceAccount isthmus, the same read-only ClusterRole/Role and bindings as the
 *       home cluster (deploy/kubernetes/base/rbac.yaml), and a token Secret for the ServiceAccount.
 *   node scripts/remote-cluster.mjs kubeconfig --context R --name NAME [--kubeconfig FILE] [--server URL]
 *       Reads (GET only) that token Secret from context R and prints the kubeconfig to put in Isthmus'
 *       Secret isthmus-remotes: cluster, user and a context named NAME (the cluster's name in Isthmus).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NAMESPACE = 'isthmus';
const SERVICE_ACCOUNT = 'isthmus';
export const TOKEN_SECRET = 'isthmus-token';

function readObjects(file) {
  return YAML.parseAllDocuments(readFileSync(path.join(root, file), 'utf8'))
    .map((d) => d.toJS())
    .filter(Boolean);
}

/** The remote cluster's objects: the home cluster's own files, so the two never drift apart. */
export function remoteManifests({ impersonate = false } = {}) {
  const objects = [
    ...readObjects('deploy/kubernetes/base/namespace.yaml'),
    ...readObjects('deploy/kubernetes/base/serviceaccount.yaml'),
    ...readObjects('deploy/kubernetes/base/rbac.yaml'),
    ...(impersonate ? readObjects('deploy/kubernetes/components/impersonate/impersonate.yaml') : []),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: TOKEN_SECRET, namespace: NAMESPACE, annotations: { 'kubernetes.io/service-account.name': SERVICE_ACCOUNT } },
      type: 'kubernetes.io/service-account-token',
    },
  ];
  return objects.map((o) => YAML.stringify(o)).join('---\n');
}

/** The kubeconfig Isthmus uses for one remote: a long-lived ServiceAccount token and the cluster's CA. */
export function remoteKubeconfig({ name, server, caPem, token }) {
  const b64 = (s) => Buffer.from(s).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: `isthmus@${name}`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `isthmus@${name}` } }],
    'current-context': name,
  });
}

async function readTokenSecret({ context, kubeconfig }) {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  kc.setCurrentContext(context);
  const secret = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ name: TOKEN_SECRET, namespace: NAMESPACE });
  const data = secret.data ?? {};
  if (!data.token || !data['ca.crt']) throw new Error(`Secret ${NAMESPACE}/${TOKEN_SECRET} has no token yet (was the manifests output applied?)`);
  return { server: kc.getCurrentCluster()?.server ?? '', token: Buffer.from(data.token, 'base64').toString(), caPem: Buffer.from(data['ca.crt'], 'base64').toString() };
}

function parseFlags(argv) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) fail(`unexpected argument ${argv[i]}`);
    if (m[1] === 'impersonate') flags.impersonate = true;
    else flags[m[1]] = m[2] ?? argv[++i];
  }
  return flags;
}

function fail(message) {
  console.error(`remote-cluster: ${message}\nusage: node scripts/remote-cluster.mjs manifests [--impersonate] | kubeconfig --context R --name NAME [--kubeconfig FILE] [--server URL]`);
  process.exit(2);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const flags = parseFlags(rest);
  if (command === 'manifests') {
    process.stdout.write(remoteManifests({ impersonate: flags.impersonate }));
  } else if (command === 'kubeconfig') {
    if (!flags.context || !flags.name) fail('kubeconfig needs --context and --name');
    const found = await readTokenSecret(flags).catch((e) => fail(`could not read ${NAMESPACE}/${TOKEN_SECRET} with context ${flags.context}: ${e.message?.split('\n')[0]}`));
    // The API server address as seen from the home cluster may differ from yours (--server).
    process.stdout.write(remoteKubeconfig({ name: flags.name, server: flags.server ?? found.server, caPem: found.caPem, token: found.token }));
  } else {
    fail(command ? `unknown command ${command}` : 'a command is needed');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
