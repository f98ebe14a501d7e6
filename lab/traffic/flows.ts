/**
 * Flows: the scenario's `traffic:` resolved against the mesh as it is now. A caller pod reaches a
 * service's endpoints as its istiod's EDS gives them (eds.ts): every ready, non-ejected endpoint of every
 * cluster the caller's istiod reads, one equal share each (Envoy's default balancing; a network
 * gateway host carries its endpoints' summed weight). An endpoint on another network is reached through
 * that network's east-west gateway; without one the caller dials a raw remote pod IP and the request
 * fails with 503 `UF` before any peer answers, so its destination is `unknown` (as Istio reports it).
 */
import { networkGateways, serviceEndpoints, visibleServices } from '../model/eds';
import { serviceHostname, type Mesh, type MeshPod } from '../model/mesh';
import type { TrafficSpec } from './spec';

export interface Flow {
  spec: TrafficSpec;
  source: MeshPod;
  hostname: string;
  service: { name: string; namespace: string };
  /** null: the request never reached a peer (destination labels `unknown`). */
  destination: MeshPod | null;
  /** Requests (tcp: connections) per second of this slice. */
  rps: number;
  responseCode: number;
  /** gRPC status ("" for plain HTTP and tcp). */
  grpcStatus: string;
  /** Envoy response flags ("-" when none). */
  responseFlags: string;
}

export interface FlowIndex {
  /** Flows by the pod that reports them: "<cluster>/<namespace>/<pod>". */
  bySource: Map<string, Flow[]>;
  byDestination: Map<string, Flow[]>;
}

export const podKey = (p: MeshPod) => `${p.cluster}/${p.namespace}/${p.name}`;

interface Target {
  pod: MeshPod;
  reachable: boolean;
}

/** The endpoints a caller in `cluster` reaches for a service, with whether the path exists. */
function targetsOf(mesh: Mesh, cluster: string, name: string, namespace: string, nowMs: number): Target[] | null {
  const visible = mesh.visibleClusters(cluster);
  const services = visibleServices(mesh, visible).get(serviceHostname(name, namespace));
  if (!services) return null; // the name does not resolve: no request is made
  const callerNetwork = mesh.cluster(cluster).network;
  const gatewayNetworks = new Set(networkGateways(mesh, visible).map((g) => g.network));
  const targets: Target[] = [];
  for (const svc of services) {
    const network = mesh.cluster(svc.cluster).network;
    for (const ep of serviceEndpoints(mesh, svc, svc.ports[0], nowMs)) {
      if (!ep.ready || ep.ejected || !ep.pod) continue;
      if (network === callerNetwork) targets.push({ pod: ep.pod, reachable: true });
      else if (!gatewayNetworks.has(network)) targets.push({ pod: ep.pod, reachable: false });
      else if (ep.tlsMode === 'istio') targets.push({ pod: ep.pod, reachable: true });
    }
  }
  return targets;
}

/** Outcomes of requests that reached `destination`: a service-errors fault first, then the declared errors. */
function outcomes(mesh: Mesh, spec: TrafficSpec, destination: MeshPod, service: { name: string; namespace: string }) {
  const fault = mesh.serviceErrors.get(`${destination.cluster}/${service.namespace}/${service.name}`);
  const faultRatio = fault?.ratio ?? 0;
  const grpc = spec.protocol === 'grpc';
  const list: Array<{ share: number; code: number; grpc: string }> = [];
  if (faultRatio > 0) list.push({ share: faultRatio, code: fault!.code, grpc: grpc ? '14' : '' });
  const rest = 1 - faultRatio;
  if (spec.errorRatio > 0 && spec.protocol !== 'tcp') {
    list.push(grpc ? { share: rest * spec.errorRatio, code: 200, grpc: String(spec.grpcStatus) } : { share: rest * spec.errorRatio, code: spec.errorCode, grpc: '' });
  }
  list.push({ share: rest * (spec.protocol === 'tcp' ? 1 : 1 - spec.errorRatio), code: 200, grpc: grpc ? '0' : '' });
  return list.filter((o) => o.share > 0);
}

function callers(mesh: Mesh, spec: TrafficSpec, nowMs: number): MeshPod[] {
  const clusters = spec.from.cluster ? [spec.from.cluster] : [...mesh.clusters.keys()];
  return clusters.flatMap((c) => mesh.pods(c).filter((p) => p.namespace === spec.from.namespace && p.app === spec.from.app && mesh.podReady(p, nowMs)));
}

export function computeFlows(mesh: Mesh, nowMs: number): Flow[] {
  const flows: Flow[] = [];
  for (const spec of mesh.scenario.traffic) {
    const [name, namespace] = spec.to.split('.');
    const service = { name, namespace };
    const hostname = serviceHostname(name, namespace);
    const sources = callers(mesh, spec, nowMs);
    for (const source of sources) {
      const perSource = spec.rps / sources.length;
      const targets = targetsOf(mesh, source.cluster, name, namespace, nowMs);
      if (!targets) continue;
      const base = { spec, source, hostname, service };
      if (targets.length === 0) {
        flows.push({ ...base, destination: null, rps: perSource, responseCode: 503, grpcStatus: spec.protocol === 'grpc' ? '14' : '', responseFlags: 'UH' });
        continue;
      }
      for (const t of targets) {
        const rps = perSource / targets.length;
        if (!t.reachable) {
          flows.push({ ...base, destination: null, rps, responseCode: 503, grpcStatus: spec.protocol === 'grpc' ? '14' : '', responseFlags: 'UF' });
          continue;
        }
        for (const o of outcomes(mesh, spec, t.pod, service)) {
          flows.push({ ...base, destination: t.pod, rps: rps * o.share, responseCode: o.code, grpcStatus: o.grpc, responseFlags: '-' });
        }
      }
    }
  }
  return flows;
}

/**
 * computeFlows indexed by reporting pod, recomputed when the mesh changes or a starting pod becomes
 * ready (the only changes with time alone).
 */
export class FlowCache {
  private cached: { generation: number; validUntilMs: number; index: FlowIndex } | null = null;

  constructor(private readonly mesh: Mesh) {}

  index(nowMs: number): FlowIndex {
    if (this.cached && this.cached.generation === this.mesh.generation && nowMs < this.cached.validUntilMs) return this.cached.index;
    const index: FlowIndex = { bySource: new Map(), byDestination: new Map() };
    const add = (map: Map<string, Flow[]>, k: string, f: Flow) => {
      const list = map.get(k);
      if (list) list.push(f);
      else map.set(k, [f]);
    };
    for (const f of computeFlows(this.mesh, nowMs)) {
      add(index.bySource, podKey(f.source), f);
      if (f.destination) add(index.byDestination, podKey(f.destination), f);
    }
    let validUntilMs = Infinity;
    for (const c of this.mesh.clusters.keys()) for (const p of this.mesh.pods(c)) if (p.startingUntilMs > nowMs) validUntilMs = Math.min(validUntilMs, p.startingUntilMs);
    this.cached = { generation: this.mesh.generation, validUntilMs, index };
    return index;
  }
}
