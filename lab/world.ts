/**
 * The contract between the lab's two halves:
 *  - lab/model/  builds a World from a scenario (objects, istiod/Envoy servers, faults);
 *  - lab/kube/   serves it over real Kubernetes HTTPS (REST, Table, watch, port-forward).
 * The kube side never invents state; the model side never speaks HTTP framing of the API server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Kubernetes object as JSON (built-ins without apiVersion/kind inside lists; CRDs with them). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: unknown[];
    generateName?: string;
  };
  [field: string]: unknown;
}

/** Identifies a resource type as the API server does. group '' is the core group. */
export interface ResourceType {
  group: string; // '', 'apps', 'discovery.k8s.io', 'networking.istio.io', 'security.istio.io'
  version: string; // 'v1'
  resource: string; // plural: 'pods', 'services', ...
  kind: string; // 'Pod'
  namespaced: boolean;
  shortNames?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
  /** Cluster-wide resourceVersion (a counter per cluster) after this event. */
  resourceVersion: number;
}

/** A user of a cluster's API server, as the kubeconfig will hold it. */
export type LabCredential = { kind: 'cert'; commonName: string; groups?: string[] } | { kind: 'token'; token: string };

export interface LabUser {
  name: string; // kubeconfig user name, e.g. "cluster1-admin"
  credential: LabCredential;
}

/** A context written to the kubeconfig. */
export interface LabContext {
  name: string; // "cluster1-admin@cluster1"
  user: string;
}

/** Runtime-settable faults of one cluster (scenario `faults:` sets the initial values). */
export interface ClusterFaults {
  /** API server refuses connections (listener closed). */
  apiDown: boolean;
  /** Added latency on every API request, in ms. */
  latencyMs: number;
  /** 403s: each rule denies a verb on a resource (optionally one namespace) to a user ('*' = any). */
  forbid: Array<{ user: string; verb: string; resource: string; namespace?: string }>;
  /** The cluster's Prometheus (istio-system/prometheus) has no ready endpoint: its service proxy answers 503. */
  prometheusDown: boolean;
  /** Added latency on every request to the cluster's Prometheus through the service proxy, in ms. */
  prometheusLatencyMs: number;
}

export interface LabCluster {
  /** Istio cluster ID, also the kubeconfig cluster name: "cluster1". */
  name: string;
  kubernetesVersion: string; // "v1.29.4"
  users: LabUser[];
  contexts: LabContext[];
}

export interface World {
  readonly scenarioName: string;
  clusters(): LabCluster[];
  /** Resource types served by every cluster (for discovery). */
  resourceTypes(): ResourceType[];
  /** Current objects of a type, optionally in one namespace; sorted by namespace then name. */
  list(cluster: string, type: ResourceType, namespace?: string): KubeObject[];
  /** Current cluster-wide resourceVersion counter. */
  resourceVersion(cluster: string): number;
  /**
   * Events after `sinceResourceVersion` for this type, or 'gone' when that version is older than the
   * retained history (the API server answers 410 Gone).
   */
  eventsSince(cluster: string, type: ResourceType, sinceResourceVersion: number): WatchEvent[] | 'gone';
  /** Subscribe to future events of a type in a cluster; returns unsubscribe. */
  subscribe(cluster: string, type: ResourceType, listener: (ev: WatchEvent) => void): () => void;
  /** Faults of a cluster's API server (read by lab/kube on every request). */
  faults(cluster: string): ClusterFaults;
  /**
   * The HTTP handler a pod serves on a port (istiod 15014/8080, Envoy admin 15000), or null when the pod
   * does not listen there (the forward then fails as the kubelet's does). The request arrives as if
   * from 127.0.0.1 (port-forward) unless `viaApiServerProxy` is set (pods/proxy: istiod answers 401
   * on /debug/*, Envoy admin is unreachable).
   */
  podHandler(
    cluster: string,
    namespace: string,
    pod: string,
    port: number,
    opts?: { viaApiServerProxy?: boolean },
  ): ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /**
   * What a pod's metrics endpoint (`port`, `path`) would have answered at `atMs` (≤ now), had the mesh
   * run as it does now; null when it did not exist then or serves no metrics there. The lab's Prometheus
   * is backfilled from it (lab/prometheus/backfill.ts). Optional: a world without metrics has none.
   */
  metricsAt?(cluster: string, namespace: string, pod: string, port: number, path: string, atMs: number): string | null;
  /** Apply a fault or a state change at run time (see lab/model/faults.ts for the vocabulary). */
  applyFault(fault: LabFault): void;
}

/** Everything the control endpoint and scenario `faults:` can change. */
export type LabFault =
  | { type: 'api-down'; cluster: string; down: boolean }
  | { type: 'api-latency'; cluster: string; ms: number }
  | { type: 'forbid'; cluster: string; user: string; verb: string; resource: string; namespace?: string; on: boolean }
  | { type: 'remote-sync'; cluster: string; remote: string; status: 'synced' | 'syncing' | 'timeout' | 'closed' }
  | { type: 'eastwest-pending'; cluster: string; pending: boolean }
  | { type: 'endpoint-ejected'; cluster: string; namespace: string; pod: string; on: boolean }
  | { type: 'endpoint-draining'; cluster: string; namespace: string; pod: string; on: boolean }
  | { type: 'istiod-not-ready'; cluster: string; on: boolean }
  | { type: 'istiod-malformed'; cluster: string; on: boolean }
  | { type: 'scale-workload'; cluster: string; namespace: string; workload: string; replicas: number }
  /** The service's workloads in `cluster` answer `code` (default 503) to `ratio` of their requests (0 ends it). */
  | { type: 'service-errors'; cluster: string; namespace: string; service: string; ratio: number; code?: number }
  | { type: 'prometheus-down'; cluster: string; down: boolean }
  | { type: 'prometheus-latency'; cluster: string; ms: number }
  | MisconfigFault
  | PathFault;

/** Misconfigurations the mesh checks find (lab/model/misconfig.ts applies them; docs/lab.md lists them). */
export type MisconfigFault =
  | { type: 'root-ca'; cluster: string; ca: string | null }
  | { type: 'root-expiry'; cluster: string; days: number | null }
  | { type: 'network-label-missing'; cluster: string; on: boolean }
  | { type: 'eastwest-missing'; cluster: string; on: boolean }
  | { type: 'eastwest-port-missing'; cluster: string; on: boolean }
  | { type: 'cross-network-gateway-missing'; cluster: string; on: boolean }
  | { type: 'istiod-gateway-missing'; cluster: string; on: boolean }
  | { type: 'node-pod-cidr'; cluster: string; cidr: string | null }
  | { type: 'remote-secret'; cluster: string; remote: string; present: boolean; id?: string }
  | { type: 'cluster-id'; cluster: string; id: string | null }
  | { type: 'trust-domain'; cluster: string; trustDomain: string | null }
  | { type: 'mesh-id'; cluster: string; meshId: string | null }
  | { type: 'dns-capture-off'; cluster: string; on: boolean }
  | { type: 'istiod-version'; cluster: string; version: string | null }
  | { type: 'service-ports'; cluster: string; namespace: string; name: string; ports: number[] | null }
  | { type: 'service-absent'; cluster: string; namespace: string; name: string; on: boolean }
  | { type: 'failover-without-outlier'; cluster: string; namespace: string; service: string; on: boolean }
  | { type: 'xds'; cluster: string; namespace: string; pod: string; xdsType: 'cds' | 'lds' | 'rds' | 'eds'; status: 'synced' | 'stale' | 'never-acked' | 'not-sent' | 'error' };

/**
 * Faults along one request's path, the links a reachability trace points at (lab/model/path-faults.ts):
 * one istiod replica's shard for a remote cluster empty, a proxy that stopped acking EDS, a
 * DestinationRule subset no pod carries, a workload without its sidecar.
 */
export type PathFault =
  | { type: 'istiod-shard-empty'; cluster: string; replica: string; remote: string; on: boolean }
  | { type: 'eds-stale'; cluster: string; namespace: string; pod: string; on: boolean }
  | { type: 'subset-unmatched'; cluster: string; namespace: string; service: string; subset: string; on: boolean }
  | { type: 'sidecar-removed'; cluster: string; namespace: string; workload: string; on: boolean };
