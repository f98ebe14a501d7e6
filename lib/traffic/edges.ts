/**
 * Puts traffic on the topology's edges (pure). Flows carry Istio cluster IDs; the topology names
 * clusters by context, its cluster nodes holding the ID. A flow from cluster A's service to a workload
 * of cluster B lands on the edge the topology drew for that hop:
 *  - service:A → workload:B (`local`, `cross-cluster`, `unroutable`), or
 *  - service:A → gateway:B and gateway:B → workload:B (`east-west`): the request crossed B's gateway.
 * Requests without a destination (`unknown`) reach no edge; the matrix shows them.
 */
import type { TopologyEdge, TopologyNode } from '../types/api';
import type { TrafficFlow } from '../types/traffic';
import { edgeId } from '../topology/edge-id';

export interface EdgeTraffic {
  rps: number;
  errorRps: number;
}

/** Error-rate thresholds (share of requests): the legend prints them. */
export const ERROR_THRESHOLDS = { warn: 0.01, fail: 0.1 } as const;

export type TrafficHealth = 'idle' | 'ok' | 'warn' | 'fail';

export function trafficHealth(t: EdgeTraffic | undefined): TrafficHealth {
  if (!t || t.rps <= 0) return 'idle';
  const ratio = t.errorRps / t.rps;
  return ratio >= ERROR_THRESHOLDS.fail ? 'fail' : ratio >= ERROR_THRESHOLDS.warn ? 'warn' : 'ok';
}

export function formatRps(rps: number): string {
  return rps >= 100 ? rps.toFixed(0) : rps >= 10 ? rps.toFixed(1) : rps >= 0.01 ? rps.toFixed(2) : rps > 0 ? '<0.01' : '0';
}

export function formatErrorPercent(t: EdgeTraffic): string {
  if (t.rps <= 0) return '–';
  const p = (100 * t.errorRps) / t.rps;
  return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : `${p.toFixed(p >= 10 ? 0 : 1)}%`;
}

/** "12.3 rps · 4.0% err" (errors left out when none). */
export function trafficLabel(t: EdgeTraffic): string {
  return t.errorRps > 0 ? `${formatRps(t.rps)} rps · ${formatErrorPercent(t)} err` : `${formatRps(t.rps)} rps`;
}

export function edgeTraffic(topology: { nodes: readonly TopologyNode[]; edges: readonly TopologyEdge[] }, flows: readonly TrafficFlow[]): Map<string, EdgeTraffic> {
  const contextOf = new Map<string, string>();
  for (const n of topology.nodes) if (n.kind === 'cluster') contextOf.set(n.clusterId ?? n.cluster, n.cluster);
  const edgesById = new Map(topology.edges.map((e) => [edgeId(e), e]));
  // East-west edges out of a service, by the gateway's cluster.
  const eastWestOut = new Map<string, TopologyEdge[]>();
  for (const e of topology.edges) {
    if (e.kind !== 'east-west' || !e.source.startsWith('svc:')) continue;
    const list = eastWestOut.get(e.source);
    if (list) list.push(e);
    else eastWestOut.set(e.source, [e]);
  }
  const gatewayCluster = (id: string) => topology.nodes.find((n) => n.id === id)?.cluster;
  const out = new Map<string, EdgeTraffic>();
  const add = (id: string, f: TrafficFlow) => {
    const t = out.get(id) ?? { rps: 0, errorRps: 0 };
    t.rps += f.rps;
    t.errorRps += f.errorRps;
    out.set(id, t);
  };
  for (const f of flows) {
    const from = contextOf.get(f.sourceCluster);
    const to = contextOf.get(f.destinationCluster);
    if (!from || !to) continue;
    const service = `svc:${from}:${f.serviceNamespace}:${f.serviceName}`;
    const version = f.destinationVersion === 'unknown' ? 'unversioned' : f.destinationVersion;
    const workload = `wl:${to}:${f.destinationNamespace}:${f.destinationApp}:${version}`;
    const direct = `${service}->${workload}`;
    if (edgesById.has(direct)) {
      add(direct, f);
      continue;
    }
    const viaGateway = (eastWestOut.get(service) ?? []).find((e) => gatewayCluster(e.target) === to);
    if (!viaGateway) continue;
    add(edgeId(viaGateway), f);
    const inner = `${viaGateway.target}->${workload}`;
    if (edgesById.has(inner)) add(inner, f);
  }
  return out;
}
