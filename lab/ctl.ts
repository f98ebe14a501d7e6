/**
 * Drives a running lab's faults: `tsx lab/ctl.ts --control <url> <command> ...`
 *   api-down <cluster> on|off          api-latency <cluster> <ms>
 *   forbid <cluster> <user> <verb> <resource> [namespace] on|off
 *   remote-sync <cluster> <remote> synced|syncing|timeout|closed
 *   eastwest-pending <cluster> on|off  istiod-not-ready <cluster> on|off  istiod-malformed <cluster> on|off
 *   endpoint-ejected|endpoint-draining <cluster> <namespace> <pod> on|off
 *   scale-workload <cluster> <namespace> <workload> <replicas>
 *   service-errors <cluster> <namespace> <service> <ratio 0-1> [code]
 *   prometheus-down <cluster> on|off   prometheus-latency <cluster> <ms>
 *   istiod-shard-empty <cluster> <istiod pod> <remote> on|off
 *   eds-stale <cluster> <namespace> <pod> on|off
 *   subset-unmatched <cluster> <namespace> <service> <subset> on|off
 *   sidecar-removed <cluster> <namespace> <workload> on|off
 *   faults                             requests
 */
import type { LabFault } from './world';

function usage(message: string): never {
  console.error(`ctl: ${message}`);
  console.error('usage: tsx lab/ctl.ts --control <url> <command> [args]   (see the header of lab/ctl.ts)');
  process.exit(2);
}

function onOff(word: string | undefined): boolean {
  if (word === 'on' || word === 'true') return true;
  if (word === 'off' || word === 'false') return false;
  usage(`expected on|off, got "${word}"`);
}

function toFault(command: string, a: string[]): LabFault {
  switch (command) {
    case 'api-down':
      return { type: 'api-down', cluster: a[0], down: onOff(a[1]) };
    case 'api-latency':
      return { type: 'api-latency', cluster: a[0], ms: Number(a[1]) };
    case 'forbid': {
      const namespace = a.length === 6 ? a[4] : undefined;
      return { type: 'forbid', cluster: a[0], user: a[1], verb: a[2], resource: a[3], ...(namespace ? { namespace } : {}), on: onOff(a[a.length - 1]) };
    }
    case 'remote-sync':
      return { type: 'remote-sync', cluster: a[0], remote: a[1], status: a[2] as 'synced' | 'syncing' | 'timeout' | 'closed' };
    case 'eastwest-pending':
      return { type: 'eastwest-pending', cluster: a[0], pending: onOff(a[1]) };
    case 'istiod-not-ready':
    case 'istiod-malformed':
      return { type: command, cluster: a[0], on: onOff(a[1]) };
    case 'endpoint-ejected':
    case 'endpoint-draining':
      return { type: command, cluster: a[0], namespace: a[1], pod: a[2], on: onOff(a[3]) };
    case 'scale-workload':
      return { type: 'scale-workload', cluster: a[0], namespace: a[1], workload: a[2], replicas: Number(a[3]) };
    case 'service-errors':
      return { type: 'service-errors', cluster: a[0], namespace: a[1], service: a[2], ratio: Number(a[3]), ...(a[4] ? { code: Number(a[4]) } : {}) };
    case 'prometheus-down':
      return { type: 'prometheus-down', cluster: a[0], down: onOff(a[1]) };
    case 'prometheus-latency':
      return { type: 'prometheus-latency', cluster: a[0], ms: Number(a[1]) };
    case 'istiod-shard-empty':
      return { type: 'istiod-shard-empty', cluster: a[0], replica: a[1], remote: a[2], on: onOff(a[3]) };
    case 'eds-stale':
      return { type: 'eds-stale', cluster: a[0], namespace: a[1], pod: a[2], on: onOff(a[3]) };
    case 'subset-unmatched':
      return { type: 'subset-unmatched', cluster: a[0], namespace: a[1], service: a[2], subset: a[3], on: onOff(a[4]) };
    case 'sidecar-removed':
      return { type: 'sidecar-removed', cluster: a[0], namespace: a[1], workload: a[2], on: onOff(a[3]) };
    default:
      usage(`unknown command "${command}"`);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--control');
  const control = at >= 0 ? args.splice(at, 2)[1] : process.env.LAB_CONTROL;
  if (!control) usage('--control <url> is required (printed by `npm run lab` as control=...)');
  const [command, ...rest] = args;
  if (!command) usage('no command');
  const response =
    command === 'faults' || command === 'requests'
      ? await fetch(`${control}/${command}`)
      : await fetch(`${control}/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(toFault(command, rest)) });
  console.log(JSON.stringify(await response.json(), null, 2));
  process.exit(response.ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(`ctl: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
