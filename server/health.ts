import 'server-only';
import { ConfigError } from './config';
import { getRegistry, noUsableCluster, RegistryError } from './k8s/registry';

/**
 * Probe answers for the kubelet (and anyone): /healthz says the process serves requests; /readyz says its
 * configuration is loaded (environment valid, at least one usable cluster). Neither
 * contacts a cluster: one cluster down must not take Isthmus out of its Service.
 */
export function readiness(): { ready: true } | { ready: false; reason: string } {
  try {
    const registry = getRegistry();
    const fatal = noUsableCluster(registry);
    if (fatal) return { ready: false, reason: fatal };
    return { ready: true };
  } catch (e) {
    if (e instanceof RegistryError || e instanceof ConfigError) return { ready: false, reason: e.message };
    console.error(`isthmus: readiness check failed (${e instanceof Error ? e.name : 'unknown'})`);
    return { ready: false, reason: 'the configuration could not be loaded' };
  }
}
