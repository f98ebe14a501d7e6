import 'server-only';
import type { PodSnapshot, ServiceSnapshot } from '@/lib/mesh/snapshot';
import type { GatewayService } from '@/lib/types/api';
import type { DestinationRuleFacts, IstioGatewayFacts } from '@/lib/checks/types';
import { clusterIdFromIstiods, gatewayService, istioConfigPath, ISTIO_NAMESPACE, isIstiodPod, podSnapshot, serviceSnapshot } from '../k8s/convert';
import { ConfigMapShape, DestinationRuleShape, IstioGatewayShape, NamespaceShape, PodShape, ServiceShape, type KubeConfigMap, type KubePod } from '../k8s/shapes';
import { decodePodList } from '../k8s/pod-protobuf';
import { declareKind, type KindDeclaration } from './kind';

/**
 * The kinds the watch-fed cache keeps, one declaration each: list/watch path and the fields kept.
 * A new kind plugs in here (and CACHED_KINDS below) and in ClusterCache's kind list.
 */

export interface NamespaceEntry {
  name: string;
  labels: Record<string, string>;
  /** The mesh checks read istio-system's (topology.istio.io/controlPlaneClusters). */
  annotations: Record<string, string>;
}

export type PodEntry = PodSnapshot & {
  /** istiod's CLUSTER_ID env, for istiod pods in the Istio namespace. */
  istiodClusterId?: string | null;
  /** An istiod pod of the Istio namespace as its shape keeps it (image, ports, env): /api/mesh and the checks read its replicas. */
  istiod?: KubePod;
};

export interface ServiceEntry {
  service: ServiceSnapshot;
  /** The Service as a gateway, when it is one. */
  gateway: GatewayService | null;
}

export const NAMESPACES = declareKind({
  name: 'namespaces',
  path: '/api/v1/namespaces',
  shape: NamespaceShape,
  keep: (ns): NamespaceEntry | null => (ns.metadata?.name ? { name: ns.metadata.name, labels: { ...(ns.metadata.labels ?? {}) }, annotations: { ...(ns.metadata.annotations ?? {}) } } : null),
});

/** An istiod pod of the Istio namespace: the cache keeps all of its shape (image, env, annotations). */
const isIstioIstiod = (pod: KubePod) => (pod.metadata?.namespace ?? '') === ISTIO_NAMESPACE && isIstiodPod(pod);

export const PODS = declareKind({
  name: 'pods',
  path: '/api/v1/pods',
  shape: PodShape,
  // 95 % of a cluster's bytes: read as client-go does, in protobuf (a page costs a fraction of its JSON),
  // whole only for istiod's pods; of the others, what podSnapshot reads.
  protobuf: (body, what, each) => decodePodList(body, what, each, isIstioIstiod),
  keep: (pod): PodEntry => {
    const entry: PodEntry = podSnapshot(pod);
    if (isIstioIstiod(pod)) {
      entry.istiodClusterId = clusterIdFromIstiods([pod]);
      entry.istiod = pod;
    }
    return entry;
  },
});

export const SERVICES = declareKind({
  name: 'services',
  path: '/api/v1/services',
  shape: ServiceShape,
  keep: (svc): ServiceEntry => ({ service: serviceSnapshot(svc), gateway: gatewayService(svc) }),
});

/** The Istio namespace's ConfigMaps (istio, istio-sidecar-injector, istio-ca-root-cert): mesh config and root certificates. */
export const ISTIO_CONFIGMAPS = declareKind({
  name: `configmaps in ${ISTIO_NAMESPACE}`,
  path: `/api/v1/namespaces/${ISTIO_NAMESPACE}/configmaps`,
  shape: ConfigMapShape,
  keep: (cm): KubeConfigMap => ({ metadata: { name: cm.metadata?.name, namespace: cm.metadata?.namespace }, data: { ...(cm.data ?? {}) } }),
});

/** Istio Gateways (the mesh checks: which ports the east-west gateway opens, istiod exposed). Optional: a cluster without Istio's CRDs has none. */
export const ISTIO_GATEWAYS = declareKind({
  name: 'gateways.networking.istio.io',
  path: istioConfigPath('networking.istio.io', 'gateways'),
  optional: true,
  shape: IstioGatewayShape,
  keep: (g): IstioGatewayFacts => ({
    namespace: g.metadata?.namespace ?? '',
    name: g.metadata?.name ?? '',
    selector: { ...(g.spec?.selector ?? {}) },
    servers: (g.spec?.servers ?? []).map((s) => ({ port: s.port?.number ?? 0, protocol: s.port?.protocol ?? '', tlsMode: s.tls?.mode ?? null, hosts: s.hosts ?? [] })),
  }),
});

/** DestinationRules (the mesh checks: locality failover without outlier detection). Optional, as Gateways. */
export const DESTINATION_RULES = declareKind({
  name: 'destinationrules.networking.istio.io',
  path: istioConfigPath('networking.istio.io', 'destinationrules'),
  optional: true,
  shape: DestinationRuleShape,
  keep: (d): DestinationRuleFacts => ({
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    host: d.spec?.host ?? '',
    localityLb: !!d.spec?.trafficPolicy?.loadBalancer?.localityLbSetting && d.spec.trafficPolicy.loadBalancer.localityLbSetting.enabled !== false,
    outlierDetection: !!d.spec?.trafficPolicy?.outlierDetection,
  }),
});

/** Every kind the cache keeps, by name: how a list parser in a worker thread (list-parsers.ts) finds the declaration it is told of. */
export const CACHED_KINDS = new Map<string, KindDeclaration<unknown>>([NAMESPACES, PODS, SERVICES, ISTIO_CONFIGMAPS, ISTIO_GATEWAYS, DESTINATION_RULES].map((k) => [k.name, k]));
