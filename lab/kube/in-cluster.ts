/**
 * The lab as seen from inside a pod: a ServiceAccount's token, the cluster CA and the namespace in the
 * files the kubelet mounts (/var/run/secrets/kubernetes.io/serviceaccount, below a root folder of our
 * choosing), and KUBERNETES_SERVICE_HOST/PORT pointing at the home cluster's API server. Remote clusters
 * are reached as a deployed Isthmus reaches them: a kubeconfig of ServiceAccount tokens (what
 * scripts/remote-cluster.mjs prints). Tokens rotate as projected tokens do: a new file, the old token
 * revoked.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ClusterApiServer } from './apiserver';
import { writeKubeconfig } from './kubeconfig';

/** Where client-node's loadFromCluster(root) reads the mounted ServiceAccount files. */
export const SERVICEACCOUNT_DIR = 'var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterOptions {
  /** The home cluster: the one the pod "runs in". */
  cluster: string;
  /** "namespace/name" of the ServiceAccount the pod runs as (on every cluster). */
  serviceAccount: string;
  /** Folder standing for the pod's filesystem root. */
  root: string;
}

export interface InCluster {
  root: string;
  /** The environment a pod gets: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT. */
  env: Record<string, string>;
  /** Kubeconfig of the other clusters (context = cluster name, user = the ServiceAccount's token). */
  remotesKubeconfigPath: string;
  /** Issues a new token on one cluster and rewrites the file that holds it; the old token stops working. */
  rotateToken(cluster: string): void;
}

function writeAtomically(file: string, text: string): void {
  // As the kubelet does: a new file moved into place, so a reader never sees half a token.
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o600 });
  fs.renameSync(temp, file);
}

export function presentInCluster(servers: ClusterApiServer[], options: InClusterOptions): InCluster {
  const home = servers.find((s) => s.cluster.name === options.cluster);
  if (!home) throw new Error(`in-cluster: no cluster "${options.cluster}" (clusters: ${servers.map((s) => s.cluster.name).join(', ')})`);
  const [namespace, name] = options.serviceAccount.split('/');
  if (!namespace || !name) throw new Error(`in-cluster: the ServiceAccount must be "namespace/name", got "${options.serviceAccount}"`);

  const root = path.resolve(options.root);
  const dir = path.join(root, SERVICEACCOUNT_DIR);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ca.crt'), home.caPem);
  fs.writeFileSync(path.join(dir, 'namespace'), namespace);
  const remotesKubeconfigPath = path.join(root, 'etc', 'isthmus', 'remotes', 'kubeconfig');
  const remotes = servers.filter((s) => s !== home);
  const tokens = new Map<string, string>();

  const writeRemotes = () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: remotes.map((s) => ({ name: s.cluster.name, cluster: { server: s.url, 'certificate-authority-data': b64(s.caPem) } })),
      users: remotes.map((s) => ({ name: `${options.serviceAccount}@${s.cluster.name}`, user: { token: tokens.get(s.cluster.name) } })),
      contexts: remotes.map((s) => ({ name: s.cluster.name, context: { cluster: s.cluster.name, user: `${options.serviceAccount}@${s.cluster.name}` } })),
      'current-context': remotes[0]?.cluster.name ?? '',
    };
    writeKubeconfig(remotesKubeconfigPath, YAML.stringify(config));
  };
  const rotateToken = (cluster: string) => {
    const server = servers.find((s) => s.cluster.name === cluster);
    if (!server) throw new Error(`no cluster "${cluster}"`);
    tokens.set(cluster, server.issueServiceAccountToken(namespace, name));
    if (server === home) writeAtomically(path.join(dir, 'token'), tokens.get(cluster)!);
    else writeRemotes();
  };
  for (const s of servers) rotateToken(s.cluster.name);

  return {
    root,
    env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(home.port) },
    remotesKubeconfigPath,
    rotateToken,
  };
}
