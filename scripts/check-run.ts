/**
 * The body of `npm run check` (scripts/check.mjs starts it with the cluster environment set, under the
 * react-server condition the server modules need). Prints the checks and exits 0 (nothing at or above
 * --fail-on), 1 (something) or 2 (could not run: bad kubeconfig, no cluster reachable).
 *   check-run.ts <table|json> <error|warning|info>
 */
import { checksExitCode, checksJson, checksTable } from '@/lib/checks/format';
import type { Severity } from '@/lib/checks/types';
import { getChecks } from '@/server/checks';
import { ConfigError } from '@/server/config';
import { resetClusterState } from '@/server/k8s/cluster-state';
import { getRegistry, RegistryError } from '@/server/k8s/registry';

async function main(): Promise<number> {
  const [output, failOn] = process.argv.slice(2) as ['table' | 'json', Severity];
  let registry;
  try {
    registry = getRegistry();
  } catch (e) {
    if (e instanceof RegistryError || e instanceof ConfigError) {
      console.error(`isthmus: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (registry.clusters.length === 0) {
    console.error('isthmus: the kubeconfig has no contexts');
    return 2;
  }
  const result = await getChecks(registry);
  if (result.clusters.every((c) => !c.ok)) {
    console.error(`isthmus: no cluster could be read (${result.clusters.map((c) => `${c.cluster}: ${c.errors[0]?.message ?? 'unreadable'}`).join('; ')})`);
    return 2;
  }
  process.stdout.write(output === 'json' ? checksJson(result) : checksTable(result));
  return checksExitCode(result.findings, failOn);
}

main()
  .then((code) => {
    resetClusterState();
    process.exit(code);
  })
  .catch((e: unknown) => {
    console.error(`isthmus: internal error (${e instanceof Error ? e.name : 'unknown'})`);
    process.exit(2);
  });
