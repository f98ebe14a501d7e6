import 'server-only';
import fs from 'node:fs';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { loadConfig, type Env, type ServerConfig } from '../config';
import { ClusterState } from './cluster-state';

/** One configured cluster: a kubeconfig context with its own KubeConfig holding only that context. */
export interface ClusterHandle {
  /** Context name: the cluster's key in URLs and responses. */
  name: string;
  /** API server URL as shown: origin and path only (a kubeconfig may put user:password or a token query in it). */
  server: string;
  /** Changes whenever the kubeconfig entry changes, so caches never mix two configurations. */
  generation: number;
  /**
   * Credentials and TLS for this cluster. Reads go through list-json.ts (byte caps, no redirects), not
   * client-node's generated clients, which follow redirects with the credentials attached.
   */
  kc: KubeConfig;
  /** What the process keeps for this cluster (caches, forwards, watches); closed when the handle is dropped. */
  state: ClusterState;
}

export interface Registry {
  clusters: ClusterHandle[];
  /** Looks a cluster up by its exact (decoded) context name. */
  get(name: string): ClusterHandle | undefined;
  demo: boolean;
  config: ServerConfig;
}

/** A kubeconfig problem the operator must fix; the message names the file and entry, never secrets. */
export class RegistryError extends Error {}

interface Merged {
  contexts: Map<string, Context>;
  clusters: Map<string, Cluster>;
  users: Map<string, User>;
  currentContext: string;
}

function duplicates(names: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(names.filter((n) => (seen.has(n) ? true : (seen.add(n), false))))];
}

/** Merges kubeconfig files as kubectl does: missing files are skipped, the first definition of a name wins. */
function mergeKubeconfigs(paths: string[]): Merged {
  const merged: Merged = { contexts: new Map(), clusters: new Map(), users: new Map(), currentContext: '' };
  let found = 0;
  for (const file of paths) {
    if (!fs.existsSync(file)) continue;
    found++;
    const kc = new KubeConfig();
    try {
      // loadFromFile also makes certificate, key and exec command paths absolute relative to the file.
      kc.loadFromFile(file);
    } catch (e) {
      // client-node's parse errors name the missing field, never a credential value.
      const why = e instanceof Error ? e.message.split('\n')[0].slice(0, 200) : 'unreadable';
      throw new RegistryError(`kubeconfig ${file}: ${why}`);
    }
    for (const [kind, names] of [
      ['context', kc.contexts.map((c) => c.name)],
      ['cluster', kc.clusters.map((c) => c.name)],
      ['user', kc.users.map((u) => u.name)],
    ] as const) {
      const dup = duplicates(names);
      if (dup.length) throw new RegistryError(`kubeconfig ${file}: duplicate ${kind} name${dup.length > 1 ? 's' : ''} ${dup.map((d) => `"${d}"`).join(', ')}`);
    }
    for (const c of kc.contexts) if (!merged.contexts.has(c.name)) merged.contexts.set(c.name, c);
    for (const c of kc.clusters) if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, c);
    for (const u of kc.users) if (!merged.users.has(u.name)) merged.users.set(u.name, u);
    if (!merged.currentContext && kc.currentContext) merged.currentContext = kc.currentContext;
  }
  if (found === 0) throw new RegistryError(`no kubeconfig file found (looked at ${paths.join(', ')})`);
  return merged;
}

let generationCounter = 0;

function buildHandle(merged: Merged, contextName: string, previous: ClusterHandle | undefined): ClusterHandle {
  const context = merged.contexts.get(contextName);
  if (!context) {
    const known = [...merged.contexts.keys()];
    throw new RegistryError(`context "${contextName}" is not in the kubeconfig (known: ${known.length ? known.map((k) => `"${k}"`).join(', ') : 'none'})`);
  }
  const cluster = merged.clusters.get(context.cluster);
  if (!cluster) throw new RegistryError(`context "${contextName}" refers to cluster "${context.cluster}", which the kubeconfig does not define`);
  const user = merged.users.get(context.user);
  if (!user) throw new RegistryError(`context "${contextName}" refers to user "${context.user}", which the kubeconfig does not define`);
  if (!cluster.server) throw new RegistryError(`cluster "${cluster.name}" (context "${contextName}") has no server URL`);
  if (!URL.canParse(cluster.server)) throw new RegistryError(`cluster "${cluster.name}" (context "${contextName}") has an invalid server URL`);

  // One KubeConfig per cluster holding only its own context: clients read the current context on every
  // request, so a shared config with setCurrentContext would send one cluster's credentials to another.
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: context.name });
  const fingerprint = JSON.stringify([cluster, user, context]);
  const generation = previous && (previous as HandleWithFingerprint).fingerprint === fingerprint ? previous.generation : ++generationCounter;
  if (previous && previous.generation === generation) return previous;
  const handle: HandleWithFingerprint = {
    name: contextName,
    server: displayServer(cluster.server),
    generation,
    kc,
    state: new ClusterState(),
    fingerprint,
  };
  return handle;
}

/** A server URL without what must not be shown: user info, query and fragment. */
export function displayServer(server: string): string {
  try {
    const url = new URL(server);
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    return '(an invalid server URL)';
  }
}

interface HandleWithFingerprint extends ClusterHandle {
  fingerprint: string;
}

/** Builds a registry from a config. Throws RegistryError with a message fit for the operator. */
export function buildRegistry(config: ServerConfig, previous?: Registry): Registry {
  const merged = mergeKubeconfigs(config.kubeconfigPaths);
  const names = config.contexts.length ? config.contexts : [...merged.contexts.keys()];
  const clusters = names.map((n) => buildHandle(merged, n, previous?.get(n)));
  const byName = new Map(clusters.map((c) => [c.name, c]));
  return { clusters, get: (name) => byName.get(name), demo: config.demo, config };
}

/* Process-wide registry, rebuilt when the environment or a kubeconfig file's mtime/size changes. */
let current: { key: string; registry: Registry } | null = null;

function stamp(config: ServerConfig): string {
  const files = config.kubeconfigPaths.map((p) => {
    try {
      const st = fs.statSync(p);
      return `${p}:${st.mtimeMs}:${st.size}`;
    } catch {
      return `${p}:missing`;
    }
  });
  return JSON.stringify([config, files]);
}

/** The registry for the current environment; a changed kubeconfig is picked up on the next call. */
export function getRegistry(env: Env = process.env): Registry {
  const config = loadConfig(env);
  const key = stamp(config);
  if (current?.key === key) return current.registry;
  const registry = buildRegistry(config, current?.registry);
  // A handle not carried over (context removed, or its entry changed) leaves nothing behind.
  const kept = new Set(registry.clusters);
  for (const old of current?.registry.clusters ?? []) if (!kept.has(old)) old.state.close();
  current = { key, registry };
  return registry;
}
