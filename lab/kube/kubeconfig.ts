/** The kubeconfig a lab hands to clients: one cluster per API server, its users and contexts. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ClusterApiServer } from './apiserver';

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function buildKubeconfig(servers: ClusterApiServer[]): string {
  const clusters = servers.map((s) => ({
    name: s.cluster.name,
    cluster: { server: s.url, 'certificate-authority-data': b64(s.caPem) },
  }));
  const users = servers.flatMap((s) =>
    [...s.credentials].map(([name, cred]) => ({
      name,
      user:
        'token' in cred
          ? { token: cred.token }
          : { 'client-certificate-data': b64(cred.clientCertificatePem), 'client-key-data': b64(cred.clientKeyPem) },
    })),
  );
  const contexts = servers.flatMap((s) => s.cluster.contexts.map((c) => ({ name: c.name, context: { cluster: s.cluster.name, user: c.user } })));
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters,
    users,
    contexts,
    'current-context': contexts[0]?.name ?? '',
  });
}

/** Writes with mode 0600: the file holds private keys and tokens. */
export function writeKubeconfig(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
