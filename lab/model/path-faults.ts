/**
 * Faults along one request's path: the broken links a reachability trace points at (istio#38440: one
 * istiod replica pushing empty remote endpoints; istio#49412: proxies whose endpoints differ). Their state
 * lives on the Mesh; eds.ts, istiod.ts and objects.ts read it. Applied here rather than in Mesh.apply
 * because freezing a proxy's EDS needs the EDS model.
 */
import type { PathFault } from '../world';
import { outboundClusters } from './eds';
import type { Mesh } from './mesh';

/** Whether the fault changes Kubernetes objects (the world re-renders and diffs that cluster). */
export function pathFaultChangesObjects(fault: PathFault): boolean {
  return fault.type === 'subset-unmatched' || fault.type === 'sidecar-removed';
}

/** Applies a path fault; returns the clusters whose Kubernetes objects may have changed. */
export function applyPathFault(mesh: Mesh, fault: PathFault, nowMs: number): string[] {
  const cluster = mesh.cluster(fault.cluster); // unknown cluster ⇒ throws
  switch (fault.type) {
    case 'istiod-shard-empty': {
      if (!mesh.istiodReplicas(fault.cluster).some((p) => p.name === fault.replica)) throw new Error(`unknown istiod replica ${fault.replica} in ${fault.cluster}`);
      mesh.cluster(fault.remote);
      toggle(mesh.emptyShards, `${fault.cluster}/${fault.replica}/${fault.remote}`, fault.on);
      break;
    }
    case 'eds-stale': {
      const pod = mesh.findPod(fault.cluster, fault.namespace, fault.pod);
      if (!pod?.proxy) throw new Error(`no proxy ${fault.namespace}/${fault.pod} in ${fault.cluster}`);
      const key = `${fault.cluster}/${fault.namespace}/${fault.pod}`;
      // The proxy keeps the endpoints it has now, whatever istiod pushes later.
      if (fault.on) mesh.frozenEds.set(key, outboundClusters(mesh, pod, nowMs));
      else mesh.frozenEds.delete(key);
      break;
    }
    case 'subset-unmatched': {
      if (!cluster.services.some((s) => s.namespace === fault.namespace && s.name === fault.service)) throw new Error(`unknown service ${fault.namespace}/${fault.service} in ${fault.cluster}`);
      const key = `${fault.cluster}/${fault.namespace}/${fault.service}`;
      const subsets = (mesh.extraSubsets.get(key) ?? []).filter((s) => s !== fault.subset);
      if (fault.on) subsets.push(fault.subset);
      if (subsets.length > 0) mesh.extraSubsets.set(key, subsets);
      else mesh.extraSubsets.delete(key);
      break;
    }
    case 'sidecar-removed': {
      const workload = cluster.workloads.find((w) => w.namespace === fault.namespace && w.name === fault.workload && w.role === 'workload');
      if (!workload) throw new Error(`unknown workload ${fault.namespace}/${fault.workload} in ${fault.cluster}`);
      const spec = mesh.scenario.workloads.find((w) => w.cluster === fault.cluster && w.namespace === fault.namespace && w.name === fault.workload);
      const injected = mesh.scenario.namespaces.find((n) => n.name === fault.namespace)?.injection ?? false;
      // Off restores what the scenario injects (the workload's own setting, else its namespace's label).
      const sidecar = fault.on ? false : (spec?.sidecar ?? injected);
      workload.proxy = workload.sidecar = sidecar;
      for (const pod of workload.pods) pod.proxy = pod.sidecar = sidecar;
      break;
    }
  }
  mesh.generation++;
  return pathFaultChangesObjects(fault) ? [fault.cluster] : [];
}

function toggle(set: Set<string>, key: string, on: boolean): void {
  if (on) set.add(key);
  else set.delete(key);
}
