/**
 * The churn knob: pods created and deleted at a steady rate in every cluster, through the same
 * scale-workload change the control endpoint offers (so watchers see real ADDED/DELETED events).
 * Each tick adds one replica to a cluster's next Deployment, the tick after removes it again.
 */
import type { KubeObject, World } from './world';

export function startChurn(world: World, podsPerSecondPerCluster: number): () => void {
  if (!(podsPerSecondPerCluster > 0)) return () => {};
  const deployments = world.resourceTypes().find((t) => t.group === 'apps' && t.resource === 'deployments');
  if (!deployments) return () => {};
  const state = world.clusters().map((c) => ({ cluster: c.name, next: 0, raised: null as KubeObject | null }));
  const tick = () => {
    for (const s of state) {
      if (s.raised) {
        const { namespace, name } = s.raised.metadata;
        world.applyFault({ type: 'scale-workload', cluster: s.cluster, namespace: namespace!, workload: name, replicas: replicasOf(s.raised) });
        s.raised = null;
        continue;
      }
      const list = world.list(s.cluster, deployments);
      if (!list.length) continue;
      const d = list[s.next++ % list.length];
      world.applyFault({ type: 'scale-workload', cluster: s.cluster, namespace: d.metadata.namespace!, workload: d.metadata.name, replicas: replicasOf(d) + 1 });
      s.raised = d;
    }
  };
  const timer = setInterval(tick, 1000 / podsPerSecondPerCluster);
  timer.unref();
  return () => clearInterval(timer);
}

function replicasOf(d: KubeObject): number {
  const n = (d.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof n === 'number' ? n : 1;
}
