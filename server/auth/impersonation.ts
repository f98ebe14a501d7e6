import 'server-only';
import type { ClientOptions } from 'ws';
import type https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterHandle, Registry } from '../k8s/registry';
import { ClusterState } from '../k8s/cluster-state';
import type { Identity } from './config';

/**
 * `--impersonate`: each signed-in person reads each cluster as themselves. The one place of the
 * transport every call goes through is KubeConfig.applyToHTTPSOptions (lists and reads in list-json.ts,
 * watches, port-forward's WebSocket, Prometheus through the service proxy): this KubeConfig adds
 * Impersonate-User and one Impersonate-Group header per group there. The cluster then checks that
 * Isthmus' own identity may impersonate, and authorizes the call as that person.
 */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly identity: Identity) {
    super();
  }

  override async applyToHTTPSOptions(opts: https.RequestOptions | ClientOptions): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const headers: Record<string, string | string[]> = { ...(opts.headers as Record<string, string | string[]> | undefined), 'Impersonate-User': this.identity.user };
    if (this.identity.groups.length) headers['Impersonate-Group'] = [...this.identity.groups];
    opts.headers = headers;
  }

  override async applySecurityAuthentication(): Promise<void> {
    // Generated clients copy headers one value each: several Impersonate-Group headers cannot pass.
    throw new Error('generated API clients are not used under impersonation');
  }
}

/** How many people's views of one cluster are kept; the least recently used is closed beyond that. */
const MAX_USERS_PER_CLUSTER = 100;

/**
 * The cluster as one person sees it: the same cluster entry, an impersonating KubeConfig and a state of
 * its own (caches, watches, forwards), so a person's view is never served from another's cache. Kept on
 * the cluster's own state (closed with it), most recently used last.
 */
export function userHandle(cluster: ClusterHandle, identity: Identity): ClusterHandle {
  const key = JSON.stringify([identity.user, [...identity.groups].sort()]);
  const users = cluster.state.users;
  let handle = users.get(key);
  if (handle) {
    users.delete(key);
  } else {
    const kc = new ImpersonatingKubeConfig(identity);
    kc.loadFromOptions({ clusters: cluster.kc.clusters, users: cluster.kc.users, contexts: cluster.kc.contexts, currentContext: cluster.kc.currentContext });
    handle = { ...cluster, kc, state: new ClusterState() };
    if (users.size >= MAX_USERS_PER_CLUSTER) {
      const [oldestKey, oldest] = users.entries().next().value as [string, ClusterHandle];
      oldest.state.close();
      users.delete(oldestKey);
    }
  }
  users.set(key, handle);
  return handle;
}

/** The registry as one person sees it: every usable cluster through userHandle. */
export function registryFor(registry: Registry, identity: Identity): Registry {
  const clusters = registry.clusters.map((c) => (c.configError ? c : userHandle(c, identity)));
  const byName = new Map(clusters.map((c) => [c.name, c]));
  return { ...registry, clusters, get: (name) => byName.get(name) };
}
