import 'server-only';
import { ConfigError } from './config';
import { getRegistry, noUsableCluster, type Registry } from './k8s/registry';

/**
 * What the terminal says when the server starts: every kubeconfig entry that cannot be served, and
 * whether anything can. A bad entry is a warning (the other clusters are served and the page shows its
 * error); no usable cluster at all is the one fatal state, said in full.
 */
export function startupReport(registry: Registry): { warnings: string[]; fatal: string | null; serving: string[] } {
  const warnings = [...registry.clusters.flatMap((c) => (c.configError ? [c.configError.message] : [])), ...registry.warnings.map((w) => `kubeconfig ${w}`)];
  return { warnings, fatal: noUsableCluster(registry), serving: registry.clusters.filter((c) => !c.configError).map((c) => c.name) };
}

/** Prints the startup report; called once from instrumentation.ts. Never throws: the page says the rest. */
export function reportConfiguration(log: (line: string) => void = console.error): void {
  let registry: Registry;
  try {
    registry = getRegistry();
  } catch (e) {
    log(`isthmus: ERROR ${e instanceof ConfigError ? e.message : 'the cluster configuration could not be read'}`);
    return;
  }
  const { warnings, fatal, serving } = startupReport(registry);
  for (const w of warnings) log(`isthmus: WARNING ${w}`);
  if (fatal) log(`isthmus: ERROR ${fatal} (every page says so until the kubeconfig is fixed; it is re-read on each request)`);
  else log(`isthmus: clusters served: ${serving.join(', ')}`);
}
