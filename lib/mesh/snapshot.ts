/**
 * What the server reads of one cluster, reduced to plain data: the input of the pure graph builder
 * (lib/topology) and of endpoint-target resolution (lib/mesh/targets). server/ builds these from
 * Kubernetes objects; tests build them by hand.
 */
import type { ClusterWatch, GatewayService, SourceError } from '../types/api';

export interface ServiceSnapshot {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string | null;
  /** kubectl style: "9080/TCP", "15021:31046/TCP". */
  ports: string[];
  /** spec.selector; null for selector-less Services. */
  selector: Record<string, string> | null;
  labels: Record<string, string>;
}

export interface PodSnapshot {
  namespace: string;
  name: string;
  ip: string | null;
  phase: string;
  ready: boolean;
  labels: Record<string, string>;
  nodeName: string | null;
  /** Has an istio-proxy container (sidecar) or is a gateway. */
  hasSidecar: boolean;
  /** Runs in the node's network namespace (its IP is the node's); absent when not. */
  hostNetwork?: true;
  /** The controller that owns the pod (its controlling owner reference); absent for a bare pod. */
  owner?: { kind: string; name: string };
}

export interface ClusterSnapshot {
  /** Context name (the cluster's key in URLs). */
  cluster: string;
  /** Istio cluster ID. */
  clusterId: string | null;
  /** Network of the cluster: istio-system's topology.istio.io/network label, or the east-west gateway's. */
  network: string | null;
  /** False when the cluster could not be read at all; the lists are then empty. */
  reachable: boolean;
  /** The first list of a kind has not completed yet: the lists are empty (absent when not). */
  syncing?: true;
  namespaces: string[];
  services: ServiceSnapshot[];
  pods: PodSnapshot[];
  /** Gateway Services in the Istio namespace (role, addresses, network). */
  gateways: GatewayService[];
  /** The API server's addresses ("ip:port", from default/kubernetes's endpoints); empty when unknown. */
  apiServerAddresses?: string[];
  errors: SourceError[];
  /** The state of the watch-fed cache the snapshot came from (absent in hand-built snapshots). */
  watch?: ClusterWatch;
}

/**
 * Whether a snapshot's list of a kind is complete: the cluster answered and that kind is neither still
 * syncing nor failing (a source error names the kinds it is about, e.g. "namespaces, pods").
 */
export function listed(s: ClusterSnapshot, kind: 'pods' | 'services' | 'namespaces'): boolean {
  return s.reachable && !s.errors.some((e) => e.source.split(/,\s*/).includes(kind));
}
