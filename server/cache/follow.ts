import 'server-only';
import { getRegistry, usableClusters } from '../k8s/registry';
import { clusterTopology } from '../topology-part';
import { clusterCache } from './cluster-cache';

/** How often the kubeconfig files are looked at for added or removed contexts. */
const FOLLOW_MS = 2000;

/**
 * Starts every usable cluster's watch-fed cache, and the topology part kept from it (server/topology-part.ts),
 * when the server starts (instrumentation.ts), and keeps
 * following the kubeconfig: a context added to the file gets its cache within FOLLOW_MS, a removed one
 * is dropped (getRegistry closes the state of a handle it no longer has), with no request needed.
 */
export function followKubeconfig(): void {
  const tick = () => {
    try {
      const registry = getRegistry();
      for (const c of usableClusters(registry)) {
        clusterCache(c);
        clusterTopology(c, registry);
      }
    } catch {
      // A kubeconfig that cannot be read is said by the startup report and every page; try again later.
    }
  };
  tick();
  setInterval(tick, FOLLOW_MS).unref();
}
