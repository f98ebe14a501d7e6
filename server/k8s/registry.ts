import 'server-only';
import fs from 'node:fs';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import type { SourceError } from '@/lib/types/api';
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
  /**
   * Why this kubeconfig entry cannot be used (unknown context, missing cluster or user, unreadable file),
   * null for a usable one. Every read of an unusable cluster answers this error at once (server/fanout.ts),
   * so it is that cluster's card and banner line while the others are served.
   */
  configError: SourceError | null;
}

export interface Registry {
  /** Every configured cluster in kubeconfig order, unusable ones (configError set) included. */
  clusters: ClusterHandle[];
  /** Looks a cluster up by its exact (decoded) context name. */
  get(name: string): ClusterHandle | undefined;
  demo: boolean;
  config: ServerConfig;
  /** Kubeconfig files that could not be read while named contexts were all found: said at start, not fatal. */
  warnings: string[];
}

/** A kubeconfig problem the operator must fix; the message names the file and entry, never secrets. */
export class RegistryError extends Error {}

interface Merged {
  contexts: Map<string, Context>;
  clusters: Map<string, Cluster>;
  users: Map<string, User>;
  currentContext: string;
  /** Files that could not be used, with why: "file:line:col: reason", "file does not exist". */
  unreadable: Array<{ file: string; problem: string }>;
}

function duplicates(names: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(names.filter((n) => (seen.has(n) ? true : (seen.add(n), false))))];
}

/** "file:line:col: reason" for a YAML error (js-yaml marks are 0-based), else the first line of the message. */
function parseProblem(file: string, e: unknown): string {
  const mark = (e as { mark?: { line?: unknown; column?: unknown }; reason?: unknown } | null)?.mark;
  const reason = (e as { reason?: unknown }).reason;
  if (mark && typeof mark.line === 'number' && typeof mark.column === 'number' && typeof reason === 'string') {
    return `${file}:${mark.line + 1}:${mark.column + 1}: ${reason.slice(0, 200)}`;
  }
  // Only the first line: js-yaml follows it with a snippet of the file, which may hold a credential.
  // client-node's own validation errors name the missing field, never a value.
  const why = e instanceof Error ? e.message.split('\n')[0].slice(0, 200) : 'unreadable';
  return `${file}: ${why}`;
}

/** Reads one kubeconfig file; a problem is returned as text, never thrown: one bad file must not hide the others. */
function readKubeconfig(file: string): KubeConfig | string {
  if (!fs.existsSync(file)) return `${file} does not exist`;
  const kc = new KubeConfig();
  try {
    // loadFromFile also makes certificate, key and exec command paths absolute relative to the file.
    kc.loadFromFile(file);
  } catch (e) {
    return parseProblem(file, e);
  }
  for (const [kind, names] of [
    ['context', kc.contexts.map((c) => c.name)],
    ['cluster', kc.clusters.map((c) => c.name)],
    ['user', kc.users.map((u) => u.name)],
  ] as const) {
    // YAML turns `name: true` or `name: 1` into a boolean or number, which client-node keeps as is.
    if (names.some((n) => typeof n !== 'string')) return `${file}: a ${kind} name is not a string (quote it)`;
    const dup = duplicates(names);
    if (dup.length) return `${file}: duplicate ${kind} name${dup.length > 1 ? 's' : ''} ${dup.map((d) => `"${d}"`).join(', ')}`;
  }
  return kc;
}

/** Merges kubeconfig files as kubectl does (the first definition of a name wins), keeping what could not be read. */
function mergeKubeconfigs(paths: string[]): Merged {
  const merged: Merged = { contexts: new Map(), clusters: new Map(), users: new Map(), currentContext: '', unreadable: [] };
  for (const file of paths) {
    const kc = readKubeconfig(file);
    if (typeof kc === 'string') {
      merged.unreadable.push({ file, problem: kc });
      continue;
    }
    for (const c of kc.contexts) if (!merged.contexts.has(c.name)) merged.contexts.set(c.name, c);
    for (const c of kc.clusters) if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, c);
    for (const u of kc.users) if (!merged.users.has(u.name)) merged.users.set(u.name, u);
    if (!merged.currentContext && kc.currentContext) merged.currentContext = kc.currentContext;
  }
  return merged;
}

let generationCounter = 0;

function buildHandle(merged: Merged, contextName: string, previous: ClusterHandle | undefined): ClusterHandle {
  const context = merged.contexts.get(contextName);
  if (!context) {
    const known = [...merged.contexts.keys()];
    const unread = merged.unreadable.length ? `; not read: ${merged.unreadable.map((u) => u.problem).join('; ')}` : '';
    throw new RegistryError(`context "${contextName}" is not in the kubeconfig (known: ${known.length ? known.map((k) => `"${k}"`).join(', ') : 'none'}${unread})`);
  }
  const cluster = merged.clusters.get(context.cluster);
  if (!cluster) throw new RegistryError(`context "${contextName}" refers to cluster "${context.cluster}", which the kubeconfig does not define`);
  const user = merged.users.get(context.user);
  if (!user) throw new RegistryError(`context "${contextName}" refers to user "${context.user}", which the kubeconfig does not define`);
  if (!cluster.server) throw new RegistryError(`cluster "${cluster.name}" (context "${contextName}") has no server URL`);
  if (!URL.canParse(cluster.server)) throw new RegistryError(`cluster "${cluster.name}" (context "${contextName}") has an invalid server URL`);

  return makeHandle(contextName, cluster, user, context, JSON.stringify([cluster, user, context]), previous);
}

/**
 * One KubeConfig per cluster holding only its own context: clients read the current context on every
 * request, so a shared config with setCurrentContext would send one cluster's credentials to another.
 * The previous handle is kept (with its caches) while its fingerprint is unchanged.
 */
function makeHandle(name: string, cluster: Cluster, user: User, context: Context, fingerprint: string, previous: ClusterHandle | undefined): ClusterHandle {
  if (previous && (previous as HandleWithFingerprint).fingerprint === fingerprint) return previous;
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: context.name });
  const handle: HandleWithFingerprint = {
    name,
    server: displayServer(cluster.server),
    generation: ++generationCounter,
    kc,
    state: new ClusterState(),
    configError: null,
    fingerprint,
  };
  return handle;
}

/** The ServiceAccount token file of a pod (below `root`, which the lab sets; '' in a real pod). */
export function inClusterTokenFile(root: string): string {
  return `${root}/var/run/secrets/kubernetes.io/serviceaccount/token`;
}

/**
 * The cluster Isthmus runs in, as client-node's loadFromCluster reads it (KUBERNETES_SERVICE_HOST/PORT,
 * the mounted token and CA), served under `name`. The token file's stamp is part of the fingerprint:
 * when the kubelet rotates the token, the next request gets a new handle whose client reads the new one.
 */
function inClusterHandle(name: string, root: string, env: Env, previous: ClusterHandle | undefined): ClusterHandle {
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
    throw new RegistryError('in-cluster mode: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod?)');
  }
  const tokenFile = inClusterTokenFile(root);
  const tokenStamp = fileStamp(tokenFile);
  if (tokenStamp.endsWith(':missing')) throw new RegistryError(`in-cluster mode: no ServiceAccount token at ${tokenFile} (automountServiceAccountToken off?)`);
  const loaded = new KubeConfig();
  loaded.loadFromCluster(root);
  const [cluster, user, context] = [loaded.clusters[0], loaded.users[0], loaded.contexts[0]];
  const named = { cluster: { ...cluster, name }, context: { ...context, name, cluster: name } };
  return makeHandle(name, named.cluster, user, named.context, JSON.stringify([named, user, tokenStamp]), previous);
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

/** A configured name that cannot be served: every read answers its error (server/fanout.ts), its kc is empty. */
function unusableHandle(name: string, message: string): ClusterHandle {
  return {
    name,
    server: '',
    generation: ++generationCounter,
    kc: new KubeConfig(),
    state: new ClusterState(),
    configError: { kind: 'config', message, source: 'the kubeconfig' },
  };
}

function handleOrError(merged: Merged, contextName: string, previous: ClusterHandle | undefined): ClusterHandle {
  try {
    return buildHandle(merged, contextName, previous?.configError ? undefined : previous);
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    return unusableHandle(contextName, `${contextName}: ${e.message}`);
  }
}

/** The in-cluster handle, or an unusable one saying why (not in a pod, no token, a name clash). */
function inClusterOrError(name: string, root: string, env: Env, contexts: string[], previous: ClusterHandle | undefined): ClusterHandle {
  if (contexts.includes(name)) return unusableHandle(name, `the in-cluster name "${name}" is also a kubeconfig context: rename one`);
  try {
    return inClusterHandle(name, root, env, previous?.configError ? undefined : previous);
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    return unusableHandle(name, `${name}: ${e.message}`);
  }
}

interface HandleWithFingerprint extends ClusterHandle {
  fingerprint: string;
}

/**
 * Builds a registry from a config. A bad entry never fails the others: an unknown context, a missing
 * cluster or user, or (when every context is served) an unreadable file becomes an unusable cluster
 * whose error says why. Named contexts already carry the unreadable files in their "not in the
 * kubeconfig" message.
 */
export function buildRegistry(config: ServerConfig, previous?: Registry, env: Env = process.env): Registry {
  const merged = mergeKubeconfigs(config.kubeconfigPaths);
  const named = config.contexts.length > 0;
  const names = named ? config.contexts : [...merged.contexts.keys()];
  const clusters = names.map((n) => handleOrError(merged, n, previous?.get(n)));
  if (config.inCluster) clusters.unshift(inClusterOrError(config.inCluster, config.inClusterRoot ?? '', env, names, previous?.get(config.inCluster)));
  if (!named) clusters.push(...merged.unreadable.map((u) => unusableHandle(`kubeconfig ${u.file}`, `kubeconfig ${u.problem}; its contexts are not served`)));
  const byName = new Map(clusters.map((c) => [c.name, c]));
  // Unreadable files are said once: in a missing context's message when there is one, else as warnings.
  const said = clusters.some((c) => c.configError?.message.includes('; not read: '));
  return { clusters, get: (name) => byName.get(name), demo: config.demo, config, warnings: named && !said ? merged.unreadable.map((u) => u.problem) : [] };
}

/** The clusters that can be read. */
export function usableClusters(registry: Registry): ClusterHandle[] {
  return registry.clusters.filter((c) => !c.configError);
}

/**
 * Why nothing can be served, or null when at least one cluster is usable: the one fatal configuration
 * state, said in full (every entry's reason), for the terminal and the page.
 */
export function noUsableCluster(registry: Registry): string | null {
  if (usableClusters(registry).length > 0) return null;
  const reasons = [...registry.clusters.map((c) => c.configError!.message), ...registry.warnings];
  const files = registry.config.kubeconfigPaths.join(', ');
  return reasons.length
    ? `no usable cluster: ${reasons.join('; ')}`
    : `no usable cluster: the kubeconfig (${files}) has no contexts`;
}

/**
 * Process-wide registry, rebuilt when the environment or a kubeconfig file's mtime/size changes. It
 * lives on globalThis, not in this module: Next bundles instrumentation.ts (which starts every
 * cluster's watch-fed cache) apart from the routes, each with its own copy of this module, and two
 * registries meant two sets of handles, so every cluster was listed and watched twice.
 */
const REGISTRY = Symbol.for('isthmus.registry');
const processWide = globalThis as { [REGISTRY]?: { key: string; registry: Registry } };

function fileStamp(p: string): string {
  try {
    const st = fs.statSync(p);
    return `${p}:${st.mtimeMs}:${st.size}`;
  } catch {
    return `${p}:missing`;
  }
}

function stamp(config: ServerConfig, env: Env): string {
  const files = config.kubeconfigPaths.map(fileStamp);
  const inCluster = !config.inCluster ? [] : [env.KUBERNETES_SERVICE_HOST, env.KUBERNETES_SERVICE_PORT, fileStamp(inClusterTokenFile(config.inClusterRoot ?? ''))];
  return JSON.stringify([config, files, inCluster]);
}

/** The registry for the current environment; a changed kubeconfig is picked up on the next call. */
export function getRegistry(env: Env = process.env): Registry {
  const config = loadConfig(env);
  const key = stamp(config, env);
  const current = processWide[REGISTRY];
  if (current?.key === key) return current.registry;
  const registry = buildRegistry(config, current?.registry, env);
  // A handle not carried over (context removed, or its entry changed) leaves nothing behind.
  const kept = new Set(registry.clusters);
  for (const old of current?.registry.clusters ?? []) if (!kept.has(old)) old.state.close();
  processWide[REGISTRY] = { key, registry };
  return registry;
}
